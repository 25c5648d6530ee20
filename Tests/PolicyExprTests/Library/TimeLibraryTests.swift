import XCTest
@testable import PolicyExpr

final class TimeLibraryTests: XCTestCase {
  /// Invokes the overload `id` of ``TimeLibrary`` on `args`.
  private func call(_ id: String, _ args: Value...) throws(EvalError) -> Value {
    guard let overload = TimeLibrary.functions.lazy.flatMap(\.overloads).first(where: { $0.id == id }) else {
      throw EvalError(.noSuchOverload, "test: no overload '\(id)'")
    }
    switch overload.implementation {
    case .unary(let f): return try f(args[0])
    case .binary(let f): return try f(args[0], args[1])
    case .ternary(let f): return try f(args[0], args[1], args[2])
    case .variadic(let f): return try f(args)
    }
  }

  private func ts(_ s: String) throws -> Value { .timestamp(try Timestamp(parsing: s)) }
  private func dur(_ s: String) throws -> Value { .duration(try DurationValue(parsing: s)) }

  private func int(_ v: Value) -> Int64? { if case .int(let i) = v { i } else { nil } }
  private func string(_ v: Value) -> String? { if case .string(let s) = v { s } else { nil } }
  private func timestamp(_ v: Value) -> Timestamp? { if case .timestamp(let t) = v { t } else { nil } }
  private func duration(_ v: Value) -> DurationValue? { if case .duration(let d) = v { d } else { nil } }

  func testOverloadIDsAreUniqueAndWellFormed() {
    let overloads = TimeLibrary.functions.flatMap(\.overloads)
    XCTAssertEqual(Set(overloads.map(\.id)).count, overloads.count)
    for o in overloads {
      let arity = switch o.implementation { case .unary: 1; case .binary: 2; case .ternary: 3; case .variadic: o.params.count }
      XCTAssertEqual(arity, o.params.count, o.id)
    }
  }

  /// cel-spec timestamps.json: timestamp_conversions, duration_conversions.
  func testConversions() throws {
    XCTAssertEqual(int(try call("timestamp_to_int64", try ts("2009-02-13T23:31:30Z"))), 1_234_567_890)
    XCTAssertEqual(int(try call("timestamp_to_int64", try ts("2004-09-16T23:59:59Z"))), 1_095_379_199)
    XCTAssertEqual(int(try call("timestamp_to_int64", try ts("1969-12-31T23:59:59.5Z"))), -1)
    XCTAssertEqual(string(try call("timestamp_to_string", try ts("2009-02-13T23:31:30Z"))), "2009-02-13T23:31:30Z")
    XCTAssertEqual(string(try call("timestamp_to_string", try ts("9999-12-31T23:59:59.999999999Z"))),
                   "9999-12-31T23:59:59.999999999Z")
    XCTAssertEqual(string(try call("duration_to_string", try call("string_to_duration", .string("1000000s")))), "1000000s")
    XCTAssertEqual(string(try call("duration_to_string", try dur("1.5s"))), "1.5s")
    XCTAssertEqual(string(try call("duration_to_string", try dur("1h"))), "3600s")
    XCTAssertEqual(timestamp(try call("int64_to_timestamp", .int(1_000_000_000))), Timestamp(seconds: 1_000_000_000))
    XCTAssertEqual(timestamp(try call("timestamp_to_timestamp", try ts("2009-02-13T23:31:30Z"))), Timestamp(seconds: 1_234_567_890))
    XCTAssertEqual(duration(try call("duration_to_duration", try dur("100s"))), DurationValue(seconds: 100))
    XCTAssertEqual(timestamp(try call("string_to_timestamp", .string("2023-02-03T23:31:20+00:00")))?.rfc3339,
                   "2023-02-03T23:31:20Z")
  }

