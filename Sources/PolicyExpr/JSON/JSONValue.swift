/// A parsed JSON document as a lightweight tree (RFC 8259), produced by ``JSONReader/parse(_:)-(UnsafeRawBufferPointer)``.
///
/// Numbers keep their exact source text (``JSONNumber``), so a decimal such as `100.10` never
/// passes through a double; object members keep their source order.
public indirect enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// The JSON kind as error messages name it (`null`, `bool`, `number`, `string`, `array`, `object`).
  public var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "bool"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

/// A JSON number: its exact source text and the conversions the schemas need.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
  /// The number exactly as written in the document (`-0`, `100.10`, `1e400`).
  public let text: String
  /// Whether the text has neither a fraction nor an exponent (`12`, `-0`).
  public let isInteger: Bool

  /// Wraps number text already checked against the RFC 8259 grammar.
  public init(validText text: String, isInteger: Bool) {
    self.text = text
    self.isInteger = isInteger
  }

  /// The value as an Int64 when the text is an integer in range, else `nil`.
  public var int64Value: Int64? {
    guard isInteger else { return nil }
    var t = text
    return t.withUTF8 { JSONNumberText.int64(UnsafeBufferPointer(rebasing: $0[...])) }
  }

  /// The value as a UInt64 when the text is a non-negative integer in range, else `nil`.
  public var uint64Value: UInt64? {
    guard isInteger else { return nil }
    var t = text
    return t.withUTF8 { JSONNumberText.uint64(UnsafeBufferPointer(rebasing: $0[...])) }
  }

  /// The nearest double (correctly rounded); `±infinity` when the magnitude exceeds the double range.
  public var doubleValue: Double {
    var t = text
    return t.withUTF8 { JSONNumberText.double(UnsafeBufferPointer(rebasing: $0[...])) }
  }

  /// The source text.
  public var description: String { text }
}

/// A JSON object's members in source order, with lookup by key.
///
/// Keys are unique: the reader rejects duplicate keys.
public struct JSONObject: Sendable, Hashable {
  /// The keys in source order.
  public var keys: [String]
  /// The values, parallel to ``keys``.
  public var values: [JSONValue]

  /// Creates an object from parallel arrays of distinct keys and values.
  public init(keys: [String] = [], values: [JSONValue] = []) {
    self.keys = keys
    self.values = values
  }

  /// The number of members.
  public var count: Int { keys.count }

  /// The value of member `key`, or `nil` when absent (a linear search: objects are small).
  public subscript(key: String) -> JSONValue? {
    guard let i = keys.firstIndex(of: key) else { return nil }
    return values[i]
  }
}

/// A malformed JSON document: what was expected, what was found, and where.
///
/// Offsets are 0-based UTF-8 byte offsets into the document; ``line`` and ``column`` are 1-based
/// and computed only when the error is made (the column counts Unicode scalars).
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
  }

  /// Creates an error, computing the line and column of `offset` in `bytes`.
  init(_ code: Code, expected: String, found: String, offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
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
  static func location(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
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
