extension DurationValue {
  /// Parses Go-style duration text as CEL's `duration(string)` does: an optional sign, then one
  /// or more decimal numbers with a unit (`1h30m`, `3.5s`, `-1.5h`, `100ms`, `1us`, `1µs`, `1ns`).
  /// Units are `h`, `m`, `s`, `ms`, `us`, `µs` (U+00B5 or U+03BC) and `ns`; `0` needs none.
  ///
  /// The value must fit in Int64 nanoseconds (about ±292 years), the range CEL implementations
  /// share (cel-spec's `duration_range` tests); fractions finer than a nanosecond are truncated.
  ///
  /// - Throws: ``EvalError`` of kind `invalid_argument` for malformed text, `range` on overflow.
  public init(parsing text: String) throws(EvalError) {
    var copy = text
    let parsed = copy.withUTF8 { bytes in var reader = DurationReader(bytes: bytes); return reader.read() }
    switch parsed {
    case .malformed(let reason): throw .invalidDuration(text, reason)
    case .outOfRange: throw .durationOutOfRange(text)
    case .nanoseconds(let n): self = .fromNanos(n)
    }
  }

  /// The duration in seconds with the fewest fractional digits that are exact, as cel-go
  /// prints it: `3600s`, `1.5s`, `-0.000000001s`.
  public var secondsText: String {
    var out: [UInt8] = []
    if seconds < 0 || nanos < 0 { out.append(UInt8(ascii: "-")) }
    out.append(contentsOf: String(seconds.magnitude).utf8)
    var n = Int64(nanos.magnitude)
    if n != 0 {
      var width = 9
      while n % 10 == 0 { n /= 10; width -= 1 }
      var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
      var i = width - 1
      while i >= 0 { digits[i] = UInt8(truncatingIfNeeded: n % 10) + UInt8(ascii: "0"); n /= 10; i -= 1 }
      out.append(UInt8(ascii: "."))
      out.append(contentsOf: digits)
    }
    out.append(UInt8(ascii: "s"))
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether the duration is in CEL's range: its total nanoseconds fit in an Int64 (this is
  /// narrower than protobuf's ±315,576,000,000 s; see ``init(parsing:)``).
  public var isInCELRange: Bool { totalNanos != nil }
}

/// A one-pass reader of Go-style duration text over UTF-8 bytes.
private struct DurationReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var i = 0

  enum Outcome { case nanoseconds(Int64), malformed(String), outOfRange }

  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func read() -> Outcome {
    var negative = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    if bytes.count - i == 1, bytes[i] == UInt8(ascii: "0") { return .nanoseconds(0) }
    guard i < bytes.count else { return .malformed("empty") }
    var total: UInt64 = 0
    while i < bytes.count {
      guard isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") else { return .malformed("expected a number") }
      // The integer part.
      let intStart = i
      var whole: UInt64 = 0
      while i < bytes.count, isDigit(bytes[i]) {
        let (m, o1) = whole.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] &- 48))
        guard !o1, !o2 else { return .outOfRange }
        whole = a
        i += 1
      }
      let sawWhole = i > intStart
      // The fraction: up to 18 significant digits are kept, the rest ignored (sub-nanosecond).
      var fraction: UInt64 = 0
      var scale: UInt64 = 1
      var sawFraction = false
      if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
        i += 1
        let fracStart = i
        while i < bytes.count, isDigit(bytes[i]) {
          if scale < 1_000_000_000_000_000_000 { fraction = fraction * 10 + UInt64(bytes[i] &- 48); scale *= 10 }
          i += 1
        }
        sawFraction = i > fracStart
      }
      guard sawWhole || sawFraction else { return .malformed("expected a number") }
      // The unit.
      let unitStart = i
      while i < bytes.count, !isDigit(bytes[i]), bytes[i] != UInt8(ascii: ".") { i += 1 }
      guard i > unitStart else { return .malformed("missing unit") }
      guard let unit = Self.unitNanos(bytes[unitStart..<i]) else {
        return .malformed("unknown unit '\(String(decoding: bytes[unitStart..<i], as: UTF8.self))'")
      }
      let (scaled, o1) = whole.multipliedReportingOverflow(by: unit)
      guard !o1 else { return .outOfRange }
      var part = scaled
      if fraction > 0 {
        // fraction / scale < 1, so fraction * unit / scale < unit: the quotient fits.
        let product = fraction.multipliedFullWidth(by: unit)
        let (q, _) = scale.dividingFullWidth(product)
        let (sum, o2) = part.addingReportingOverflow(q)
        guard !o2 else { return .outOfRange }
        part = sum
      }
      let (sum, o3) = total.addingReportingOverflow(part)
      guard !o3 else { return .outOfRange }
      total = sum
    }
    if negative {
      guard total <= UInt64(Int64.max) + 1 else { return .outOfRange }
      return .nanoseconds(total == UInt64(Int64.max) + 1 ? Int64.min : -Int64(total))
    }
    guard total <= UInt64(Int64.max) else { return .outOfRange }
    return .nanoseconds(Int64(total))
  }

  @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

  /// Nanoseconds per unit, by the unit's UTF-8 spelling.
  private static func unitNanos(_ unit: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
    switch Array(unit) {
    case [0x6E, 0x73]: 1                          // ns
    case [0x75, 0x73], [0xC2, 0xB5, 0x73], [0xCE, 0xBC, 0x73]: 1_000  // us, µs (U+00B5), μs (U+03BC)
    case [0x6D, 0x73]: 1_000_000                  // ms
    case [0x73]: 1_000_000_000                    // s
    case [0x6D]: 60_000_000_000                   // m
    case [0x68]: 3_600_000_000_000                // h
    default: nil
    }
  }
}

extension EvalError {
  /// `invalid duration '1x': unknown unit 'x'`.
  static func invalidDuration(_ text: String, _ reason: String) -> EvalError {
    EvalError(.invalidArgument, "invalid duration '\(text)': \(reason)")
  }

  /// `duration '320000000000s' out of range`.
  static func durationOutOfRange(_ text: String) -> EvalError {
    EvalError(.outOfRange, "duration '\(text)' out of range")
  }
}