  /// cel-spec timestamps.json: timestamp_selectors, timestamp_selectors_tz, duration_converters.
  func testAccessors() throws {
    let t = try ts("2009-02-13T23:31:30Z")
    let utc: [(String, Int64)] = [
      ("timestamp_to_day_of_month_1_based", 13), ("timestamp_to_day_of_month", 12), ("timestamp_to_day_of_week", 5),
      ("timestamp_to_day_of_year", 43), ("timestamp_to_year", 2009), ("timestamp_to_hours", 23),
      ("timestamp_to_minutes", 31), ("timestamp_to_month", 1), ("timestamp_to_seconds", 30),
    ]
    for (id, want) in utc { XCTAssertEqual(int(try call(id, t)), want, id) }
    XCTAssertEqual(int(try call("timestamp_to_milliseconds", try ts("2009-02-13T23:31:20.123456789Z"))), 123)
    let zoned: [(String, String, String, Int64)] = [
      ("timestamp_to_day_of_month_1_based_with_tz", "2009-02-13T23:31:30Z", "Australia/Sydney", 14),
      ("timestamp_to_day_of_month_with_tz", "2009-02-13T23:31:30Z", "US/Central", 12),
      ("timestamp_to_day_of_month_with_tz", "2009-02-13T23:31:30Z", "+11:00", 13),
      ("timestamp_to_day_of_month_with_tz", "2009-02-13T02:00:00Z", "-02:30", 11),
      ("timestamp_to_day_of_month_with_tz", "2009-02-13T02:00:00Z", "America/St_Johns", 11),
      ("timestamp_to_day_of_week_with_tz", "2009-02-13T23:31:30Z", "UTC", 5),
      ("timestamp_to_day_of_year_with_tz", "2009-02-13T23:31:30Z", "US/Central", 43),
      ("timestamp_to_year_with_tz", "2009-02-13T23:31:30Z", "-09:30", 2009),
      ("timestamp_to_hours_with_tz", "2009-02-13T23:31:30Z", "02:00", 1),
      ("timestamp_to_minutes_with_tz", "2009-02-13T23:31:30Z", "Asia/Kathmandu", 16),
      ("timestamp_to_month_with_tz", "2009-02-13T23:31:30Z", "UTC", 1),
      ("timestamp_to_seconds_with_tz", "2009-02-13T23:31:30Z", "-00:00", 30),
      ("timestamp_to_milliseconds_with_tz", "2009-02-13T23:31:30.5Z", "America/Los_Angeles", 500),
      ("timestamp_to_hours_with_tz", "2024-07-01T12:00:00Z", "America/Los_Angeles", 5),
      ("timestamp_to_hours_with_tz", "2024-01-01T12:00:00Z", "America/Los_Angeles", 4),
    ]
    for (id, time, zone, want) in zoned {
      XCTAssertEqual(int(try call(id, try ts(time), .string(zone))), want, "\(id) \(zone)")
    }
    XCTAssertThrowsError(try call("timestamp_to_hours_with_tz", t, .string("Mars/Olympus"))) { error in
      XCTAssertEqual((error as! EvalError).message, "unknown time zone 'Mars/Olympus'")
    }
    XCTAssertEqual(int(try call("duration_to_hours", try dur("10000s"))), 2)
    XCTAssertEqual(int(try call("duration_to_milliseconds", try dur("123.321456789s"))), 321)
    XCTAssertEqual(int(try call("duration_to_minutes", try dur("3730s"))), 62)
    XCTAssertEqual(int(try call("duration_to_seconds", try dur("3730s"))), 3730)
    XCTAssertEqual(int(try call("duration_to_hours", try dur("-1.5h"))), -1)
    XCTAssertEqual(int(try call("duration_to_days", try dur("-49h"))), -2)
    XCTAssertEqual(int(try call("duration_to_days", try dur("72h"))), 3)
  }

  /// cel-spec timestamps.json: timestamp_arithmetic.
  func testArithmetic() throws {
    XCTAssertEqual(timestamp(try call("add_timestamp_duration", try ts("2009-02-13T23:00:00Z"), try dur("240s"))),
                   try Timestamp(parsing: "2009-02-13T23:04:00Z"))
    XCTAssertEqual(timestamp(try call("add_duration_timestamp", try dur("120s"), try ts("2009-02-13T23:01:00Z"))),
                   try Timestamp(parsing: "2009-02-13T23:03:00Z"))
    XCTAssertEqual(duration(try call("add_duration_duration", try dur("600s"), try dur("50s"))), DurationValue(seconds: 650))
    XCTAssertEqual(timestamp(try call("add_timestamp_duration", try ts("0001-01-01T00:00:01.000000001Z"), try dur("-999999999ns"))),
                   try Timestamp(parsing: "0001-01-01T00:00:00.000000002Z"))
    XCTAssertEqual(timestamp(try call("add_timestamp_duration", try ts("0001-01-01T00:00:01.999999999Z"), try dur("999999999ns"))),
                   try Timestamp(parsing: "0001-01-01T00:00:02.999999998Z"))
    XCTAssertEqual(timestamp(try call("subtract_timestamp_duration", try ts("2009-02-13T23:10:00Z"), try dur("600s"))),
                   try Timestamp(parsing: "2009-02-13T23:00:00Z"))
    XCTAssertEqual(duration(try call("subtract_timestamp_timestamp", try ts("2009-02-13T23:31:00Z"), try ts("2009-02-13T23:29:00Z"))),
                   DurationValue(seconds: 120))
    XCTAssertEqual(duration(try call("subtract_timestamp_timestamp", try ts("2009-02-13T23:29:00Z"), try ts("2009-02-13T23:31:00.5Z"))),
                   DurationValue(seconds: -120, nanos: -500_000_000))
    XCTAssertEqual(duration(try call("subtract_duration_duration", try dur("900s"), try dur("42s"))), DurationValue(seconds: 858))
    XCTAssertEqual(duration(try call("negate_duration", try dur("1.5s"))), DurationValue(seconds: -1, nanos: -500_000_000))
    XCTAssertEqual(duration(try call("days_int64", .int(30))), DurationValue(seconds: 2_592_000))
    XCTAssertEqual(duration(try call("hours_int64", .int(-2))), DurationValue(seconds: -7200))
  }

