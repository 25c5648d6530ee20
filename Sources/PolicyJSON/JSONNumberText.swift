/// Conversions of number text (already checked against the JSON grammar) to machine numbers.
public enum JSONNumberText {
  /// The integer value when `text` is an integer in Int64's range.
  public static func int64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
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
  public static func uint64(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
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
  public static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double {
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
