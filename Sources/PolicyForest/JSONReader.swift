#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A pull reader over JSON bytes that reads straight into typed arrays (no document tree).
///
/// Model files hold millions of numbers, so arrays are decoded directly into `[Double]`/`[Int32]`.
/// The buffer must be followed by a NUL sentinel byte (`base[count] == 0`), which lets number
/// parsing hand the text to `strtod` without copying. Errors carry the byte offset.
struct JSONReader {
  let base: UnsafePointer<UInt8>
  let count: Int
  var position: Int

  init(base: UnsafePointer<UInt8>, count: Int, position: Int = 0) {
    self.base = base
    self.count = count
    self.position = position
  }

  @inline(__always) private func byte(_ i: Int) -> UInt8 { base[i] }

  @inline(__always) mutating func skipSpace() {
    while position < count {
      let b = base[position]
      if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 } else { break }
    }
  }

  /// The next non-space byte without consuming it (0 at the end).
  mutating func peek() -> UInt8 {
    skipSpace()
    return position < count ? base[position] : 0
  }

  func error(_ message: String) -> ForestError {
    if position >= count { return .corrupt("truncated JSON: \(message)", offset: position) }
    return .corrupt("invalid JSON: \(message)", offset: position)
  }

  mutating func expect(_ b: UInt8, _ what: String) throws(ForestError) {
    skipSpace()
    guard position < count, base[position] == b else { throw error("expected \(what)") }
    position += 1
  }

  /// Consumes `{`; follow with ``nextKey(_:)`` until it returns `nil`.
  mutating func beginObject() throws(ForestError) { try expect(UInt8(ascii: "{"), "'{'") }

  /// The next key of the current object (consuming the `:`), or `nil` after the closing `}`.
  mutating func nextKey(_ first: inout Bool) throws(ForestError) -> String? {
    skipSpace()
    if position < count, base[position] == UInt8(ascii: "}") {
      position += 1
      return nil
    }
    if !first { try expect(UInt8(ascii: ","), "',' or '}'") }
    first = false
    let key = try readString()
    try expect(UInt8(ascii: ":"), "':'")
    return key
  }

  /// Consumes `[`; follow with ``nextElement(_:)`` until it returns `false`.
  mutating func beginArray() throws(ForestError) { try expect(UInt8(ascii: "["), "'['") }

  /// Whether another element follows (consuming the `,`); consumes the closing `]` when not.
  mutating func nextElement(_ first: inout Bool) throws(ForestError) -> Bool {
    skipSpace()
    if position < count, base[position] == UInt8(ascii: "]") {
      position += 1
      return false
    }
    if !first { try expect(UInt8(ascii: ","), "',' or ']'") }
    first = false
    return true
  }

  mutating func readString() throws(ForestError) -> String {
    try expect(UInt8(ascii: "\""), "a string")
    var out: [UInt8] = []
    while true {
      guard position < count else { throw error("unterminated string") }
      let b = base[position]
      position += 1
      if b == UInt8(ascii: "\"") { break }
      if b < 0x20 { throw error("control character in string") }
      if b != UInt8(ascii: "\\") {
        out.append(b)
        continue
      }
      guard position < count else { throw error("unterminated string") }
      let e = base[position]
      position += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try readHex4()
        if (0xD800..<0xDC00).contains(scalar), position + 1 < count,
          base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u")
        {
          position += 2
          let low = try readHex4()
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
      default: throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private mutating func readHex4() throws(ForestError) -> UInt32 {
    var v: UInt32 = 0
    for _ in 0..<4 {
      guard position < count else { throw error("truncated \\u escape") }
      let b = base[position]
      let d: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw error("bad \\u escape")
      }
      v = v << 4 | d
      position += 1
    }
    return v
  }

  /// Reads a number; also accepts Python's `Infinity`, `-Infinity` and `NaN` tokens.
  mutating func readDouble() throws(ForestError) -> Double {
    skipSpace()
    let start = position
    var negative = false
    if position < count, base[position] == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    if position < count, base[position] == UInt8(ascii: "I") {
      try word("Infinity")
      return negative ? -.infinity : .infinity
    }
    if !negative, position < count, base[position] == UInt8(ascii: "N") {
      try word("NaN")
      return .nan
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var inFraction = false
    var sawDigit = false
    while position < count {
      let b = base[position]
      if b == UInt8(ascii: ".") {
        if inFraction || !sawDigit { throw error("unexpected '.' in number") }
        inFraction = true
        position += 1
        guard position < count, base[position] &- UInt8(ascii: "0") < 10 else {
          throw error("expected digits after '.'")
        }
        continue
      }
      let d = b &- UInt8(ascii: "0")
      if d >= 10 { break }
      sawDigit = true
      position += 1
      if mantissa == 0 && d == 0 {
        if inFraction { exponent -= 1 }
        continue
      }
      if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        if inFraction { exponent -= 1 }
      } else if !inFraction {
        exponent += 1
      }
      digits += 1
    }
    if !sawDigit { throw error("expected a number") }
    if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
      position += 1
      var expNegative = false
      if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
        expNegative = base[position] == UInt8(ascii: "-")
        position += 1
      }
      let expStart = position
      var e = 0
      while position < count, base[position] &- UInt8(ascii: "0") < 10 {
        if e < 100_000 { e = e * 10 + Int(base[position] &- UInt8(ascii: "0")) }
        position += 1
      }
      if position == expStart { throw error("expected digits in exponent") }
      exponent += expNegative ? -e : e
    }
    // Clinger's fast path: both operands exact, one correctly rounded operation.
    if digits <= 15, exponent >= -22, exponent <= 22 {
      var value = Double(mantissa)
      if exponent < 0 { value /= powersOfTen[-exponent] } else { value *= powersOfTen[exponent] }
      return negative ? -value : value
    }
    let pointer = UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self)
    return strtod(pointer, nil)
  }

  /// Reads an integer that fits in `Int32`.
  mutating func readInt32() throws(ForestError) -> Int32 {
    skipSpace()
    var negative = false
    if position < count, base[position] == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    let start = position
    var v: Int64 = 0
    while position < count, base[position] &- UInt8(ascii: "0") < 10 {
      v = v * 10 + Int64(base[position] &- UInt8(ascii: "0"))
      if v > Int64(Int32.max) + 1 { throw error("integer out of range") }
      position += 1
    }
    if position == start { throw error("expected an integer") }
    if position < count, base[position] == UInt8(ascii: ".") || base[position] | 0x20 == UInt8(ascii: "e") {
      throw error("expected an integer")
    }
    let signed = negative ? -v : v
    guard let r = Int32(exactly: signed) else { throw error("integer out of range") }
    return r
  }

  private mutating func word(_ w: StaticString) throws(ForestError) {
    let n = w.utf8CodeUnitCount
    guard position + n <= count else { throw error("unexpected token") }
    for i in 0..<n where base[position + i] != w.utf8Start[i] { throw error("unexpected token") }
    position += n
  }

  mutating func readBool() throws(ForestError) -> Bool {
    switch peek() {
    case UInt8(ascii: "t"): try word("true"); return true
    case UInt8(ascii: "f"): try word("false"); return false
    default: return try readInt32() != 0
    }
  }

  mutating func readDoubleArray() throws(ForestError) -> [Double] {
    var out: [Double] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readDouble()) }
    return out
  }

  mutating func readInt32Array() throws(ForestError) -> [Int32] {
    var out: [Int32] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readInt32()) }
    return out
  }

  mutating func readStringArray() throws(ForestError) -> [String] {
    var out: [String] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readString()) }
    return out
  }

  /// The deepest nesting ``skipValue(depth:)`` follows; deeper input is an error, not a stack overflow.
  static let maxNesting = 256

  /// Skips one value of any type.
  mutating func skipValue(depth: Int = 0) throws(ForestError) {
    guard depth < JSONReader.maxNesting else { throw error("nesting deeper than \(JSONReader.maxNesting)") }
    switch peek() {
    case UInt8(ascii: "{"):
      try beginObject()
      var first = true
      while try nextKey(&first) != nil { try skipValue(depth: depth + 1) }
    case UInt8(ascii: "["):
      try beginArray()
      var first = true
      while try nextElement(&first) { try skipValue(depth: depth + 1) }
    case UInt8(ascii: "\""): _ = try readString()
    case UInt8(ascii: "t"): try word("true")
    case UInt8(ascii: "f"): try word("false")
    case UInt8(ascii: "n"): try word("null")
    default: _ = try readDouble()
    }
  }

  /// Requires that only whitespace remains.
  mutating func expectEnd() throws(ForestError) {
    skipSpace()
    if position < count { throw error("unexpected data after the document") }
  }
}

private let powersOfTen: [Double] = (0...22).map { e in
  var v = 1.0
  for _ in 0..<e { v *= 10 }
  return v
}
