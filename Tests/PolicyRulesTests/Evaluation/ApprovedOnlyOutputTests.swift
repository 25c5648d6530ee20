import PolicyExpr
import XCTest

@testable import PolicyRules

/// `outputs: {fee: {value: ..., when: approved}}`: a declined decision neither computes nor
/// reports the output, and the dry-run statistics count only the decisions that have it.
final class ApprovedOnlyOutputTests: XCTestCase {
  static let yaml = """
    policy: p
    inputs:
      app: {amount: decimal}
    checks:
      - id: positive
        require: app.amount > 0
        reason: not positive
    outputs:
      amount: app.amount
      fee:
        value: math.round(app.amount * 0.0175, 2)
        when: approved
      # Would fail for a declined application: not computed then.
      per_unit:
        value: app.amount / app.amount
        when: approved
    """

  func testDeclinedDecisionHasNoApprovedOnlyOutputs() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile(Self.yaml))
    let approved = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"app": {"amount": "250000.00"}}"#))
    XCTAssertEqual(PolicyFixtures.summary(approved), "approved; outputs: amount=250000.00, fee=4375.00, per_unit=1")
    let declined = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"app": {"amount": "0"}}"#, explain: true))
    XCTAssertEqual(PolicyFixtures.summary(declined), "declined; failed: positive (not positive); outputs: amount=0")
    XCTAssertEqual(declined.trace?.outputs.map(\.name), ["amount"])
  }

  func testDryRunSummaryCountsOnlyDecisionsThatHaveTheOutput() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile(Self.yaml))
    let input = #"""
      {"app": {"amount": "250000.00"}}
      {"app": {"amount": "-250000.00"}}
      {"app": {"amount": "100.00"}}
      """#
    let summary = DryRun.run(policy, input: Array(input.utf8), format: .jsonl, options: DryRun.Options(), emit: { _ in }, problem: { _ in })
    let text = summary.render()
    XCTAssertTrue(text.contains("  fee: 1.75 / 1.75 / 1.75 / 4375.00  (n=2)"), text)
    XCTAssertFalse(text.contains("-4375.00"), text)
  }

  func testWhenOtherThanApprovedIsAnError() {
    XCTAssertEqual(PolicyFixtures.rendered("""
      policy: p
      outputs:
        fee: {value: 1, when: declined}
      """), """
      policy.yaml:3:25: error[policy_invalid_value]: when of output 'fee' must be 'approved'
         |   fee: {value: 1, when: declined}
         |                         ^~~~~~~~
         = hint: an output with when: approved is computed and reported only for approved decisions; leave when out for every decision
      """)
  }
}
