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

/// A string as scanned: either untouched bytes of the input or unescaped bytes in the scratch buffer.
enum JSONStringToken {
  /// The string had no escapes: its bytes are `input[range]`.
  case raw(Range<Int>)
  /// The string had escapes: its unescaped bytes are the scanner's ``JSONScanner/scratch``.
  case unescaped
}

/// A cursor over UTF-8 bytes with the lexical rules of RFC 8259, shared by ``JSONReader`` and
/// ``JSONSchemaDecoder``.
struct JSONScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  /// Unescaped bytes of the last string that had escapes.
  var scratch: [UInt8] = []

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
  }

  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

  /// The byte at `position`, or `nil` at the end.
  @inline(__always) var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  @inline(__always) mutating func skipWhitespace() {
    while position < bytes.count && JSONScanner.isWhitespace(bytes[position]) { position += 1 }
  }

  /// Throws unless only whitespace remains.
  mutating func expectEnd() throws(JSONError) {
    skipWhitespace()
    if position < bytes.count { throw error(.syntax, expected: "end of input") }
  }

  // MARK: Errors

  /// An error at `offset` (default: the current position) naming what is there.
  func error(_ code: JSONError.Code, expected: String, at offset: Int? = nil) -> JSONError {
    let at = offset ?? position
    return JSONError(code, expected: expected, found: describe(at: at), offset: at, in: bytes)
  }

  /// An error with an explicit description of what was found.
  func error(_ code: JSONError.Code, expected: String, found: String, at offset: Int) -> JSONError {
    JSONError(code, expected: expected, found: found, offset: offset, in: bytes)
  }

  /// A short description of the character at `offset`: `'x'`, `U+000A`, `byte 0xFF`, `end of input`.
  func describe(at offset: Int) -> String {
    guard offset < bytes.count else { return "end of input" }
    let b = bytes[offset]
    if b < 0x20 || b == 0x7F { return "U+" + hex(UInt32(b), width: 4) }
    if b < 0x80 { return "'\(Character(Unicode.Scalar(b)))'" }
    let end = min(offset + 4, bytes.count)
    var decoder = UTF8()
    var iterator = UnsafeBufferPointer(rebasing: bytes[offset..<end]).makeIterator()
    if case .scalarValue(let scalar) = decoder.decode(&iterator) { return "'\(Character(scalar))'" }
    return "byte 0x" + hex(UInt32(b), width: 2)
  }

  func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  // MARK: Literals and numbers

  /// Consumes `literal` (`true`, `false`, `null`) at the current position.
  mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
    let count = literal.utf8CodeUnitCount
    let text = literal.utf8Start
    for i in 0..<count where position + i >= bytes.count || bytes[position + i] != text[i] {
      throw error(.syntax, expected: "a JSON value", at: position)
    }
    position += count
  }

  /// Scans a number at the current position; returns its byte range and whether it is an integer.
  mutating func scanNumber() throws(JSONError) -> (range: Range<Int>, isInteger: Bool) {
    let start = position
    var p = position
    let n = bytes.count
    if p < n && bytes[p] == UInt8(ascii: "-") { p += 1 }
    guard p < n, JSONScanner.isDigit(bytes[p]) else { throw numberError(start, p) }
    if bytes[p] == UInt8(ascii: "0") {
      p += 1
      if p < n && JSONScanner.isDigit(bytes[p]) { throw numberError(start, p) }
    } else {
      while p < n && JSONScanner.isDigit(bytes[p]) { p += 1 }
    }
    var isInteger = true
    if p < n && bytes[p] == UInt8(ascii: ".") {
      isInteger = false
      p += 1
      guard p < n, JSONScanner.isDigit(bytes[p]) else { throw numberError(start, p) }
      while p < n && JSONScanner.isDigit(bytes[p]) { p += 1 }
    }
    if p < n && (bytes[p] | 0x20) == UInt8(ascii: "e") {
      isInteger = false
      p += 1
      if p < n && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-")) { p += 1 }
      guard p < n, JSONScanner.isDigit(bytes[p]) else { throw numberError(start, p) }
      while p < n && JSONScanner.isDigit(bytes[p]) { p += 1 }
    }
    position = p
    return (start..<p, isInteger)
  }

  private func numberError(_ start: Int, _ at: Int) -> JSONError {
    var end = at
    while end < bytes.count, end - start < 40,
      JSONScanner.isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") || (bytes[end] | 0x20) == UInt8(ascii: "e")
        || bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-")
    { end += 1 }
    if end == start { return error(.syntax, expected: "a JSON value", at: start) }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<max(end, at)]), as: UTF8.self)
    return error(.invalidNumber, expected: "a number as RFC 8259 writes it", found: "'\(text)'", at: start)
  }

  // MARK: Strings

  /// Scans a string whose opening quote is at the current position, checking UTF-8 and escapes.
  mutating func scanString() throws(JSONError) -> JSONStringToken {
    let start = position + 1
    var p = start
    let n = bytes.count
    while p < n {
      let b = bytes[p]
      if b == UInt8(ascii: "\"") {
        position = p + 1
        return .raw(start..<p)
      }
      if b == UInt8(ascii: "\\") {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<p]))
        position = p
        try scanEscapedRest()
        return .unescaped
      }
      if b < 0x20 { throw error(.invalidString, expected: "an escape for control character", at: p) }
      p = b < 0x80 ? p + 1 : try validateUTF8(at: p)
    }
    throw error(.syntax, expected: "'\"' to close the string opened at offset \(position)", at: n)
  }

  /// Continues a string at its first backslash, unescaping into ``scratch``.
  private mutating func scanEscapedRest() throws(JSONError) {
    var p = position
    let n = bytes.count
    let open = position
    while p < n {
      let b = bytes[p]
      if b == UInt8(ascii: "\"") {
        position = p + 1
        return
      }
      if b == UInt8(ascii: "\\") {
        guard p + 1 < n else { break }
        let e = bytes[p + 1]
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
          p = try unescapeUnicode(at: p)
          continue
        default:
          throw error(.invalidString, expected: "an escape sequence (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at: p + 1)
        }
        p += 2
        continue
      }
      if b < 0x20 { throw error(.invalidString, expected: "an escape for control character", at: p) }
      if b < 0x80 {
        scratch.append(b)
        p += 1
      } else {
        let next = try validateUTF8(at: p)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[p..<next]))
        p = next
      }
    }
    throw error(.syntax, expected: "'\"' to close the string opened at offset \(open)", at: n)
  }

  /// Decodes `\uXXXX` (and a following low surrogate) at `p`; returns the offset after it.
  private mutating func unescapeUnicode(at p: Int) throws(JSONError) -> Int {
    let high = try hexQuad(at: p + 2)
    var scalar = high
    var next = p + 6
    if high >= 0xD800 && high <= 0xDBFF {
      guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u") else {
        throw error(.invalidString, expected: "a low surrogate escape after '\\u\(hex(high, width: 4))'", at: next)
      }
      let low = try hexQuad(at: next + 2)
      guard low >= 0xDC00 && low <= 0xDFFF else {
        throw error(.invalidString, expected: "a low surrogate escape after '\\u\(hex(high, width: 4))'",
          found: "'\\u\(hex(low, width: 4))'", at: next)
      }
      scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
      next += 6
    } else if high >= 0xDC00 && high <= 0xDFFF {
      throw error(.invalidString, expected: "a high surrogate before '\\u\(hex(high, width: 4))'",
        found: "a lone low surrogate", at: p)
    }
    appendUTF8(scalar)
    return next
  }

  private func hexQuad(at p: Int) throws(JSONError) -> UInt32 {
    var value: UInt32 = 0
    for i in 0..<4 {
      guard p + i < bytes.count else { throw error(.invalidString, expected: "four hex digits after '\\u'", at: p + i) }
      let b = bytes[p + i]
      let digit: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw error(.invalidString, expected: "four hex digits after '\\u'", at: p + i)
      }
      value = value << 4 | digit
    }
    return value
  }

  private mutating func appendUTF8(_ scalar: UInt32) {
    switch scalar {
    case ..<0x80:
      scratch.append(UInt8(scalar))
    case ..<0x800:
      scratch.append(UInt8(0xC0 | scalar >> 6))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    case ..<0x10000:
      scratch.append(UInt8(0xE0 | scalar >> 12))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    default:
      scratch.append(UInt8(0xF0 | scalar >> 18))
      scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    }
  }

  /// Checks one multi-byte UTF-8 sequence starting at `p` (Unicode 15, table 3-7); returns its end.
  private func validateUTF8(at p: Int) throws(JSONError) -> Int {
    let b = bytes[p]
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch b {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F
    default: throw error(.invalidUTF8, expected: "UTF-8 text", found: "byte 0x" + hex(UInt32(b), width: 2), at: p)
    }
    for i in 1..<length {
      let at = p + i
      guard at < bytes.count else {
        throw error(.invalidUTF8, expected: "UTF-8 text", found: "a truncated UTF-8 sequence", at: p)
      }
      let c = bytes[at]
      let ok = i == 1 ? (c >= low && c <= high) : (c & 0xC0 == 0x80)
      if !ok { throw error(.invalidUTF8, expected: "UTF-8 text", found: "byte 0x" + hex(UInt32(c), width: 2), at: at) }
    }
    return p + length
  }

  /// Runs `body` over the bytes of a scanned string.
  @inline(__always) func withBytes<R>(of token: JSONStringToken, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    switch token {
    case .raw(let range): return body(UnsafeBufferPointer(rebasing: bytes[range]))
    case .unescaped: return scratch.withUnsafeBufferPointer(body)
    }
  }

  /// The scanned string as a Swift `String` (the bytes are already known to be valid UTF-8).
  func string(of token: JSONStringToken) -> String {
    withBytes(of: token) { String(decoding: $0, as: UTF8.self) }
  }

  // MARK: Skipping

  /// Skips one value (checking its syntax) without building anything.
  mutating func skipValue(depth: Int, maxNesting: Int) throws(JSONError) {
    skipWhitespace()
    guard let b = peek else { throw error(.syntax, expected: "a JSON value") }
    switch b {
    case UInt8(ascii: "\""): _ = try scanString()
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
    case UInt8(ascii: "t"): try expectLiteral("true")
    case UInt8(ascii: "f"): try expectLiteral("false")
    case UInt8(ascii: "n"): try expectLiteral("null")
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      let isObject = b == UInt8(ascii: "{")
      try checkDepth(depth + 1, maxNesting)
      position += 1
      skipWhitespace()
      if peek == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
        position += 1
        return
      }
      while true {
        if isObject {
          skipWhitespace()
          guard peek == UInt8(ascii: "\"") else { throw error(.syntax, expected: "a string key") }
          _ = try scanString()
          try expectColon()
        }
        try skipValue(depth: depth + 1, maxNesting: maxNesting)
        if try !continueAfterElement(isObject: isObject) { return }
      }
    default: throw error(.syntax, expected: "a JSON value")
    }
  }

  /// Throws when nesting `depth` exceeds the limit.
  @inline(__always) func checkDepth(_ depth: Int, _ maxNesting: Int) throws(JSONError) {
    if depth > maxNesting {
      throw error(.tooDeep, expected: "at most \(maxNesting) nested arrays and objects", found: "deeper nesting", at: position)
    }
  }

  /// Consumes `:` after an object key.
  @inline(__always) mutating func expectColon() throws(JSONError) {
    skipWhitespace()
    guard peek == UInt8(ascii: ":") else { throw error(.syntax, expected: "':' after the object key") }
    position += 1
  }

  /// After an element, consumes `,` (returns true) or the closing bracket (returns false).
  @inline(__always) mutating func continueAfterElement(isObject: Bool) throws(JSONError) -> Bool {
    skipWhitespace()
    let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
    if let b = peek {
      if b == UInt8(ascii: ",") {
        position += 1
        return true
      }
      if b == close {
        position += 1
        return false
      }
    }
    throw error(.syntax, expected: isObject ? "',' or '}'" : "',' or ']'")
  }

  // MARK: Trees

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

