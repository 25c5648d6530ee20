/// Timestamps and durations: conversions, arithmetic and calendar accessors.
///
/// Overload ids follow cel-go (`add_timestamp_duration`, `timestamp_to_year_with_tz`). Results
/// outside the range of the type are `range` errors, never wrapped values: timestamps stay in
/// 0001-01-01 ... 9999-12-31 UTC and durations in Int64 nanoseconds (about ±292 years).
/// Accessors without a zone use UTC; with one they take `UTC`, a fixed offset (`+05:30`) or an
/// IANA name (`America/Los_Angeles`), see ``TimeZoneSpec``.
public enum TimeLibrary {
  /// The declarations of this library. Names shared with other libraries (`_+_`, `string`,
  /// `int`) carry only the time overloads here; the registry merges overloads by name.
  public static let functions: [FunctionDecl] = conversions + arithmetic + accessors + calendarSpans + DayCountLibrary.functions

  // MARK: Conversions

  static let conversions: [FunctionDecl] = [
    FunctionDecl("timestamp", [
      .unary("string_to_timestamp", .string, .timestamp) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("timestamp", v) }
        return .timestamp(try Timestamp(parsing: s))
      },
      .unary("int64_to_timestamp", .int, .timestamp) { v throws(EvalError) in
        guard case .int(let i) = v else { throw .noOverload("timestamp", v) }
        let t = Timestamp(seconds: i)
        guard t.isValid else { throw EvalError(.outOfRange, "timestamp \(i) seconds since the epoch out of range") }
        return .timestamp(t)
      },
      .unary("timestamp_to_timestamp", .timestamp, .timestamp) { v throws(EvalError) in
        guard case .timestamp = v else { throw .noOverload("timestamp", v) }
        return v
      },
    ]),
    FunctionDecl("duration", [
      .unary("string_to_duration", .string, .duration) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("duration", v) }
        return .duration(try DurationValue(parsing: s))
      },
      .unary("duration_to_duration", .duration, .duration) { v throws(EvalError) in
        guard case .duration = v else { throw .noOverload("duration", v) }
        return v
      },
    ]),
    FunctionDecl("string", [
      .unary("timestamp_to_string", .timestamp, .string) { v throws(EvalError) in
        guard case .timestamp(let t) = v else { throw .noOverload("string", v) }
        return .string(t.rfc3339)
      },
      .unary("duration_to_string", .duration, .string) { v throws(EvalError) in
        guard case .duration(let d) = v else { throw .noOverload("string", v) }
        return .string(d.secondsText)
      },
    ]),
    FunctionDecl("int", [
      .unary("timestamp_to_int64", .timestamp, .int) { v throws(EvalError) in
        guard case .timestamp(let t) = v else { throw .noOverload("int", v) }
        return .int(t.seconds)
      },
    ]),
  ]

  // MARK: Arithmetic

  static let arithmetic: [FunctionDecl] = [
    FunctionDecl("_+_", [
      .binary("add_timestamp_duration", .timestamp, .duration, .timestamp) { a, b throws(EvalError) in
        guard case .timestamp(let t) = a, case .duration(let d) = b else { throw .noOverload("_+_", a, b) }
        return .timestamp(try t.adding(d))
      },
      .binary("add_duration_timestamp", .duration, .timestamp, .timestamp) { a, b throws(EvalError) in
        guard case .duration(let d) = a, case .timestamp(let t) = b else { throw .noOverload("_+_", a, b) }
        return .timestamp(try t.adding(d))
      },
      .binary("add_duration_duration", .duration, .duration, .duration) { a, b throws(EvalError) in
        guard case .duration(let x) = a, case .duration(let y) = b else { throw .noOverload("_+_", a, b) }
        return .duration(try x.adding(y))
      },
    ]),
    FunctionDecl("_-_", [
      .binary("subtract_timestamp_timestamp", .timestamp, .timestamp, .duration) { a, b throws(EvalError) in
        guard case .timestamp(let x) = a, case .timestamp(let y) = b else { throw .noOverload("_-_", a, b) }
        return .duration(try x.duration(since: y))
      },
      .binary("subtract_timestamp_duration", .timestamp, .duration, .timestamp) { a, b throws(EvalError) in
        guard case .timestamp(let t) = a, case .duration(let d) = b else { throw .noOverload("_-_", a, b) }
        return .timestamp(try t.subtracting(d))
      },
      .binary("subtract_duration_duration", .duration, .duration, .duration) { a, b throws(EvalError) in
        guard case .duration(let x) = a, case .duration(let y) = b else { throw .noOverload("_-_", a, b) }
        return .duration(try x.subtracting(y))
      },
    ]),
    FunctionDecl("-_", [
      .unary("negate_duration", .duration, .duration) { v throws(EvalError) in
        guard case .duration(let d) = v else { throw .noOverload("-_", v) }
        return .duration(try d.negated())
      },
    ]),
  ]

  // MARK: Accessors

  static let accessors: [FunctionDecl] = [
    timestampAccessor("getFullYear", "timestamp_to_year") { $0.year },
    timestampAccessor("getMonth", "timestamp_to_month") { $0.month },
    timestampAccessor("getDayOfYear", "timestamp_to_day_of_year") { $0.dayOfYear },
    timestampAccessor("getDayOfMonth", "timestamp_to_day_of_month") { $0.day - 1 },
    timestampAccessor("getDate", "timestamp_to_day_of_month_1_based") { $0.day },
    timestampAccessor("getDayOfWeek", "timestamp_to_day_of_week") { $0.dayOfWeek },
    timestampAccessor("getHours", "timestamp_to_hours", duration: ("duration_to_hours", { $0.seconds / 3600 })) { $0.hours },
    timestampAccessor("getMinutes", "timestamp_to_minutes", duration: ("duration_to_minutes", { $0.seconds / 60 })) { $0.minutes },
    timestampAccessor("getSeconds", "timestamp_to_seconds", duration: ("duration_to_seconds", { $0.seconds })) { $0.seconds },
    // cel-spec: duration('123.321456789s').getMilliseconds() == 321, the millisecond part.
    timestampAccessor("getMilliseconds", "timestamp_to_milliseconds",
                      duration: ("duration_to_milliseconds", { Int64($0.nanos) / 1_000_000 })) { $0.milliseconds },
  ]

  /// A receiver-style accessor on timestamps in UTC and in a given zone, plus an optional
  /// duration overload.
  static func timestampAccessor(
    _ name: String, _ id: String,
    duration: (id: String, get: @Sendable (DurationValue) -> Int64)? = nil,
    _ get: @escaping @Sendable (Timestamp.Fields) -> Int64
  ) -> FunctionDecl {
    var overloads: [Overload] = [
      .method(id, .timestamp, .int) { v throws(EvalError) in
        guard case .timestamp(let t) = v else { throw .noOverload(name, v) }
        return .int(get(t.fields()))
      },
      .method(id + "_with_tz", .timestamp, .string, .int) { v, z throws(EvalError) in
        guard case .timestamp(let t) = v, case .string(let zone) = z else { throw .noOverload(name, v, z) }
        return .int(get(t.fields(in: try TimeZoneSpec.resolve(zone))))
      },
    ]
    if let duration {
      overloads.append(.method(duration.id, .duration, .int) { v throws(EvalError) in
        guard case .duration(let d) = v else { throw .noOverload(name, v) }
        return .int(duration.get(d))
      })
    }
    return FunctionDecl(name, overloads)
  }

  // MARK: Calendar spans (Proviso additions)

  static let calendarSpans: [FunctionDecl] = [
    FunctionDecl("getDays", [
      .method("duration_to_days", .duration, .int) { v throws(EvalError) in
        guard case .duration(let d) = v else { throw .noOverload("getDays", v) }
        return .int(d.seconds / 86_400)
      },
    ]),
    FunctionDecl("days", [
      .unary("days_int64", .int, .duration) { v throws(EvalError) in
        guard case .int(let n) = v else { throw .noOverload("days", v) }
        return .duration(try DurationValue.checked(n, unitSeconds: 86_400, name: "days"))
      },
    ]),
    FunctionDecl("hours", [
      .unary("hours_int64", .int, .duration) { v throws(EvalError) in
        guard case .int(let n) = v else { throw .noOverload("hours", v) }
        return .duration(try DurationValue.checked(n, unitSeconds: 3600, name: "hours"))
      },
    ]),
  ]
}

