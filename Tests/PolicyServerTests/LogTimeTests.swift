import XCTest
@testable import PolicyServer

final class LogTimeTests: XCTestCase {
  func testFormatsAndParsesRoundTrip() {
    let cases: [(Int64, String)] = [
      (0, "1970-01-01T00:00:00.000000Z"),
      (1_795_846_533_123_456, "2026-11-28T06:15:33.123456Z"),
      (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
      (-1, "1969-12-31T23:59:59.999999Z"),
    ]
    for (micros, text) in cases {
      XCTAssertEqual(LogTime.format(micros: micros), text)
      XCTAssertEqual(LogTime.parse(text), micros)
    }
  }

  func testParsesOffsetsShortFractionsAndDates() {
    XCTAssertEqual(LogTime.parse("2026-11-28T07:15:33.5+01:00"), LogTime.parse("2026-11-28T06:15:33.500000Z"))
    XCTAssertEqual(LogTime.parse("2026-11-28"), LogTime.parse("2026-11-28T00:00:00Z"))
    for bad in ["", "2026-13-01", "2026-11-28T25:00:00Z", "2026-11-28T06:15:33", "2026-11-28T06:15:33.Z", "yesterday"] {
      XCTAssertNil(LogTime.parse(bad), bad)
    }
  }
}
