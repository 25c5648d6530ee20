import XCTest
@testable import PolicyExpr

final class TimestampTests: XCTestCase {
  func testParsesAndFormatsRFC3339() throws {
    let cases: [(String, Int64, Int32, String)] = [
      ("2009-02-13T23:31:30Z", 1_234_567_890, 0, "2009-02-13T23:31:30Z"),
      ("1970-01-01T00:00:00Z", 0, 0, "1970-01-01T00:00:00Z"),
      ("1969-12-31T23:59:59.5Z", -1, 500_000_000, "1969-12-31T23:59:59.500Z"),
      ("2009-02-13T23:31:20.123456789Z", 1_234_567_880, 123_456_789, "2009-02-13T23:31:20.123456789Z"),
      ("2009-02-13T23:31:20.12345Z", 1_234_567_880, 123_450_000, "2009-02-13T23:31:20.123450Z"),
      ("1972-01-01T10:00:20.021-05:00", 63_126_020, 21_000_000, "1972-01-01T15:00:20.021Z"),
      ("2009-02-14T05:01:30+05:30", 1_234_567_890, 0, "2009-02-13T23:31:30Z"),
      ("2009-02-13t23:31:30z", 1_234_567_890, 0, "2009-02-13T23:31:30Z"),
      ("2000-02-29T00:00:00Z", 951_782_400, 0, "2000-02-29T00:00:00Z"),
      ("0001-01-01T00:00:00Z", Timestamp.minSeconds, 0, "0001-01-01T00:00:00Z"),
      ("9999-12-31T23:59:59.999999999Z", Timestamp.maxSeconds, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
    ]
    for (text, seconds, nanos, formatted) in cases {
      let t = try Timestamp(parsing: text)
      XCTAssertEqual(t, Timestamp(seconds: seconds, nanos: nanos), text)
      XCTAssertEqual(t.rfc3339, formatted, text)
    }
  }

  /// A date alone is the instant its day begins in UTC.
  func testDateAloneIsMidnightUTC() throws {
    XCTAssertEqual(try Timestamp(parsing: "2009-02-13"), Timestamp(seconds: 1_234_483_200))
    XCTAssertEqual(try Timestamp(parsing: "2024-02-29").rfc3339, "2024-02-29T00:00:00Z")
    XCTAssertThrowsError(try Timestamp(parsing: "0000-01-01"))
  }

  func testRejectsMalformedText() {
    for text in ["", "2009-02-13T", "2009-02-30", "2009-2-13", "2009-02-13T23:31:30", "2009-2-13T23:31:30Z", "2009-02-13 23:31:30Z",
                 "2009-02-30T00:00:00Z", "2009-13-01T00:00:00Z", "2009-02-13T24:00:00Z", "2009-02-13T23:60:00Z",
                 "2009-02-13T23:31:60Z", "2009-02-13T23:31:30.Z", "2009-02-13T23:31:30.1234567890Z",
                 "2009-02-13T23:31:30+0530", "2009-02-13T23:31:30Zjunk", "2001-02-29T00:00:00Z"] {
      XCTAssertThrowsError(try Timestamp(parsing: text), text) { error in
        let e = error as! EvalError
        XCTAssertEqual(e.kind, .invalidArgument, text)
        XCTAssertEqual(e.message, "invalid timestamp '\(text)', expected RFC 3339 text such as '2009-02-13T23:31:30Z'")
      }
    }
  }

  func testRangeErrors() {
    for text in ["0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01",
                 "9999-12-31T23:59:59-00:01"] {
      XCTAssertThrowsError(try Timestamp(parsing: text), text) { error in
        let e = error as! EvalError
        XCTAssertEqual(e.kind, .outOfRange, text)
        XCTAssertEqual(e.message, "timestamp '\(text)' out of range")
      }
    }
  }

  /// Foundation's Gregorian calendar is Julian before 1582-10-15; CEL's is proleptic Gregorian,
  /// so Foundation is the oracle from 1583 on and the round trip checks the rest.
  func testCalendarFieldsMatchFoundationAcrossTheRange() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let start1583: Int64 = -12_212_553_600
    var seconds = Timestamp.minSeconds
    let step: Int64 = 86_400 * 997 + 3_671
    while seconds <= Timestamp.maxSeconds {
      let t = Timestamp(seconds: seconds)
      let f = t.fields()
      XCTAssertEqual(CivilDate(year: f.year, month: f.month + 1, day: f.day).daysSinceEpoch * 86_400
                       + f.hours * 3600 + f.minutes * 60 + f.seconds, seconds)
      defer { seconds += step }
      guard seconds >= start1583 else { continue }
      let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday],
                                      from: Date(timeIntervalSince1970: Double(seconds)))
      XCTAssertEqual(f.year, Int64(c.year!), "\(seconds)")
      XCTAssertEqual(f.month + 1, Int64(c.month!), "\(seconds)")
      XCTAssertEqual(f.day, Int64(c.day!), "\(seconds)")
      XCTAssertEqual(f.hours, Int64(c.hour!))
      XCTAssertEqual(f.minutes, Int64(c.minute!))
      XCTAssertEqual(f.seconds, Int64(c.second!))
      XCTAssertEqual(f.dayOfWeek + 1, Int64(c.weekday!), "\(seconds)")
    }
    let first = Timestamp(seconds: Timestamp.minSeconds).fields()
    XCTAssertEqual([first.year, first.month, first.day, first.dayOfWeek], [1, 0, 1, 1])  // a Monday
    let last = Timestamp(seconds: Timestamp.maxSeconds).fields()
    XCTAssertEqual([last.year, last.month, last.day, last.dayOfYear, last.dayOfWeek], [9999, 11, 31, 364, 5])
  }

  func testFieldsAtAnOffset() throws {
    let t = try Timestamp(parsing: "2009-02-13T23:31:30.123Z")
    let f = t.fields(offsetSeconds: 3600)
    XCTAssertEqual([f.year, f.month, f.day, f.dayOfYear, f.dayOfWeek, f.hours, f.minutes, f.seconds, f.milliseconds],
                   [2009, 1, 14, 44, 6, 0, 31, 30, 123])
    let g = Timestamp(seconds: -1).fields()
    XCTAssertEqual([g.year, g.month, g.day, g.dayOfYear, g.dayOfWeek, g.hours], [1969, 11, 31, 364, 3, 23])
  }

  func testTimeZoneSpecs() throws {
    XCTAssertEqual(try TimeZoneSpec.resolve("+05:30"), .fixed(19_800))
    XCTAssertEqual(try TimeZoneSpec.resolve("-08:00"), .fixed(-28_800))
    XCTAssertEqual(try TimeZoneSpec.resolve("02:00"), .fixed(7_200))
    XCTAssertEqual(try TimeZoneSpec.resolve("-00:00"), .fixed(0))
    XCTAssertEqual(try TimeZoneSpec.resolve("UTC"), .fixed(0))
    let winter = try Timestamp(parsing: "2024-01-15T12:00:00Z")
    let summer = try Timestamp(parsing: "2024-07-15T12:00:00Z")
    let la = try TimeZoneSpec.resolve("America/Los_Angeles")
    XCTAssertEqual(la.offset(at: winter), -28_800)
    XCTAssertEqual(la.offset(at: summer), -25_200)
    for bad in ["Mars/Olympus", "+5:3", "25:00", "+05:60", ""] {
      XCTAssertThrowsError(try TimeZoneSpec.resolve(bad), bad) { error in
        XCTAssertEqual((error as! EvalError).message, "unknown time zone '\(bad)'")
      }
    }
  }

  func testDurationParsing() throws {
    let cases: [(String, Int64, String)] = [
      ("0", 0, "0s"), ("1h30m", 5_400_000_000_000, "5400s"), ("3.5s", 3_500_000_000, "3.5s"),
      ("-1.5h", -5_400_000_000_000, "-5400s"), ("100ms", 100_000_000, "0.1s"), ("1us", 1_000, "0.000001s"),
      ("1µs", 1_000, "0.000001s"), ("1μs", 1_000, "0.000001s"), ("1ns", 1, "0.000000001s"),
      ("-999999999ns", -999_999_999, "-0.999999999s"), ("1000000s", 1_000_000_000_000_000, "1000000s"),
      ("123.321456789s", 123_321_456_789, "123.321456789s"), ("+.5m", 30_000_000_000, "30s"),
      ("1h45m47s", 6_347_000_000_000, "6347s"), ("2562047h47m16.854775807s", Int64.max, "9223372036.854775807s"),
      ("-2562047h47m16.854775808s", Int64.min, "-9223372036.854775808s"),
    ]
    for (text, nanos, formatted) in cases {
      let d = try DurationValue(parsing: text)
      XCTAssertEqual(d.totalNanos, nanos, text)
      XCTAssertEqual(d.secondsText, formatted, text)
    }
  }

  func testDurationErrors() {
    let malformed: [(String, String)] = [
      ("", "empty"), ("-", "empty"), ("1", "missing unit"), ("1x", "unknown unit 'x'"), ("s", "expected a number"),
      ("1h 2m", "unknown unit 'h '"), (".s", "expected a number"),
    ]
    for (text, reason) in malformed {
      XCTAssertThrowsError(try DurationValue(parsing: text), text) { error in
        XCTAssertEqual((error as! EvalError).message, "invalid duration '\(text)': \(reason)")
      }
    }
    for text in ["320000000000s", "-320000000000s", "2562047h47m16.854775808s", "99999999999999999999ns"] {
      XCTAssertThrowsError(try DurationValue(parsing: text), text) { error in
        let e = error as! EvalError
        XCTAssertEqual(e.kind, .outOfRange)
        XCTAssertEqual(e.message, "duration '\(text)' out of range")
      }
    }
  }
}
