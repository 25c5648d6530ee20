/// Durations as JSON inputs and outputs carry them (`"3.5s"`, `"1h30m"`).
enum JSONDuration {
  /// Parses a duration: an optional sign, then one or more decimal numbers each followed by a
  /// unit `h`, `m`, `s`, `ms`, `us` (or `µs`) or `ns` (Go's and CEL's `duration()` syntax).
  ///
  /// Returns `nil` for anything else or beyond ±315,576,000,000 s (protobuf's range).
  static func parse(_ text: UnsafeBufferPointer<UInt8>) -> DurationValue? {
    let n = text.count
    var i = 0
    var negative = false
    if i < n && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
      negative = text[i] == UInt8(ascii: "-")
      i += 1
    }
    guard i < n else { return nil }
    if n - i == 1 && text[i] == UInt8(ascii: "0") { return DurationValue(seconds: 0) }
    var seconds: Int64 = 0
    var nanos: Int64 = 0
    while i < n {
      var whole: UInt64 = 0
      var sawDigit = false
      while i < n, text[i] &- UInt8(ascii: "0") < 10 {
        let (m, o1) = whole.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(text[i] &- UInt8(ascii: "0")))
        guard !o1 && !o2 else { return nil }
        whole = s
        sawDigit = true
        i += 1
      }
      var fraction: UInt64 = 0
      var scale: UInt64 = 1
      if i < n && text[i] == UInt8(ascii: ".") {
        i += 1
        while i < n, text[i] &- UInt8(ascii: "0") < 10 {
          if scale < 1_000_000_000_000_000_000 {
            fraction = fraction * 10 + UInt64(text[i] &- UInt8(ascii: "0"))
            scale *= 10
          }
          sawDigit = true
          i += 1
        }
      }
      guard sawDigit, let (unit, length) = unit(text, at: i) else { return nil }
      i += length
      // whole * unit, split into seconds and nanoseconds to reach protobuf's range.
      if unit >= 1_000_000_000 {
        let (s, o) = whole.multipliedReportingOverflow(by: unit / 1_000_000_000)
        guard !o, s <= UInt64(DurationValue.maxSeconds) else { return nil }
        seconds += Int64(s)
      } else {
        let (ns, o) = whole.multipliedReportingOverflow(by: unit)
        guard !o else { return nil }
        seconds += Int64(ns / 1_000_000_000)
        nanos += Int64(ns % 1_000_000_000)
      }
      if fraction > 0 {
        let product = fraction.multipliedFullWidth(by: unit)
        let (quotient, _) = scale.dividingFullWidth(product)
        seconds += Int64(quotient / 1_000_000_000)
        nanos += Int64(quotient % 1_000_000_000)
      }
      seconds += nanos / 1_000_000_000
      nanos %= 1_000_000_000
      guard seconds <= DurationValue.maxSeconds else { return nil }
    }
    return negative ? DurationValue(seconds: -seconds, nanos: Int32(-nanos)) : DurationValue(seconds: seconds, nanos: Int32(nanos))
  }

  /// Parses the UTF-8 of `text`.
  static func parse(_ text: String) -> DurationValue? {
    var copy = text
    return copy.withUTF8 { parse($0) }
  }

  /// The unit at `i` in nanoseconds and its length in bytes.
  private static func unit(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt64, Int)? {
    guard i < text.count else { return nil }
    let next: UInt8 = i + 1 < text.count ? text[i + 1] : 0
    switch text[i] {
    case UInt8(ascii: "h"): return (3_600_000_000_000, 1)
    case UInt8(ascii: "s"): return (1_000_000_000, 1)
    case UInt8(ascii: "m"): return next == UInt8(ascii: "s") ? (1_000_000, 2) : (60_000_000_000, 1)
    case UInt8(ascii: "u"): return next == UInt8(ascii: "s") ? (1_000, 2) : nil
    case UInt8(ascii: "n"): return next == UInt8(ascii: "s") ? (1, 2) : nil
    case 0xC2:  // U+00B5 MICRO SIGN
      return next == 0xB5 && i + 2 < text.count && text[i + 2] == UInt8(ascii: "s") ? (1_000, 3) : nil
    case 0xCE:  // U+03BC GREEK SMALL LETTER MU
      return next == 0xBC && i + 2 < text.count && text[i + 2] == UInt8(ascii: "s") ? (1_000, 3) : nil
    default: return nil
    }
  }

  /// Appends `duration` as seconds with an `s` suffix (`3.5s`, `-0.000000001s`, `0s`).
  static func append(_ duration: DurationValue, fraction: JSONTimestamp.Fraction, to out: inout [UInt8]) {
    if duration.seconds < 0 || duration.nanos < 0 { out.append(UInt8(ascii: "-")) }
    let seconds = duration.seconds.magnitude
    out.append(contentsOf: String(seconds).utf8)
    JSONTimestamp.appendFraction(Int(duration.nanos.magnitude), fraction: fraction, to: &out)
    out.append(UInt8(ascii: "s"))
  }

  /// The text of `duration` (`3.5s`).
  static func format(_ duration: DurationValue, fraction: JSONTimestamp.Fraction = .trimmed) -> String {
    var out: [UInt8] = []
    append(duration, fraction: fraction, to: &out)
    return String(decoding: out, as: UTF8.self)
  }
}
