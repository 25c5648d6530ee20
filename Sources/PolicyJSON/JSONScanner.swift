import PolicySource

/// A string as scanned: either untouched bytes of the input or unescaped bytes in the scratch buffer.
public enum JSONStringToken {
  /// The string had no escapes: its bytes are `input[range]`.
  case raw(Range<Int>)
  /// The string had escapes: its unescaped bytes are the scanner's ``JSONScanner/scratch``.
  case unescaped
}

/// A cursor over UTF-8 bytes with the lexical rules of RFC 8259: the one JSON lexer, under
/// ``JSONReader`` (trees and pull reading) and PolicyExpr's schema decoder.
///
/// Strict: no comments, no trailing commas, no single quotes, no leading `+` or zeros, no byte-order
/// mark; strings are checked as UTF-8 with PolicySource's `UTF8Validation` (no overlong forms, no
/// surrogates) and must escape control characters. Errors are ``JSONError``s located by line and
/// column (1-based, the column in Unicode scalars, as everywhere in Proviso).
///
/// With ``startCanonical()`` the scanner also copies the document's canonical form as it goes (see
/// ``finishCanonical()``), so a caller gets it from the same pass that checks or decodes it.
public struct JSONScanner {
  /// The document.
  public let bytes: UnsafeBufferPointer<UInt8>
  /// The offset of the next byte to read.
  public var position = 0
  /// Unescaped bytes of the last string that had escapes.
  public var scratch: [UInt8] = []
  /// The canonical form so far (up to ``canonicalCopied``), or `nil` when not collecting it.
  @usableFromInline var canonical: [UInt8]?
  /// The input offset up to which the input has been accounted for in ``canonical``.
  @usableFromInline var canonicalCopied = 0

