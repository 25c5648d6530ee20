import PolicySource

/// Parses JSON documents (RFC 8259) from UTF-8 bytes into ``JSONValue`` trees.
///
/// Decisions where RFC 8259 leaves room:
/// - Duplicate object keys are an error (``JSONError/Code/duplicateKey``).
/// - Strings must be well-formed UTF-8; `\u` escapes of lone UTF-16 surrogates (`"\ud800"`) are
///   rejected (``JSONError/Code/invalidString``), since a Swift `String` cannot hold them.
/// - Numbers keep their text; any size is accepted here, and range checks happen where a number is
///   converted (a schema's `int` field, ``JSONNumber/int64Value``).
/// - A leading byte-order mark is not accepted.
/// - Arrays and objects nest at most ``maxNesting`` deep, so a 100,000-deep `[[[[` is an error,
///   never a stack overflow.
public enum JSONReader {
  /// The deepest nesting of arrays and objects accepted: `Limits.maxExpressionNesting` (128).
  public static let maxNesting = Limits.default.maxExpressionNesting

  /// Parses one JSON document from `bytes`.
  /// - Throws: ``JSONError`` with the offset, line and column of the first problem.
  public static func parse(_ bytes: UnsafeRawBufferPointer, maxNesting: Int = maxNesting) throws(JSONError) -> JSONValue {
    let buffer = bytes.bindMemory(to: UInt8.self)
    var scanner = JSONScanner(buffer)
    let value = try scanner.parseValue(depth: 0, maxNesting: maxNesting)
    try scanner.expectEnd()
    return value
  }

  /// Parses one JSON document from `bytes`.
  public static func parse(_ bytes: [UInt8], maxNesting: Int = maxNesting) throws(JSONError) -> JSONValue {
    let result = bytes.withUnsafeBytes { raw in Result { () throws(JSONError) in try parse(raw, maxNesting: maxNesting) } }
    return try result.get()
  }

  /// Parses one JSON document from the UTF-8 of `text`.
  public static func parse(_ text: String, maxNesting: Int = maxNesting) throws(JSONError) -> JSONValue {
    var copy = text
    let result = copy.withUTF8 { utf8 in
      Result { () throws(JSONError) in try parse(UnsafeRawBufferPointer(utf8), maxNesting: maxNesting) }
    }
    return try result.get()
  }
}

/// One line of a JSON Lines (JSONL) input: its 1-based number and its byte range (without the
/// line break or a trailing carriage return).
public struct JSONLine: Sendable, Hashable {
  /// The 1-based line number.
  public var number: Int
  /// The UTF-8 byte offsets of the line's text within the whole input.
  public var range: Range<Int>
}

/// Splits JSON Lines input at `\n`, skipping lines that hold only whitespace.
///
/// The buffer must outlive the iteration; each ``JSONLine/range`` indexes into it.
public struct JSONLines: Sequence {
  /// The whole input.
  public let bytes: UnsafeRawBufferPointer

  /// Splits `bytes`.
  public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Iterates over the non-blank lines.
  public struct Iterator: IteratorProtocol {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var lineNumber = 0

    /// The next non-blank line, or `nil` at the end of the input.
    public mutating func next() -> JSONLine? {
      while position < bytes.count {
        lineNumber += 1
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        position = end + 1
        var last = end
        if last > start && bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
        var i = start
        while i < last && JSONScanner.isWhitespace(bytes[i]) { i += 1 }
        if i < last { return JSONLine(number: lineNumber, range: start..<last) }
      }
      return nil
    }
  }

  /// An iterator from the first line.
  public func makeIterator() -> Iterator { Iterator(bytes: bytes) }
}

extension JSONScanner {
  /// Parses one value into a ``JSONValue``.
  mutating func parseValue(depth: Int, maxNesting: Int) throws(JSONError) -> JSONValue {
    skipWhitespace()
    guard let b = peek else { throw error(.syntax, expected: "a JSON value") }
    switch b {
    case UInt8(ascii: "\""):
      let token = try scanString()
      return .string(string(of: token))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let (range, isInteger) = try scanNumber()
      let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
      return .number(JSONNumber(validText: text, isInteger: isInteger))
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "["):
      try checkDepth(depth + 1, maxNesting)
      position += 1
      var elements: [JSONValue] = []
      skipWhitespace()
      if peek == UInt8(ascii: "]") {
        position += 1
        return .array(elements)
      }
      repeat {
        elements.append(try parseValue(depth: depth + 1, maxNesting: maxNesting))
      } while try continueAfterElement(isObject: false)
      return .array(elements)
    case UInt8(ascii: "{"):
      try checkDepth(depth + 1, maxNesting)
      position += 1
      var object = JSONObject()
      skipWhitespace()
      if peek == UInt8(ascii: "}") {
        position += 1
        return .object(object)
      }
      var seen: Set<String> = []
      repeat {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw error(.syntax, expected: "a string key") }
        let keyStart = position
        let token = try scanString()
        let key = string(of: token)
        let duplicate = object.keys.count < 8 ? object.keys.contains(key) : !seen.insert(key).inserted
        if object.keys.count == 7 { seen = Set(object.keys + [key]) }
        if duplicate {
          throw error(.duplicateKey, expected: "distinct object keys", found: "a second '\(key)'", at: keyStart)
        }
        try expectColon()
        object.keys.append(key)
        object.values.append(try parseValue(depth: depth + 1, maxNesting: maxNesting))
      } while try continueAfterElement(isObject: true)
      return .object(object)
    default:
      throw error(.syntax, expected: "a JSON value")
    }
  }
}
