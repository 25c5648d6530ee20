// The C shim over RE2 declared in include/cre2_shim.h.

#include "cre2_shim.h"

#include <re2/re2.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

struct cre2_regex {
  RE2 re;
  explicit cre2_regex(re2::StringPiece pattern, const RE2::Options &options) : re(pattern, options) {}
};

static char *copy_message(const std::string &message) {
  char *out = static_cast<char *>(std::malloc(message.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, message.data(), message.size());
  out[message.size()] = '\0';
  return out;
}

extern "C" cre2_regex *cre2_compile(const char *pattern, size_t length, char **error) {
  if (error != nullptr) *error = nullptr;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingUTF8);
  cre2_regex *regex = new (std::nothrow) cre2_regex(re2::StringPiece(pattern == nullptr ? "" : pattern, length), options);
  if (regex == nullptr) {
    if (error != nullptr) *error = copy_message("out of memory");
    return nullptr;
  }
  if (!regex->re.ok()) {
    if (error != nullptr) *error = copy_message(regex->re.error());
    delete regex;
    return nullptr;
  }
  return regex;
}

extern "C" int cre2_partial_match(const cre2_regex *regex, const char *text, size_t length) {
  if (regex == nullptr) return 0;
  return RE2::PartialMatch(re2::StringPiece(text == nullptr ? "" : text, length), regex->re) ? 1 : 0;
}

extern "C" int cre2_full_match(const cre2_regex *regex, const char *text, size_t length) {
  if (regex == nullptr) return 0;
  return RE2::FullMatch(re2::StringPiece(text == nullptr ? "" : text, length), regex->re) ? 1 : 0;
}

extern "C" int cre2_group_count(const cre2_regex *regex) {
  return regex == nullptr ? 0 : regex->re.NumberOfCapturingGroups();
}

extern "C" void cre2_free(cre2_regex *regex) { delete regex; }

extern "C" void cre2_free_error(char *error) { std::free(error); }