/// Conversions of number text (already checked against the JSON grammar) to machine numbers.
enum JSONNumberText {
  /// The integer value when `text` is an integer in Int64's range.
  static func int64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard !text.isEmpty else { return nil }
    let negative = text[0] == UInt8(ascii: "-")
    guard let magnitude = uint64(text, allowingMinus: true) else { return nil }
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
      return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
  }

  /// The integer value when `text` is a non-negative integer in UInt64's range (`-0` is 0).
  static func uint64(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard let magnitude = uint64(text, allowingMinus: true) else { return nil }
    if text.first == UInt8(ascii: "-") && magnitude != 0 { return nil }
    return magnitude
  }

  /// The magnitude of a plain integer, or `nil` on overflow or a non-digit.
  private static func uint64(_ text: UnsafeBufferPointer<UInt8>, allowingMinus: Bool) -> UInt64? {
    var i = 0
    if i < text.count && text[i] == UInt8(ascii: "-") { i += 1 }
    guard i < text.count else { return nil }
    var value: UInt64 = 0
    while i < text.count {
      let d = text[i] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.addingReportingOverflow(UInt64(d))
      if o1 || o2 { return nil }
      value = s
      i += 1
    }
    return value
  }

  /// Exact powers of ten representable as doubles.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// The correctly rounded double of JSON number text (±infinity beyond the double range).
  ///
  /// Short numbers take Clinger's exact fast path; the rest go through the standard library.
  static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double {
    var i = 0
    let n = text.count
    let negative = n > 0 && text[0] == UInt8(ascii: "-")
    if negative { i += 1 }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var exact = true
    var inFraction = false
    while i < n {
      let b = text[i]
      if b == UInt8(ascii: ".") {
        inFraction = true
        i += 1
        continue
      }
      let d = b &- UInt8(ascii: "0")
      guard d < 10 else { break }
      if mantissa == 0 && d == 0 {
        if inFraction { exponent -= 1 }
      } else if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        digits += 1
        if inFraction { exponent -= 1 }
      } else {
        exact = false
      }
      i += 1
    }
    if i < n {  // exponent part
      i += 1
      var sign = 1
      if text[i] == UInt8(ascii: "-") {
        sign = -1
        i += 1
      } else if text[i] == UInt8(ascii: "+") {
        i += 1
      }
      var e = 0
      while i < n {
        e = min(e * 10 + Int(text[i] &- UInt8(ascii: "0")), 100_000)
        i += 1
      }
      exponent += sign * e
    }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
      return negative ? -value : value
    }
    return Double(String(decoding: text, as: UTF8.self)) ?? .nan
  }
}
