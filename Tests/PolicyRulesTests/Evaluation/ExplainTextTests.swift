import PolicyExpr
import XCTest

@testable import PolicyRules

/// `--explain` reads as a person would write it: durations in days and hours, each table line
/// with the values it matched, each output with the values it was computed from.
final class ExplainTextTests: XCTestCase {
  func testDurationsReadInDaysAndHours() throws {
    let cases: [(String, String)] = [
      ("7808400s", "90d 9h"), ("15552000s", "180d"), ("5400s", "1h 30m"), ("1.5s", "1.5s"), ("0s", "0s"),
      ("-7200s", "-2h"), ("90061.25s", "1d 1h 1m 1.25s"),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(try DurationValue(parsing: text).readableText, expected, text)
      XCTAssertEqual(Value.duration(try DurationValue(parsing: text)).displayText, expected, text)
    }
  }

  func testTraceShowsTableInputsAndOutputOperands() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile("""
      policy: p
      inputs:
        app: {amount: decimal, grade: string, at: timestamp, due: timestamp}
      constants:
        rate: 0.10
      let:
        age: app.due - app.at
      checks:
        - id: long-enough
          require: age > duration("720h")
          reason: too short
      tables:
        - id: band
          inputs: [app.grade]
          outputs: [factor]
          rows:
            - ['"A"', 1.0]
            - ['"B"', 0.5]
      outputs:
        fee: app.amount * rate * band
      """))
    let d = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"app": {"amount": "1000.00", "grade": "B", "at": "2026-01-01T08:00:00Z", "due": "2026-04-01"}}"#, explain: true))
    XCTAssertEqual(d.humanText(explain: true), """
      APPROVED  p@\(policy.version.prefix(12))
        = fee: 50.00000
        trace:
          let age = 89d 16h
          check long-enough: passed  [age = 89d 16h, duration("720h") = 30d]
          table band: rows 2 (lines 18)  [app.grade = B] -> 0.5
          output fee = 50.00000  [app.amount = 1000.00, rate = 0.10, band = 0.5]
      """)
  }
}
