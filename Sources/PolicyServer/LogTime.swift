#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts between microseconds since 1970-01-01T00:00:00Z and RFC 3339 UTC text with six fraction
/// digits (`2026-11-24T06:15:33.123456Z`), the form the decision log stores so text order is time order.
public enum LogTime {
  /// The current wall-clock time, in microseconds since 1970.
  public static func nowMicros() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
  }

  /// `micros` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (years 0000–9999).
  public static func format(micros: Int64) -> String {
    let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    let fraction = Int(micros - seconds * 1_000_000)
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = Int(seconds - days * 86_400)
    let (year, month, day) = civil(fromDays: days)
    return String(unsafeUninitializedCapacity: 27) { buffer in
      var position = 0
      func put(_ value: Int, _ width: Int) {
        var value = value
        for offset in stride(from: width - 1, through: 0, by: -1) {
          buffer[position + offset] = UInt8(ascii: "0") + UInt8(value % 10)
          value /= 10
        }
        position += width
      }
      func put(_ character: Unicode.Scalar) {
        buffer[position] = UInt8(ascii: character)
        position += 1
      }
      put(Int(year), 4); put("-"); put(month, 2); put("-"); put(day, 2); put("T")
      put(secondOfDay / 3600, 2); put(":"); put(secondOfDay / 60 % 60, 2); put(":"); put(secondOfDay % 60, 2)
      put("."); put(fraction, 6); put("Z")
      return position
    }
  }

  /// Parses RFC 3339 text (`Z` or `±HH:MM` offset, 0–9 fraction digits; a date alone means midnight UTC)
  /// into microseconds since 1970, or `nil` when it is not that form.
  public static func parse(_ text: String) -> Int64? {
    var text = text
    return text.withUTF8 { bytes -> Int64? in
      var position = 0
      func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for _ in 0..<width {
          let digit = bytes[position] &- UInt8(ascii: "0")
          guard digit < 10 else { return nil }
          value = value * 10 + Int(digit)
          position += 1
        }
        return value
      }
      func expect(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
      }
      guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day) else { return nil }
      var micros = days(fromCivil: Int64(year), month, day) * 86_400_000_000
      if position == bytes.count { return micros }
      guard position < bytes.count, bytes[position] == UInt8(ascii: "T") || bytes[position] == UInt8(ascii: "t") || bytes[position] == UInt8(ascii: " ") else {
        return nil
      }
      position += 1
      guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
            hour < 24, minute < 60, second < 61 else { return nil }
      micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
      if expect(".") {
        var scale = 100_000
        var digits = 0
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
          micros += Int64(Int(bytes[position] &- UInt8(ascii: "0")) * scale)
          scale /= 10
          digits += 1
          position += 1
        }
        guard (1...9).contains(digits) else { return nil }
      }
      if expect("Z") || expect("z") { return position == bytes.count ? micros : nil }
      guard position < bytes.count else { return nil }
      let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
      guard expect("+") || expect("-"), let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
            position == bytes.count else { return nil }
      return micros - sign * Int64(offsetHours * 3600 + offsetMinutes * 60) * 1_000_000
    }
  }

  /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
  static func days(fromCivil year: Int64, _ month: Int, _ day: Int) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
    let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
  static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
    let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