// MARK: - Checked arithmetic

extension Timestamp {
  /// This instant moved by `d`.
  ///
  /// - Throws: ``EvalError`` of kind `range` when the result leaves CEL's timestamp range.
  public func adding(_ d: DurationValue) throws(EvalError) -> Timestamp {
    let t = Self.normalized(seconds: seconds + d.seconds, nanos: Int64(nanos) + Int64(d.nanos))
    guard t.isValid else {
      throw EvalError(.outOfRange, "timestamp '\(rfc3339)' + duration '\(d.secondsText)' out of range")
    }
    return t
  }

  /// This instant moved back by `d`.
  ///
  /// - Throws: ``EvalError`` of kind `range` when the result leaves CEL's timestamp range.
  public func subtracting(_ d: DurationValue) throws(EvalError) -> Timestamp {
    let t = Self.normalized(seconds: seconds - d.seconds, nanos: Int64(nanos) - Int64(d.nanos))
    guard t.isValid else {
      throw EvalError(.outOfRange, "timestamp '\(rfc3339)' - duration '\(d.secondsText)' out of range")
    }
    return t
  }

  /// The span from `earlier` to this instant (negative when `earlier` is later).
  ///
  /// - Throws: ``EvalError`` of kind `range` when the span exceeds the duration range.
  public func duration(since earlier: Timestamp) throws(EvalError) -> DurationValue {
    let (m, o1) = (seconds - earlier.seconds).multipliedReportingOverflow(by: 1_000_000_000)
    let (total, o2) = m.addingReportingOverflow(Int64(nanos) - Int64(earlier.nanos))
    guard !o1, !o2 else {
      throw EvalError(.outOfRange, "duration between '\(rfc3339)' and '\(earlier.rfc3339)' out of range")
    }
    return .fromNanos(total)
  }

