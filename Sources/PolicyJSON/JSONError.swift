/// A malformed JSON document: what was expected, what was found, and where.
///
/// Offsets are 0-based UTF-8 byte offsets into the document; ``line`` and ``column`` are 1-based
/// and computed only when the error is made. The column counts Unicode scalars, the convention of
/// every position in Proviso (`SourceLocation`, YAML, input errors, the service's `malformed_json`).
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A stable kind of failure.
  public var code: Code
  /// What the grammar allowed at this point (`',' or '}'`).
  public var expected: String
  /// What the document had instead (`'x'`, `end of input`).
  public var found: String
  /// The 0-based UTF-8 byte offset of the offending byte.
  public var offset: Int
  /// The 1-based line of ``offset``.
  public var line: Int
  /// The 1-based column of ``offset``, in Unicode scalars.
  public var column: Int

  /// Stable, snake_case kinds of malformed JSON.
  public enum Code: String, Sendable, Hashable {
    /// A character the grammar does not allow here.
    case syntax = "json_syntax_error"
    /// A number that breaks RFC 8259's grammar (`01`, `1.`, `.5`, `+1`).
    case invalidNumber = "json_invalid_number"
    /// A bad escape, an unescaped control character, or a lone UTF-16 surrogate.
    case invalidString = "json_invalid_string"
    /// Bytes that are not well-formed UTF-8.
    case invalidUTF8 = "json_invalid_utf8"
    /// Arrays and objects nested deeper than the limit.
    case tooDeep = "json_nesting_too_deep"
    /// An object key that appears twice.
    case duplicateKey = "json_duplicate_key"
    /// A well-formed number or value a pull reader cannot use here (an integer out of `Int32`).
    case outOfRange = "json_value_out_of_range"
  }

  /// Creates an error, computing the line and column of `offset` in `bytes`.
  public init(_ code: Code, expected: String, found: String, offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
    self.code = code
    self.expected = expected
    self.found = found
    self.offset = offset
    (self.line, self.column) = JSONError.location(of: offset, in: bytes)
  }

  /// The message: `expected ',' or '}', found 'x'`.
  public var message: String { "expected \(expected), found \(found)" }

  /// `line:column: message`.
  public var description: String { "\(line):\(column): \(message)" }

  /// The 1-based line and 1-based column (in Unicode scalars) of a byte offset.
  public static func location(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    let end = min(offset, bytes.count)
    while i < end {
      let b = bytes[i]
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
      i += 1
    }
    return (line, column)
  }
}
