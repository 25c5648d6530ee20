import XCTest

@testable import PolicyExpr

final class JSONTimestampTests: XCTestCase {
  func testParseTimestamps() {
    let cases: [(String, Timestamp?)] = [
      ("1970-01-01T00:00:00Z", Timestamp(seconds: 0)),
      ("2009-02-13T23:31:30Z", Timestamp(seconds: 1_234_567_890)),
      ("2009-02-13t23:31:30z", Timestamp(seconds: 1_234_567_890)),
      ("2009-02-14T00:31:30+01:00", Timestamp(seconds: 1_234_567_890)),
      ("2009-02-13T22:01:30-01:30", Timestamp(seconds: 1_234_567_890)),
      ("2026-12-31T00:00:00.5Z", Timestamp(seconds: 1_798_675_200, nanos: 500_000_000)),
      ("2026-12-31T00:00:00.123456789Z", Timestamp(seconds: 1_798_675_200, nanos: 123_456_789)),
      ("0001-01-01T00:00:00Z", Timestamp(seconds: Timestamp.minSeconds)),
      ("9999-12-31T23:59:59.999999999Z", Timestamp(seconds: Timestamp.maxSeconds, nanos: 999_999_999)),
      ("2024-02-29T00:00:00Z", Timestamp(seconds: 1_709_164_800)),
      ("1969-12-31T23:59:59Z", Timestamp(seconds: -1)),
      ("2023-02-29T00:00:00Z", nil),
      ("2026-13-01T00:00:00Z", nil),
      ("2026-12-31T24:00:00Z", nil),
      ("2026-12-31T23:59:60Z", nil),
      ("2026-12-31T00:00:00", nil),
      ("2026-12-31T00:00:00.Z", nil),
      ("2026-12-31T00:00:00.1234567891Z", nil),
      ("2026-12-31 00:00:00Z", nil),
      ("2026-12-31T00:00:00+0100", nil),
      ("0000-12-31T23:59:59Z", nil),
      ("0001-01-01T00:00:00+00:01", nil),
      // A date alone is its midnight in UTC; a malformed one is still refused.
      ("2026-12-31", Timestamp(seconds: 1_798_675_200)),
      ("2026-02-29", nil),
      ("2026-12-3", nil),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(JSONTimestamp.parse(text), expected, text)
    }
  }

  func testFormatRoundTripsAcrossTheRange() {
    var seconds = Timestamp.minSeconds
    while seconds <= Timestamp.maxSeconds {
      let t = Timestamp(seconds: seconds, nanos: Int32(seconds.magnitude % 1_000_000_000))
      XCTAssertEqual(JSONTimestamp.parse(JSONTimestamp.format(t)), t)
      seconds += 9_876_543_211
    }
    XCTAssertEqual(JSONTimestamp.format(Timestamp(seconds: 0, nanos: 120_000_000), fraction: .protobuf), "1970-01-01T00:00:00.120Z")
    XCTAssertEqual(JSONTimestamp.format(Timestamp(seconds: 0, nanos: 120_000_000), fraction: .trimmed), "1970-01-01T00:00:00.12Z")
    XCTAssertEqual(JSONTimestamp.format(Timestamp(seconds: 0, nanos: 1_000), fraction: .protobuf), "1970-01-01T00:00:00.000001Z")
  }
}
