import Foundation
import Synchronization

/// A proleptic Gregorian calendar date: year, 1-based month and 1-based day.
struct CivilDate: Hashable, Sendable {
  var year: Int64
  /// 1 through 12.
  var month: Int64
  /// 1 through 31.
  var day: Int64

  /// The date `days` days after 1970-01-01 (negative before), by Howard Hinnant's
  /// `civil_from_days` algorithm: integer arithmetic only, exact over the whole Int64 day range
  /// that timestamps can produce.
  init(daysSinceEpoch days: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097                                                  // [0, 146096]
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
    let mp = (5 * dayOfYear + 2) / 153                                                // [0, 11], March = 0
    day = dayOfYear - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  init(year: Int64, month: Int64, day: Int64) {
    self.year = year; self.month = month; self.day = day
  }

  /// Days from 1970-01-01 to this date (Hinnant's `days_from_civil`).
  var daysSinceEpoch: Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400                                                     // [0, 399]
    let mp = month > 2 ? month - 3 : month + 9                                        // March = 0
    let dayOfYear = (153 * mp + 2) / 5 + day - 1                                      // [0, 365]
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear      // [0, 146096]
    return era * 146_097 + dayOfEra - 719_468
  }

  /// Whether `year` is a Gregorian leap year.
  static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

  /// The number of days in `month` (1-based) of `year`.
  static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}

extension Timestamp {
  /// The calendar and clock fields of an instant as seen at some UTC offset, computed with
  /// integer arithmetic only.
  public struct Fields: Hashable, Sendable {
    /// The full year, e.g. 2009.
    public var year: Int64
    /// The month, 0-based (0 = January), as CEL's `getMonth` reports it.
    public var month: Int64
    /// The day of the month, 1-based, as `getDate` reports it.
    public var day: Int64
    /// The day of the year, 0-based.
    public var dayOfYear: Int64
    /// The day of the week, 0 = Sunday.
    public var dayOfWeek: Int64
    /// Hours, 0 through 23.
    public var hours: Int64
    /// Minutes, 0 through 59.
    public var minutes: Int64
    /// Seconds, 0 through 59.
    public var seconds: Int64
    /// Milliseconds within the second, 0 through 999.
    public var milliseconds: Int64
  }

  /// The calendar fields of this instant in local time at `offsetSeconds` east of UTC.
  public func fields(offsetSeconds: Int64 = 0) -> Fields {
    let local = seconds + offsetSeconds
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let secondOfDay = local - days * 86_400
    let date = CivilDate(daysSinceEpoch: days)
    let yearStart = CivilDate(year: date.year, month: 1, day: 1).daysSinceEpoch
    let weekday = (days + 4) % 7   // 1970-01-01 was a Thursday
    return Fields(
      year: date.year, month: date.month - 1, day: date.day,
      dayOfYear: days - yearStart, dayOfWeek: weekday >= 0 ? weekday : weekday + 7,
      hours: secondOfDay / 3600, minutes: secondOfDay / 60 % 60, seconds: secondOfDay % 60,
      milliseconds: Int64(nanos) / 1_000_000)
  }

  /// The calendar fields of this instant in `zone`.
  public func fields(in zone: TimeZoneSpec) -> Fields {
    fields(offsetSeconds: zone.offset(at: self))
  }
}

/// A time zone argument of the timestamp accessors: `UTC`, a fixed offset (`+05:30`,
/// `-08:00`; `02:00` is read as east of UTC) or an IANA name (`America/Los_Angeles`).
///
/// Names are resolved through Foundation's time zone database once and cached process-wide.
public enum TimeZoneSpec: Sendable, Hashable {
  /// A constant offset in seconds east of UTC.
  case fixed(Int64)
  /// A named zone whose offset depends on the instant (daylight saving time).
  case named(TimeZone)

  /// Resolves a time zone argument.
  ///
  /// - Throws: ``EvalError`` of kind `invalid_argument` for an unknown name or malformed offset.
  public static func resolve(_ text: String) throws(EvalError) -> TimeZoneSpec {
    if let offset = parseFixedOffset(text) { return .fixed(offset) }
    if text.utf8.contains(UInt8(ascii: ":")) { throw .unknownTimeZone(text) }
    if let hit = cache.withLock({ $0[text] }) { return hit }
    guard let zone = TimeZone(identifier: text) else { throw .unknownTimeZone(text) }
    let spec = TimeZoneSpec.named(zone)
    cache.withLock { entries in
      if entries.count >= cacheCapacity { entries.removeAll(keepingCapacity: true) }
      entries[text] = spec
    }
    return spec
  }

  /// The offset in seconds east of UTC in effect at `instant`.
  public func offset(at instant: Timestamp) -> Int64 {
    switch self {
    case .fixed(let s): s
    case .named(let zone): Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.seconds))))
    }
  }

  /// The most zone names kept resolved; the cache is emptied when it fills.
  static let cacheCapacity = 256
  private static let cache = Mutex<[String: TimeZoneSpec]>([:])

  /// `[+-]?H{1,2}:MM` → seconds east of UTC, or `nil` if `text` is not of that shape.
  /// `UTC` (any case) and `Z` are zero.
  static func parseFixedOffset(_ text: String) -> Int64? {
    let u = Array(text.utf8)
    if u == Array("UTC".utf8) || u == Array("Z".utf8) { return 0 }
    var i = 0
    var negative = false
    if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { negative = u[i] == UInt8(ascii: "-"); i += 1 }
    var hours: Int64 = 0
    let hourStart = i
    while i < u.count, isDigit(u[i]), i - hourStart < 2 { hours = hours * 10 + Int64(u[i] &- 48); i += 1 }
    guard i > hourStart, i + 3 == u.count, u[i] == UInt8(ascii: ":"), isDigit(u[i + 1]), isDigit(u[i + 2]) else { return nil }
    let minutes = Int64(u[i + 1] &- 48) * 10 + Int64(u[i + 2] &- 48)
    guard hours <= 23, minutes <= 59 else { return nil }
    let total = hours * 3600 + minutes * 60
    return negative ? -total : total
  }

  @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}

extension EvalError {
  /// `unknown time zone 'Mars/Olympus'`.
  static func unknownTimeZone(_ name: String) -> EvalError {
    EvalError(.invalidArgument, "unknown time zone '\(name)'")
  }
}
