import PolicySource

extension Parser {
  // MARK: - Numbers

  /// An int, uint or double literal at the current token, negative when `sign` (a `-`) precedes it.
  mutating func parseNumber(sign: Token?) -> Expr {
    let t = token
    advance()
    let range = SourceRange(start: sign?.start ?? t.start, end: t.end)
    let negative = sign != nil
    switch t.kind {
    case .doubleLiteral:
      let text = (negative ? "-" : "") + text(from: t.start, to: t.end)
      guard let value = Double(text), value.isFinite else {
        report(.doubleOutOfRange(text), at: range)
        return errorNode(range)
      }
      return node(.literal(.double(value, text: text)), range)
    case .uintLiteral:
      guard let value = magnitude(of: t, suffix: 1) else {
        report(.uintOutOfRange(text(from: t.start, to: t.end)), at: range)
        return errorNode(range)
      }
      return node(.literal(.uint(value)), range)
    default:
      let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
      guard let value = magnitude(of: t, suffix: 0), value <= limit else {
        report(.intOutOfRange((negative ? "-" : "") + text(from: t.start, to: t.end)), at: range)
        return errorNode(range)
      }
      let int = negative ? (value == limit ? Int64.min : -Int64(value)) : Int64(value)
      return node(.literal(.int(int)), range)
    }
  }

  /// The unsigned value of a decimal or `0x` literal without its last `suffix` bytes, or `nil` on
  /// overflow.
  private func magnitude(of t: Token, suffix: Int) -> UInt64? {
    let bytes = lexer.bytes
    var i = Int(t.start)
    let end = Int(t.end) - suffix
    var radix: UInt64 = 10
    if end - i > 2 && bytes[i] == UInt8(ascii: "0") && bytes[i + 1] == UInt8(ascii: "x") {
      radix = 16
      i += 2
    }
    var value: UInt64 = 0
    while i < end {
      let (scaled, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = scaled.addingReportingOverflow(UInt64(hexValue(bytes[i])))
      if o1 || o2 { return nil }
      value = sum
      i += 1
    }
    return value
  }

  // MARK: - Strings and bytes

  /// A string or bytes literal at the current token, with its escapes decoded.
  mutating func parseQuoted() -> Expr {
    let t = token
    advance()
    let bytes = lexer.bytes
    var i = Int(t.start)
    var isRaw = false
    var isBytes = false
    while bytes[i] != UInt8(ascii: "\"") && bytes[i] != UInt8(ascii: "'") {
      if bytes[i] | 0x20 == UInt8(ascii: "r") { isRaw = true } else { isBytes = true }
      i += 1
    }
    let quote = bytes[i]
    let triple = i + 5 < Int(t.end) && bytes[i + 1] == quote && bytes[i + 2] == quote
    let contentStart = i + (triple ? 3 : 1)
    let contentEnd = Int(t.end) - (triple ? 3 : 1)
    let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd])
    let decoded: [UInt8]
    if isRaw || !content.contains(UInt8(ascii: "\\")) {
      if !isBytes { return node(.literal(.string(String(decoding: content, as: UTF8.self))), t.range) }
      decoded = Array(content)
    } else {
      guard let unescaped = unescape(from: contentStart, to: contentEnd, isBytes: isBytes) else {
        return errorNode(t.range)
      }
      decoded = unescaped
    }
    let literal: Literal = isBytes ? .bytes(decoded) : .string(String(decoding: decoded, as: UTF8.self))
    return node(.literal(literal), t.range)
  }

  /// Decodes the escapes of a literal's content, reporting each bad one; `nil` if any was bad.
  ///
  /// `\xHH` and octal `\ooo` are a code point in strings (U+0000–U+00FF) and a byte in bytes;
  /// `\u` and `\U` are allowed in strings only and must name a scalar (no surrogates).
  private mutating func unescape(from start: Int, to end: Int, isBytes: Bool) -> [UInt8]? {
    let bytes = lexer.bytes
    var out: [UInt8] = []
    out.reserveCapacity(end - start)
    var valid = true
    var i = start
    while i < end {
      let b = bytes[i]
      guard b == UInt8(ascii: "\\") else {
        out.append(b)
        i += 1
        continue
      }
      let c = i + 1 < end ? bytes[i + 1] : 0
      var next = i + 2
      switch c {
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "?"):
        out.append(c)
      case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "u"), UInt8(ascii: "U"):
        let digits = c == UInt8(ascii: "u") ? 4 : c == UInt8(ascii: "U") ? 8 : 2
        var value: UInt32 = 0
        while next < end && next < i + 2 + digits && isHexDigit(bytes[next]) {
          value = value << 4 | UInt32(hexValue(bytes[next]))
          next += 1
        }
        let range = SourceRange(start: Int32(i), end: Int32(next))
        let text = text(from: range.start, to: range.end)
        if next - i - 2 < digits {
          report(.invalidEscape(text), at: range)
          valid = false
        } else if digits == 2 {
          appendCodeUnit(UInt8(value), isBytes: isBytes, to: &out)
        } else if isBytes {
          report(.unicodeEscapeInBytes(text), at: range)
          valid = false
        } else if let scalar = Unicode.Scalar(value) {
          out.append(contentsOf: String(Character(scalar)).utf8)
        } else {
          report(.invalidCodePoint(text), at: range)
          valid = false
        }
      case UInt8(ascii: "0")...UInt8(ascii: "3"):
        var value = UInt32(c - UInt8(ascii: "0"))
        while next < end && next < i + 4 && bytes[next] &- UInt8(ascii: "0") < 8 {
          value = value << 3 | UInt32(bytes[next] - UInt8(ascii: "0"))
          next += 1
        }
        if next - i < 4 {
          report(.invalidEscape(text(from: Int32(i), to: Int32(next))), at: SourceRange(start: Int32(i), end: Int32(next)))
          valid = false
        } else {
          appendCodeUnit(UInt8(value), isBytes: isBytes, to: &out)
        }
      default:
        next = i + 1 < end ? i + 1 + lexer.scalarLength(at: i + 1) : i + 1
        let range = SourceRange(start: Int32(i), end: Int32(next))
        report(.invalidEscape(text(from: range.start, to: range.end)), at: range)
        valid = false
      }
      i = next
    }
    return valid ? out : nil
  }

  /// Appends a `\x` or octal escape: the byte itself in bytes, the code point U+0000–U+00FF in strings.
  private func appendCodeUnit(_ value: UInt8, isBytes: Bool, to out: inout [UInt8]) {
    if isBytes || value < 0x80 {
      out.append(value)
    } else {
      out.append(0xC0 | value >> 6)
      out.append(0x80 | value & 0x3F)
    }
  }
}

/// The value of an ASCII hexadecimal (or decimal) digit.
@inline(__always) func hexValue(_ b: UInt8) -> UInt8 {
  isDigit(b) ? b &- UInt8(ascii: "0") : (b | 0x20) &- UInt8(ascii: "a") &+ 10
}
