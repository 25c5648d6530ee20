// SQLite's SQLITE_TRANSIENT is a cast of -1 to a destructor pointer, a macro Swift cannot import;
// these fixed-arity wrappers bind text and blobs with it so SQLite copies the bytes.
#include <stdint.h>
#include <sqlite3.h>

/// Binds `length` bytes of UTF-8 text at `index` (1-based); SQLite copies them.
static inline int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
  return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}
