import PolicySource

/// Whole days between two instants and the day-count fractions of interest calculations.
///
/// Days are **calendar days**: the difference of the two dates in UTC (or in the zone given as a
/// third argument), whatever the time of day. `daysBetween(t"2026-10-01T23:00Z", t"2026-10-02T01:00Z")`
/// is 1. A day-count fraction is a decimal: the convention's day count over its year (360 or 365).
public enum DayCountLibrary {
  /// The declarations of this library.
  public static let functions: [FunctionDecl] = [daysBetween, dayCount, yearFraction]

  /// The conventions `dayCount` and `yearFraction` accept, with the length of their year.
  ///
  /// - `act/360`, `act/365`: actual calendar days (`act/365` is "Actual/365 Fixed").
  /// - `30/360`: the US bond basis (30/360 US, NASD; ISDA 2006 §4.16(f)): a 31st that starts the
  ///   period counts as the 30th; a 31st that ends it counts as the 30th only when the start is a
  ///   30th or 31st. The end of February is not adjusted.
  /// - `30e/360`: the Eurobond basis (ISDA 2006 §4.16(g)): every 31st counts as the 30th.
  public static let conventions: [String: Int64] = ["act/360": 360, "act/365": 365, "30/360": 360, "30e/360": 360]

  /// The calendar date of `t` in `zone` (UTC when `nil`), as days since 1970-01-01.
  static func day(_ t: Timestamp, _ zone: TimeZoneSpec?) -> Int64 {
    let f = zone.map { t.fields(in: $0) } ?? t.fields()
    return CivilDate(year: f.year, month: f.month + 1, day: f.day).daysSinceEpoch
  }

  static let daysBetween = FunctionDecl("daysBetween", [
    .binary("days_between_timestamp_timestamp", .timestamp, .timestamp, .int) { a, b throws(EvalError) in
      guard case .timestamp(let x) = a, case .timestamp(let y) = b else { throw .noOverload("daysBetween", a, b) }
      return .int(day(y, nil) - day(x, nil))
    },
    Overload("days_between_timestamp_timestamp_with_tz", [.timestamp, .timestamp, .string], .int, .ternary { a, b, z throws(EvalError) in
      guard case .timestamp(let x) = a, case .timestamp(let y) = b, case .string(let zone) = z else {
        throw .noOverload("daysBetween", a, b, z)
      }
      let spec = try TimeZoneSpec.resolve(zone)
      return .int(day(y, spec) - day(x, spec))
    }),
  ])

  /// The day count from `start` to `end` under `convention` (negative when `end` is earlier).
  public static func count(_ start: Timestamp, _ end: Timestamp, _ convention: String) throws(EvalError) -> Int64 {
    switch convention {
    case "act/360", "act/365": return day(end, nil) - day(start, nil)
    case "30/360", "30e/360":
      let s = start.fields(), e = end.fields()
      var d1 = s.day, d2 = e.day
      if convention == "30e/360" {
        d1 = min(d1, 30); d2 = min(d2, 30)
      } else {
        if d1 == 31 { d1 = 30 }
        if d2 == 31 && d1 == 30 { d2 = 30 }
      }
      return 360 * (e.year - s.year) + 30 * (e.month - s.month) + (d2 - d1)
    default:
      throw EvalError(.invalidArgument, unknownConvention(convention))
    }
  }

  static func unknownConvention(_ name: String) -> String {
    "unknown day-count convention '\(name)' (use \(conventions.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")))"
  }

  /// Rejects a constant convention that is not one of ``conventions`` when the policy loads.
  static func validated(_ overload: Overload) -> Overload {
    var o = overload
    o.validator = { constants in
      guard constants.count == 3, case .string(let name)? = constants[2], conventions[name] == nil else { return nil }
      return ArgumentProblem(argument: 2, code: "expr_check_error", message: unknownConvention(name))
    }
    return o
  }

  static let dayCount = FunctionDecl("dayCount", [
    validated(Overload("day_count_timestamp_timestamp_string", [.timestamp, .timestamp, .string], .int, .ternary { a, b, c throws(EvalError) in
      guard case .timestamp(let x) = a, case .timestamp(let y) = b, case .string(let name) = c else {
        throw .noOverload("dayCount", a, b, c)
      }
      return .int(try count(x, y, name))
    })),
  ])

  static let yearFraction = FunctionDecl("yearFraction", [
    validated(Overload("year_fraction_timestamp_timestamp_string", [.timestamp, .timestamp, .string], .decimal, .ternary { a, b, c throws(EvalError) in
      guard case .timestamp(let x) = a, case .timestamp(let y) = b, case .string(let name) = c else {
        throw .noOverload("yearFraction", a, b, c)
      }
      let days = try count(x, y, name)
      do throws(DecimalError) {
        return .decimal(try DecimalNumber(days).dividing(DecimalNumber(conventions[name] ?? 360)))
      } catch {
        throw EvalError(.overflow, "decimal overflow in 'yearFraction'")
      }
    })),
  ])
}