  /// Seconds and nanoseconds brought to nanos in 0..<1e9 (`nanos` within ±2e9; the seconds of
  /// valid timestamps and durations are far from Int64's limits).
  static func normalized(seconds: Int64, nanos: Int64) -> Timestamp {
    var s = seconds
    var n = nanos
    if n >= 1_000_000_000 { s += 1; n -= 1_000_000_000 } else if n < 0 { s -= 1; n += 1_000_000_000 }
    return Timestamp(seconds: s, nanos: Int32(n))
  }
}

extension DurationValue {
  /// The sum, checked against the duration range.
  public func adding(_ other: DurationValue) throws(EvalError) -> DurationValue {
    guard let a = totalNanos, let b = other.totalNanos else { throw overflow("+", other) }
    let (sum, o) = a.addingReportingOverflow(b)
    guard !o else { throw overflow("+", other) }
    return .fromNanos(sum)
  }

  /// The difference, checked against the duration range.
  public func subtracting(_ other: DurationValue) throws(EvalError) -> DurationValue {
    guard let a = totalNanos, let b = other.totalNanos else { throw overflow("-", other) }
    let (diff, o) = a.subtractingReportingOverflow(b)
    guard !o else { throw overflow("-", other) }
    return .fromNanos(diff)
  }

  /// The negation, checked against the duration range.
  public func negated() throws(EvalError) -> DurationValue {
    guard let a = totalNanos, a != .min else {
      throw EvalError(.outOfRange, "-duration '\(secondsText)' out of range")
    }
    return .fromNanos(-a)
  }

  /// `count` units of `unitSeconds` seconds, checked against the duration range.
  static func checked(_ count: Int64, unitSeconds: Int64, name: String) throws(EvalError) -> DurationValue {
    let (s, o1) = count.multipliedReportingOverflow(by: unitSeconds)
    let (n, o2) = s.multipliedReportingOverflow(by: 1_000_000_000)
    guard !o1, !o2 else { throw EvalError(.outOfRange, "\(name)(\(count)) out of range") }
    return .fromNanos(n)
  }

  private func overflow(_ op: String, _ other: DurationValue) -> EvalError {
    EvalError(.outOfRange, "duration '\(secondsText)' \(op) duration '\(other.secondsText)' out of range")
  }
}
