/// RFC 3339 timestamps as JSON inputs and outputs carry them (`2026-12-31T00:00:00Z`).
///
/// A minimal byte-level parser kept here so the JSON layer does not wait on the general text
/// forms of ``Timestamp`` (`Timestamp.parse(rfc3339:)`); the two must agree.
enum JSONTimestamp {
  /// How many fractional digits a formatted timestamp or duration gets.
  enum Fraction {
    /// None when the nanoseconds are zero, else 3, 6 or 9 (protobuf's JSON form).
    case protobuf
    /// As few as needed, trailing zeros dropped (Go's `RFC3339Nano`).
    case trimmed
  }

  /// Parses `YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)` (the `T` and `Z` may be lowercase).
  ///
  /// Returns `nil` for anything else, for impossible dates (`2026-02-30`), for leap seconds
  /// (`:60`) and for instants outside 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999999Z.
  static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    let n = text.count
    guard n >= 20 else { return nil }
    func digits(_ at: Int, _ count: Int) -> Int? {
      var value = 0
      for i in at..<(at + count) {
        let d = text[i] &- UInt8(ascii: "0")
        guard d < 10 else { return nil }
        value = value * 10 + Int(d)
      }
      return value
    }
    guard let year = digits(0, 4), text[4] == UInt8(ascii: "-"), let month = digits(5, 2),
      text[7] == UInt8(ascii: "-"), let day = digits(8, 2), text[10] | 0x20 == UInt8(ascii: "t"),
      let hour = digits(11, 2), text[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
      text[16] == UInt8(ascii: ":"), let second = digits(17, 2)
    else { return nil }
    guard month >= 1 && month <= 12, day >= 1 && day <= daysIn(month: month, year: year), hour < 24,
      minute < 60, second < 60
    else { return nil }
    var i = 19
    var nanos = 0
    if text[i] == UInt8(ascii: ".") {
      i += 1
      var count = 0
      while i < n, text[i] &- UInt8(ascii: "0") < 10 {
        guard count < 9 else { return nil }
        nanos = nanos * 10 + Int(text[i] &- UInt8(ascii: "0"))
        count += 1
        i += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<9 { nanos *= 10 }
    }
    guard i < n else { return nil }
    var offsetSeconds = 0
    if text[i] | 0x20 == UInt8(ascii: "z") {
      i += 1
    } else if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
      guard i + 6 == n, let oh = digits(i + 1, 2), text[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
        oh < 24, om < 60
      else { return nil }
      offsetSeconds = (oh * 3600 + om * 60) * (text[i] == UInt8(ascii: "-") ? -1 : 1)
      i += 6
    } else {
      return nil
    }
    guard i == n else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
    let result = Timestamp(seconds: seconds, nanos: Int32(nanos))
    return result.isValid ? result : nil
  }

  /// Parses the UTF-8 of `text`.
  static func parse(_ text: String) -> Timestamp? {
    var copy = text
    return copy.withUTF8 { parse($0) }
  }

  /// Appends `timestamp` in UTC (`2009-02-13T23:31:30Z`).
  static func append(_ timestamp: Timestamp, fraction: Fraction, to out: inout [UInt8]) {
    let days = timestamp.seconds >= 0 ? timestamp.seconds / 86_400 : (timestamp.seconds - 86_399) / 86_400
    let secondOfDay = Int(timestamp.seconds - days * 86_400)
    let (year, month, day) = civilFromDays(Int(days))
    var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &buffer) { text in
      func put(_ value: Int, at start: Int, width: Int) {
        var v = value
        for i in stride(from: start + width - 1, through: start, by: -1) {
          text[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v % 10)
          v /= 10
        }
      }
      put(year, at: 0, width: 4)
      text[4] = UInt8(ascii: "-")
      put(month, at: 5, width: 2)
      text[7] = UInt8(ascii: "-")
      put(day, at: 8, width: 2)
      text[10] = UInt8(ascii: "T")
      put(secondOfDay / 3600, at: 11, width: 2)
      text[13] = UInt8(ascii: ":")
      put(secondOfDay / 60 % 60, at: 14, width: 2)
      text[16] = UInt8(ascii: ":")
      put(secondOfDay % 60, at: 17, width: 2)
      out.append(contentsOf: text[0..<19])
    }
    appendFraction(Int(timestamp.nanos), fraction: fraction, to: &out)
    out.append(UInt8(ascii: "Z"))
  }

  /// The RFC 3339 text of `timestamp` in UTC.
  static func format(_ timestamp: Timestamp, fraction: Fraction = .trimmed) -> String {
    var out: [UInt8] = []
    append(timestamp, fraction: fraction, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `.ddd…` for non-zero `nanos` (0 ..< 1e9).
  static func appendFraction(_ nanos: Int, fraction: Fraction, to out: inout [UInt8]) {
    guard nanos != 0 else { return }
    var width = 9
    var value = nanos
    switch fraction {
    case .protobuf:
      if value % 1_000_000 == 0 {
        width = 3
        value /= 1_000_000
      } else if value % 1_000 == 0 {
        width = 6
        value /= 1_000
      }
    case .trimmed:
      while value % 10 == 0 {
        value /= 10
        width -= 1
      }
    }
    out.append(UInt8(ascii: "."))
    appendDigits(value, width: width, to: &out)
  }

  /// Appends a non-negative `value` zero-padded to `width` (1 through 18) digits.
  static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    while divisor > 0 {
      out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor % 10))
      divisor /= 10
    }
  }

  static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The proleptic Gregorian date of a day count since 1970-01-01 (`civil_from_days`).
  static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
