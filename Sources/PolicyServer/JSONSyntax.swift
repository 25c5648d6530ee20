/// A syntax error in a JSON document, located by 1-based line and byte column.
public struct JSONSyntaxError: Error, Hashable, Sendable {
  /// The 1-based line.
  public var line: Int
  /// The 1-based column, counted in bytes from the start of the line.
  public var column: Int
  /// The UTF-8 byte offset of the error.
  public var offset: Int
  /// A lowercase message quoting the offending text.
  public var message: String

  /// The 400 wire error for a request body with this error.
  public var wireError: WireError { .malformedJSON(line: line, column: column, problem: message) }
}

/// Checks that bytes are one well-formed JSON value (RFC 8259) without building it: a single pass over
/// the bytes with no allocation unless there is an error.
///
/// It also enforces a nesting limit, so a deeply nested body is refused before any parser recurses into it.
public struct JSONSyntax: Sendable {
  /// The deepest nesting of arrays and objects accepted.
  public var maxNesting: Int

  /// Creates a checker with a nesting limit (128 by default).
  public init(maxNesting: Int = 128) { self.maxNesting = maxNesting }

  /// `nil` when `bytes` hold exactly one JSON value (surrounding whitespace allowed), else the first error.
  public func validate(_ bytes: [UInt8]) -> JSONSyntaxError? {
    bytes.withUnsafeBufferPointer { buffer in
      var scanner = Scanner(bytes: buffer, maxNesting: maxNesting)
      return scanner.document()
    }
  }
}

private struct Scanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxNesting: Int
  var position = 0
  var depth = 0

  init(bytes: UnsafeBufferPointer<UInt8>, maxNesting: Int) {
    self.bytes = bytes
    self.maxNesting = maxNesting
  }

  mutating func document() -> JSONSyntaxError? {
    skipWhitespace()
    if position == bytes.count { return error(bytes.isEmpty ? "request body is empty" : "unexpected end of input") }
    if let failure = value() { return failure }
    skipWhitespace()
    return position == bytes.count ? nil : error("unexpected \(describe(position)) after the JSON value")
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  mutating func value() -> JSONSyntaxError? {
    guard position < bytes.count else { return error("unexpected end of input") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return object()
    case UInt8(ascii: "["): return array()
    case UInt8(ascii: "\""): return string()
    case UInt8(ascii: "t"): return literal("true")
    case UInt8(ascii: "f"): return literal("false")
    case UInt8(ascii: "n"): return literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
    default: return error("unexpected \(describe(position))")
    }
  }

  mutating func object() -> JSONSyntaxError? {
    depth += 1
    guard depth <= maxNesting else { return error("nesting deeper than \(maxNesting) levels") }
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      depth -= 1
      return nil
    }
    while true {
      guard position < bytes.count else { return error("unexpected end of input") }
      guard bytes[position] == UInt8(ascii: "\"") else { return error("expected '\"' to start an object key, found \(describe(position))") }
      if let failure = string() { return failure }
      skipWhitespace()
      guard position < bytes.count else { return error("unexpected end of input") }
      guard bytes[position] == UInt8(ascii: ":") else { return error("expected ':' after object key, found \(describe(position))") }
      position += 1
      skipWhitespace()
      if let failure = value() { return failure }
      skipWhitespace()
      guard position < bytes.count else { return error("unexpected end of input") }
      if bytes[position] == UInt8(ascii: "}") {
        position += 1
        depth -= 1
        return nil
      }
      guard bytes[position] == UInt8(ascii: ",") else { return error("expected ',' or '}' after object member, found \(describe(position))") }
      position += 1
      skipWhitespace()
    }
  }

  mutating func array() -> JSONSyntaxError? {
    depth += 1
    guard depth <= maxNesting else { return error("nesting deeper than \(maxNesting) levels") }
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      depth -= 1
      return nil
    }
    while true {
      if let failure = value() { return failure }
      skipWhitespace()
      guard position < bytes.count else { return error("unexpected end of input") }
      if bytes[position] == UInt8(ascii: "]") {
        position += 1
        depth -= 1
        return nil
      }
      guard bytes[position] == UInt8(ascii: ",") else { return error("expected ',' or ']' after array element, found \(describe(position))") }
      position += 1
      skipWhitespace()
    }
  }

  mutating func string() -> JSONSyntaxError? {
    position += 1   // the opening quote
    while position < bytes.count {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        position += 1
        return nil
      case UInt8(ascii: "\\"):
        guard position + 1 < bytes.count else { return error("unexpected end of input") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          position += 2
        case UInt8(ascii: "u"):
          for offset in 2...5 {
            guard position + offset < bytes.count, isHexDigit(bytes[position + offset]) else {
              position += min(offset, bytes.count - position)
              return error("invalid '\\u' escape: expected 4 hex digits")
            }
          }
          position += 6
        default:
          return error("invalid escape '\\\(printable(bytes[position + 1]))' in string")
        }
      case 0..<0x20:
        return error("unescaped control character U+00\(hex(byte)) in string")
      case 0x80...:
        guard let length = utf8SequenceLength(at: position) else { return error("invalid UTF-8 in string") }
        position += length
      default:
        position += 1
      }
    }
    return error("unterminated string")
  }

  mutating func number() -> JSONSyntaxError? {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, isDigit(bytes[position]) else { return numberError(from: start) }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
    } else {
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else { return numberError(from: start) }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
      guard position < bytes.count, isDigit(bytes[position]) else { return numberError(from: start) }
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, isDigit(bytes[position]) { return numberError(from: start) }   // a leading zero: 012
    return nil
  }

  mutating func numberError(from start: Int) -> JSONSyntaxError {
    var end = position
    while end < bytes.count, end - start < 24, !isDelimiter(bytes[end]) { end += 1 }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    position = start
    return error("invalid number '\(text)'")
  }

  mutating func literal(_ word: StaticString) -> JSONSyntaxError? {
    let start = position
    let matches = word.withUTF8Buffer { expected -> Bool in
      guard bytes.count - position >= expected.count else { return false }
      for index in 0..<expected.count where bytes[position + index] != expected[index] { return false }
      return true
    }
    if matches {
      position += word.utf8CodeUnitCount
      if position == bytes.count || isDelimiter(bytes[position]) { return nil }
    }
    var end = start
    while end < bytes.count, end - start < 24, !isDelimiter(bytes[end]) { end += 1 }
    position = start
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    return error("unexpected '\(text)'")
  }

  func utf8SequenceLength(at index: Int) -> Int? {
    let lead = bytes[index]
    let length: Int
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0...0xEF: length = 3
    case 0xF0...0xF4: length = 4
    default: return nil
    }
    guard index + length <= bytes.count else { return nil }
    for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return nil }
    return length
  }

  func describe(_ index: Int) -> String {
    guard index < bytes.count else { return "end of input" }
    return "'\(printable(bytes[index]))'"
  }

  func printable(_ byte: UInt8) -> String {
    (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(hex(byte))}"
  }

  func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
  }

  /// An error at the current position, with its line and byte column.
  func error(_ message: String) -> JSONSyntaxError {
    var line = 1
    var lineStart = 0
    for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A {
      line += 1
      lineStart = index + 1
    }
    return JSONSyntaxError(line: line, column: position - lineStart + 1, offset: position, message: message)
  }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

@inline(__always)
private func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6 }

@inline(__always)
private func isDelimiter(_ byte: UInt8) -> Bool {
  switch byte {
  case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"): true
  default: false
  }
}
