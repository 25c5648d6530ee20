#pragma once
// A minimal C interface to RE2 for Swift: compile a pattern, match, free.
// RE2 matches in time linear in the input, so untrusted patterns cannot cause
// catastrophic backtracking.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An opaque compiled RE2 pattern. Safe to match from many threads at once.
typedef struct cre2_regex cre2_regex;

/// Compiles `pattern` (UTF-8, `length` bytes, need not be NUL-terminated).
/// Returns the pattern, or NULL with `*error` set to a malloc'd NUL-terminated
/// message that the caller frees with `cre2_free_error`.
cre2_regex *cre2_compile(const char *pattern, size_t length, char **error);

/// Whether the pattern matches some substring of `text` (RE2::PartialMatch).
int cre2_partial_match(const cre2_regex *regex, const char *text, size_t length);

/// Whether the pattern matches all of `text` (RE2::FullMatch).
int cre2_full_match(const cre2_regex *regex, const char *text, size_t length);

/// The number of capturing groups in the pattern.
int cre2_group_count(const cre2_regex *regex);

/// Frees a pattern returned by `cre2_compile`.
void cre2_free(cre2_regex *regex);

/// Frees an error message returned by `cre2_compile`.
void cre2_free_error(char *error);

#ifdef __cplusplus
}
#endif
