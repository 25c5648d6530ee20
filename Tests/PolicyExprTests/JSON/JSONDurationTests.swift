import XCTest

@testable import PolicyExpr

final class JSONDurationTests: XCTestCase {
  func testParseDurations() {
    let cases: [(String, DurationValue?)] = [
      ("3.5s", DurationValue(seconds: 3, nanos: 500_000_000)),
      ("-3.5s", DurationValue(seconds: -3, nanos: -500_000_000)),
      ("0", DurationValue(seconds: 0)),
      ("0s", DurationValue(seconds: 0)),
      ("123.321456789s", DurationValue(seconds: 123, nanos: 321_456_789)),
      ("1h30m", DurationValue(seconds: 5400)),
      ("1.5h", DurationValue(seconds: 5400)),
      ("100ms", DurationValue(seconds: 0, nanos: 100_000_000)),
      ("2us", DurationValue(seconds: 0, nanos: 2_000)),
      ("2µs", DurationValue(seconds: 0, nanos: 2_000)),
      ("7ns", DurationValue(seconds: 0, nanos: 7)),
      ("1m0.5s", DurationValue(seconds: 60, nanos: 500_000_000)),
      ("315576000000s", DurationValue(seconds: 315_576_000_000)),
      ("-315576000000s", DurationValue(seconds: -315_576_000_000)),
      ("315576000001s", nil),
      ("87660000h", DurationValue(seconds: 315_576_000_000)),
      ("87660001h", nil),
      ("18446744073709551615ns", DurationValue(seconds: 18_446_744_073, nanos: 709_551_615)),
      ("18446744073709551616ns", nil),
      ("5", nil),
      ("s", nil),
      (".s", nil),
      ("1d", nil),
      ("", nil),
      ("-", nil),
      ("1.5", nil),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(JSONDuration.parse(text), expected, text)
    }
    XCTAssertEqual(JSONDuration.format(DurationValue(seconds: 1, nanos: 500_000_000), fraction: .protobuf), "1.500s")
    XCTAssertEqual(JSONDuration.format(DurationValue(seconds: -1, nanos: -500_000_000)), "-1.5s")
  }
}