  /// A scanner at the start of `bytes`.
  public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Whether `b` is JSON whitespace (space, tab, line feed, carriage return).
  @inlinable @inline(__always) public static func isWhitespace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
  }

  /// Whether `b` is an ASCII digit.
  @inlinable @inline(__always) public static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

  /// The byte at `position`, or `nil` at the end.
  @inlinable @inline(__always) public var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  /// Skips whitespace (leaving it out of the canonical form, when collecting one).
  @inlinable @inline(__always) public mutating func skipWhitespace() {
    let start = position
    while position < bytes.count && JSONScanner.isWhitespace(bytes[position]) { position += 1 }
    if position != start && canonical != nil { dropFromCanonical(start) }
  }

  /// Throws unless only whitespace remains.
  public mutating func expectEnd() throws(JSONError) {
    skipWhitespace()
    if position < bytes.count { throw error(.syntax, expected: "end of input") }
  }

  // MARK: Errors

  /// An error at `offset` (default: the current position) naming what is there.
  public func error(_ code: JSONError.Code, expected: String, at offset: Int? = nil) -> JSONError {
    let at = offset ?? position
    return JSONError(code, expected: expected, found: describe(at: at), offset: at, in: bytes)
  }

  /// An error with an explicit description of what was found.
  public func error(_ code: JSONError.Code, expected: String, found: String, at offset: Int) -> JSONError {
    JSONError(code, expected: expected, found: found, offset: offset, in: bytes)
  }

  /// A short description of the character at `offset`: `'x'`, `U+000A`, `byte 0xFF`, `end of input`.
  public func describe(at offset: Int) -> String {
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

  /// `line:column` of `offset`, for messages that mention a second position.
  func locationText(_ offset: Int) -> String {
    let (line, column) = JSONError.location(of: offset, in: bytes)
    return "\(line):\(column)"
  }

  func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  // MARK: Literals and numbers

  /// Consumes `literal` (`true`, `false`, `null`) at the current position.
  public mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
    let count = literal.utf8CodeUnitCount
    let text = literal.utf8Start
    for i in 0..<count where position + i >= bytes.count || bytes[position + i] != text[i] {
      throw error(.syntax, expected: "a JSON value", at: position)
    }
    position += count
  }

  /// Scans a number at the current position; returns its byte range and whether it is an integer.
  public mutating func scanNumber() throws(JSONError) -> (range: Range<Int>, isInteger: Bool) {
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
  public mutating func scanString() throws(JSONError) -> JSONStringToken {
    let start = position + 1
    var p = start
    let n = bytes.count
    // Eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII.
    if let base = bytes.baseAddress {
      let raw = UnsafeRawPointer(base)
      while p + 8 <= n {
        let word = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
        if JSONScanner.needsAttention(word) { break }
        p += 8
      }
    }
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
        if canonical != nil { rewriteInCanonical(stringAt: start - 1) }
        return .unescaped
      }
      if b < 0x20 { throw error(.invalidString, expected: "an escape for control character", at: p) }
      p = b < 0x80 ? p + 1 : try validateUTF8(at: p)
    }
    throw error(.syntax, expected: "'\"' to close the string opened at \(locationText(position))", at: n)
  }

  /// Whether any of the eight bytes in `word` is `"`, `\`, below 0x20 or above 0x7F (SWAR).
  @inline(__always) static func needsAttention(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    let quote = hasZeroByte(word ^ (ones &* 0x22))
    let backslash = hasZeroByte(word ^ (ones &* 0x5C))
    let control = (word &- ones &* 0x20) & ~word & highs
    return (quote | backslash | control | (word & highs)) != 0
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
    throw error(.syntax, expected: "'\"' to close the string opened at \(locationText(open))", at: n)
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
    switch UTF8Validation.sequence(bytes, at: p) {
    case .valid(let end): return end
    case .invalid(let at):
      throw error(.invalidUTF8, expected: "UTF-8 text", found: "byte 0x" + hex(UInt32(bytes[at]), width: 2), at: at)
    case .truncated:
      throw error(.invalidUTF8, expected: "UTF-8 text", found: "a truncated UTF-8 sequence", at: p)
    }
  }

  /// Runs `body` over the bytes of a scanned string.
  @inline(__always) public func withBytes<R>(of token: JSONStringToken, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    switch token {
    case .raw(let range): return body(UnsafeBufferPointer(rebasing: bytes[range]))
    case .unescaped: return scratch.withUnsafeBufferPointer(body)
    }
  }

  /// The scanned string as a Swift `String` (the bytes are already known to be valid UTF-8).
  public func string(of token: JSONStringToken) -> String {
    withBytes(of: token) { String(decoding: $0, as: UTF8.self) }
  }

  // MARK: Skipping

  /// Skips one value (checking its syntax) without building anything.
  public mutating func skipValue(depth: Int, maxNesting: Int) throws(JSONError) {
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
  @inline(__always) public func checkDepth(_ depth: Int, _ maxNesting: Int) throws(JSONError) {
    if depth > maxNesting {
      throw error(.tooDeep, expected: "at most \(maxNesting) nested arrays and objects", found: "deeper nesting", at: position)
    }
  }

  /// Consumes `:` after an object key.
  @inline(__always) public mutating func expectColon() throws(JSONError) {
    skipWhitespace()
    guard peek == UInt8(ascii: ":") else { throw error(.syntax, expected: "':' after the object key") }
    position += 1
  }

  /// After an element, consumes `,` (returns true) or the closing bracket (returns false).
  @inline(__always) public mutating func continueAfterElement(isObject: Bool) throws(JSONError) -> Bool {
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
}

// MARK: Canonical form

extension JSONScanner {
  /// Starts collecting the canonical form of what is scanned from here: the compact form
  /// ``JSONWriter`` writes for the parsed document (keys in document order, numbers as written, no
  /// insignificant whitespace, strings escaped by ``JSONWriter/writeString(_:)``).
  ///
  /// Whitespace is dropped where ``skipWhitespace()`` skips it and strings with escapes are
  /// rewritten; everything else is copied as is, so a compact document costs one copy at the end.
  public mutating func startCanonical() {
    canonical = []
    canonicalCopied = position
  }

  /// The canonical form of everything scanned since ``startCanonical()`` (call it after the
  /// document was read to its end), or `nil` when not collecting.
  public mutating func finishCanonical() -> [UInt8]? {
    guard var out = canonical else { return nil }
    if canonicalCopied < position { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[canonicalCopied..<position])) }
    canonical = nil
    return out
  }

  /// Leaves out the whitespace `start..<position`.
  @usableFromInline mutating func dropFromCanonical(_ start: Int) {
    if canonicalCopied < start { canonical!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[canonicalCopied..<start])) }
    canonicalCopied = position
  }

  /// Replaces the string with escapes that opened at `quote` (and ends at `position`) by its
  /// unescaped text (in ``scratch``) escaped the writer's way.
  mutating func rewriteInCanonical(stringAt quote: Int) {
    if canonicalCopied < quote { canonical!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[canonicalCopied..<quote])) }
    var out = canonical!
    canonical = nil  // keeps `out` uniquely referenced
    scratch.withUnsafeBufferPointer { JSONWriter.appendQuoted($0, to: &out) }
    canonical = out
    canonicalCopied = position
  }
}