  /// cel-spec timestamps.json: timestamp_range and duration_range; every case is a `range` error.
  func testRangeErrors() throws {
    let failing: [() throws -> Value] = [
      { try self.call("string_to_timestamp", .string("0000-01-01T00:00:00Z")) },
      { try self.call("int64_to_timestamp", .int(-62_135_596_801)) },
      { try self.call("string_to_timestamp", .string("10000-01-01T00:00:00Z")) },
      { try self.call("int64_to_timestamp", .int(253_402_300_800)) },
      { try self.call("add_timestamp_duration", try self.ts("0001-01-01T00:00:00Z"), try self.dur("-1s")) },
      { try self.call("add_timestamp_duration", try self.ts("9999-12-31T23:59:59Z"), try self.dur("1s")) },
      { try self.call("add_timestamp_duration", try self.ts("9999-12-31T23:59:59.999999999Z"), try self.dur("1ns")) },
      { try self.call("add_timestamp_duration", try self.ts("0001-01-01T00:00:00Z"), try self.dur("-1ns")) },
      { try self.call("subtract_timestamp_timestamp", try self.ts("9999-12-31T23:59:59Z"), try self.ts("0001-01-01T00:00:00Z")) },
      { try self.call("subtract_timestamp_timestamp", try self.ts("0001-01-01T00:00:00Z"), try self.ts("9999-12-31T23:59:59Z")) },
      { try self.call("string_to_duration", .string("-320000000000s")) },
      { try self.call("string_to_duration", .string("320000000000s")) },
      { try self.call("add_duration_duration", try self.dur("-5000000000s"), try self.dur("-5000000000s")) },
      { try self.call("add_duration_duration", try self.dur("5000000000s"), try self.dur("5000000000s")) },
      { try self.call("subtract_duration_duration", try self.dur("-5000000000s"), try self.dur("5000000000s")) },
      { try self.call("subtract_duration_duration", try self.dur("5000000000s"), try self.dur("-5000000000s")) },
      { try self.call("negate_duration", .duration(.fromNanos(.min))) },
      { try self.call("days_int64", .int(200_000)) },
      { try self.call("hours_int64", .int(Int64.max / 1000)) },
    ]
    for (i, f) in failing.enumerated() {
      XCTAssertThrowsError(try f(), "case \(i)") { error in
        XCTAssertEqual((error as! EvalError).kind, .outOfRange, "case \(i)")
      }
    }
    XCTAssertThrowsError(try call("add_timestamp_duration", try ts("9999-12-31T23:59:59Z"), try dur("1s"))) { error in
      XCTAssertEqual((error as! EvalError).message, "timestamp '9999-12-31T23:59:59Z' + duration '1s' out of range")
    }
    XCTAssertThrowsError(try call("int64_to_timestamp", .int(253_402_300_800))) { error in
      XCTAssertEqual((error as! EvalError).message, "timestamp 253402300800 seconds since the epoch out of range")
    }
  }

  func testWrongArgumentKindIsNoSuchOverload() {
    XCTAssertThrowsError(try call("timestamp_to_year", .int(1))) { error in
      let e = error as! EvalError
      XCTAssertEqual(e.kind, .noSuchOverload)
      XCTAssertEqual(e.message, "no such overload: 'getFullYear' applied to (int)")
    }
  }

  /// The UTC accessor path does no Foundation calls; 100k calls must be fast even in debug.
  func testAccessorSpeed() throws {
    let t = try ts("2009-02-13T23:31:30Z")
    let overload = TimeLibrary.functions.flatMap(\.overloads).first { $0.id == "timestamp_to_day_of_year" }!
    guard case .unary(let dayOfYear) = overload.implementation else { return XCTFail("arity") }
    let start = Date()
    var sum: Int64 = 0
    for _ in 0..<100_000 { sum &+= int(try dayOfYear(t)) ?? 0 }
    XCTAssertEqual(sum, 4_300_000)
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
  }
}
