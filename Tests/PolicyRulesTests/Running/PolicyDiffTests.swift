import PolicyExpr
import XCTest

@testable import PolicyRules

/// `proviso diff`: a changed constant over the same records.
final class PolicyDiffTests: XCTestCase {
  static func policy(limit: String, rate: String) -> String {
    """
    policy: advance
    inputs:
      app: {amount: decimal, grade: string}
    constants:
      max_amount: \(limit)
      rate: \(rate)
    tables:
      - id: grade-factor
        hit: unique
        inputs: [app.grade]
        outputs: [{name: factor, type: decimal}]
        rows:
          - ['"A"', 1.00]
          - ['"B"', 0.90]
    checks:
      - id: within-limit
        require: app.amount <= max_amount
        reason: over ${max_amount}
    outputs:
      advance: math.round(app.amount * rate * grade_factor, 2)
    """
  }

  static let records: [String] = [
    #"{"app": {"amount": "50000.00", "grade": "A"}}"#,   // approved -> approved, advance 40000.00 -> 45000.00
    #"{"app": {"amount": "90000.00", "grade": "B"}}"#,   // approved -> approved, 64800.00 -> 72900.00
    #"{"app": {"amount": "120000.00", "grade": "A"}}"#,  // approved -> declined (limit 150000 -> 100000)
    #"{"app": {"amount": "100000.00", "grade": "A"}}"#,  // approved -> approved at the new limit
    #"{"app": {"amount": "200000.00", "grade": "B"}}"#,  // declined -> declined
    #"{"app": {"amount": "10.00", "grade": "C"}}"#,      // error -> error (no row of grade-factor)
    #"{"app": {"amount": true, "grade": "A"}}"#,         // bad record
  ]

  func testChangedConstantsShiftOutputsAndFlipDecisions() {
    guard let old = PolicyFixtures.compile(Self.policy(limit: "150000.00", rate: "0.80")),
      let new = PolicyFixtures.compile(Self.policy(limit: "100000.00", rate: "0.90"))
    else { return }
    let records = Self.records.enumerated().map { (line: $0.offset + 1, json: Array($0.element.utf8)) }
    let report = PolicyDiff.compare(old: old, new: new, records: records, now: nil, examples: 1)
    XCTAssertEqual(report.records, 6)
    XCTAssertEqual(report.badRecords, 1)
    XCTAssertEqual(report.transitions, ["approved -> approved": 3, "approved -> declined": 1, "declined -> declined": 1, "error -> error": 1])
    XCTAssertEqual(report.changedRecords, 5)
    XCTAssertEqual(report.newlyFailing, ["within-limit": 1])
    XCTAssertEqual(report.noLongerFailing, [:])
    XCTAssertEqual(report.tableChanges, [:])
    let shift = report.outputShifts["advance"]
    XCTAssertEqual(shift?.changed, 5)
    XCTAssertEqual(shift?.increased, 5)
    XCTAssertEqual(shift?.decreased, 0)
    // 5000 + 8100 + 12000 + 10000 + 18000 (200000.00 * 0.9 * 0.9 - 200000.00 * 0.8 * 0.9)
    XCTAssertEqual(shift?.total, .exact(DecimalNumber(parsing: "53100.00")!))
    XCTAssertEqual(report.examples.map(\.line), [1])
    let text = report.render()
    PolicyFixtures.dump("diff", text)
    XCTAssertEqual(text, """
      diff over 6 records: 5 changed (1 bad records skipped)
      decision transitions (old -> new):
        approved -> approved: 3
        approved -> declined: 1
        declined -> declined: 1
        error -> error: 1
      checks and rules causing the changes:
        now failing within-limit: 1
      numeric outputs that moved:
        advance: 5 changed (5 up, 0 down), mean shift 10620.0000
      first changed records:
        line 1:
          old: APPROVED  advance@414b8f1d94c3
                 = advance: 40000.00
          new: APPROVED  advance@885ce150d5c0
                 = advance: 45000.00
      """)
  }

  func testSamePolicyChangesNothing() {
    guard let p = PolicyFixtures.compile(Self.policy(limit: "150000.00", rate: "0.80")) else { return }
    let records = Self.records.enumerated().map { (line: $0.offset + 1, json: Array($0.element.utf8)) }
    let report = PolicyDiff.compare(old: p, new: p, records: records, now: nil)
    XCTAssertEqual(report.changedRecords, 0)
    XCTAssertEqual(report.transitions, ["approved -> approved": 4, "declined -> declined": 1, "error -> error": 1])
    XCTAssertTrue(report.outputShifts.isEmpty)
    XCTAssertTrue(report.examples.isEmpty)
  }
}
