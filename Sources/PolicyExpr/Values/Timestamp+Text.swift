extension Timestamp {
  /// Parses RFC 3339 text: `2009-02-13T23:31:30Z`, `1972-01-01T10:00:20.021-05:00`, or a date
  /// alone, `2009-02-13`, which is that day's midnight in UTC (`2009-02-13T00:00:00Z`).
  ///
  /// The fraction has 1 to 9 digits; the zone is `Z` or `±hh:mm`; `T` and `Z` may be lowercase.
  /// The instant must lie in 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999999Z.
  ///
  /// - Throws: ``EvalError`` of kind `invalid_argument` for malformed text and of kind `range`
  ///   for a well-formed instant outside CEL's range (including 5-digit and zero years).
  public init(parsing text: String) throws(EvalError) {
    var copy = text
    let parsed = copy.withUTF8 { bytes in var reader = RFC3339Reader(bytes: bytes); return reader.read() }
    switch parsed {
    case .malformed: throw .invalidTimestamp(text)
    case .outOfRange: throw .timestampOutOfRange(text)
    case .instant(let seconds, let nanos):
      let t = Timestamp(seconds: seconds, nanos: nanos)
      guard t.isValid else { throw .timestampOutOfRange(text) }
      self = t
    }
  }

  /// Parses RFC 3339 bytes (a JSON string's content); `nil` when malformed or out of range.
  public init?(rfc3339 bytes: UnsafeBufferPointer<UInt8>) {
    var reader = RFC3339Reader(bytes: bytes)
    guard case .instant(let seconds, let nanos) = reader.read() else { return nil }
    let t = Timestamp(seconds: seconds, nanos: nanos)
    guard t.isValid else { return nil }
    self = t
  }

  /// The RFC 3339 text in UTC, with 0, 3, 6 or 9 fractional digits as protobuf's JSON mapping
  /// writes them: `2009-02-13T23:31:30Z`, `2009-02-13T23:31:30.120Z`.
  public var rfc3339: String {
    let f = fields()
    var out: [UInt8] = []
    out.reserveCapacity(30)
    func put(_ v: Int64, width: Int) {
      var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
      var n = v
      var i = width - 1
      while i >= 0 { digits[i] = UInt8(truncatingIfNeeded: n % 10) + UInt8(ascii: "0"); n /= 10; i -= 1 }
      out.append(contentsOf: digits)
    }
    put(f.year, width: 4); out.append(UInt8(ascii: "-"))
    put(f.month + 1, width: 2); out.append(UInt8(ascii: "-"))
    put(f.day, width: 2); out.append(UInt8(ascii: "T"))
    put(f.hours, width: 2); out.append(UInt8(ascii: ":"))
    put(f.minutes, width: 2); out.append(UInt8(ascii: ":"))
    put(f.seconds, width: 2)
    Self.appendFraction(nanos, to: &out)
    out.append(UInt8(ascii: "Z"))
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `.ddd`, `.dddddd` or `.ddddddddd` (the shortest of these that is exact), or nothing
  /// for whole seconds.
  static func appendFraction(_ nanos: Int32, to out: inout [UInt8]) {
    guard nanos != 0 else { return }
    var n = Int64(nanos)
    var width = 9
    if n % 1_000_000 == 0 { n /= 1_000_000; width = 3 } else if n % 1000 == 0 { n /= 1000; width = 6 }
    out.append(UInt8(ascii: "."))
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
    var i = width - 1
    while i >= 0 { digits[i] = UInt8(truncatingIfNeeded: n % 10) + UInt8(ascii: "0"); n /= 10; i -= 1 }
    out.append(contentsOf: digits)
  }
}

/// A one-pass reader of RFC 3339 timestamps over UTF-8 bytes.
private struct RFC3339Reader {
  let bytes: UnsafeBufferPointer<UInt8>
  var i = 0

  enum Outcome { case instant(Int64, Int32), malformed, outOfRange }

  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func read() -> Outcome {
    // The year: exactly 4 digits; more digits are a year past 9999.
    let yearStart = i
    guard let year = number(maxDigits: 18) else { return .malformed }
    let yearDigits = i - yearStart
    guard yearDigits >= 4 else { return .malformed }
    guard expect("-"), let month = number(exactly: 2), expect("-"), let day = number(exactly: 2) else { return .malformed }
    // A date alone (`2026-09-01`) is the instant its day begins in UTC.
    if i == bytes.count {
      guard month >= 1, month <= 12 else { return .malformed }
      if yearDigits > 4 || year == 0 { return .outOfRange }
      guard day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return .malformed }
      return .instant(CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400, 0)
    }
    guard expect("T") || expect("t") else { return .malformed }
    guard let hour = number(exactly: 2), expect(":"), let minute = number(exactly: 2), expect(":"),
          let second = number(exactly: 2) else { return .malformed }
    var nanos: Int64 = 0
    if expect(".") {
      let start = i
      guard let fraction = number(maxDigits: 9) else { return .malformed }
      var scale = 9 - (i - start)
      nanos = fraction
      while scale > 0 { nanos *= 10; scale -= 1 }
    }
    var offset: Int64 = 0
    if expect("Z") || expect("z") {
      offset = 0
    } else if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
      let negative = bytes[i] == UInt8(ascii: "-")
      i += 1
      guard let h = number(exactly: 2), expect(":"), let m = number(exactly: 2), h <= 23, m <= 59 else { return .malformed }
      offset = (h * 60 + m) * 60 * (negative ? -1 : 1)
    } else {
      return .malformed
    }
    guard i == bytes.count else { return .malformed }
    guard month >= 1, month <= 12, hour <= 23, minute <= 59, second <= 59 else { return .malformed }
    if yearDigits > 4 || year == 0 { return .outOfRange }
    guard day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return .malformed }
    let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    return .instant(seconds, Int32(nanos))
  }

  private mutating func expect(_ c: Unicode.Scalar) -> Bool {
    guard i < bytes.count, bytes[i] == UInt8(c.value) else { return false }
    i += 1
    return true
  }

  private mutating func number(exactly n: Int) -> Int64? {
    let start = i
    guard let v = number(maxDigits: n), i - start == n else { return nil }
    return v
  }

  /// One to `maxDigits` decimal digits.
  private mutating func number(maxDigits: Int) -> Int64? {
    var v: Int64 = 0
    let start = i
    while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10, i - start < maxDigits {
      v = v * 10 + Int64(bytes[i] &- UInt8(ascii: "0"))
      i += 1
    }
    return i > start ? v : nil
  }
}

extension EvalError {
  /// `invalid timestamp '2009-02-30T00:00:00Z'`.
  static func invalidTimestamp(_ text: String) -> EvalError {
    EvalError(.invalidArgument, "invalid timestamp '\(text)', expected RFC 3339 text such as '2009-02-13T23:31:30Z'")
  }

  /// `timestamp '10000-01-01T00:00:00Z' out of range`.
  static func timestampOutOfRange(_ text: String) -> EvalError {
    EvalError(.outOfRange, "timestamp '\(text)' out of range")
  }
}
