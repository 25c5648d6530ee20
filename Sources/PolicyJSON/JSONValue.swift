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
