import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// The policies shipped in `policies/` load without errors and pass their own tests.
final class RealPoliciesTests: XCTestCase {
  static let names = ["equipment-alerts.yaml", "equipment-leasing-price.yaml", "merchant-credit.yaml", "receivable-financing.yaml"]

  func testPolicyFolderHoldsTheFourPolicies() {
    let folder = PolicyFixtures.repositoryRoot.appendingPathComponent("policies").path
    // equipment-telemetry.yaml is a stream policy: its tests run in PolicyStreamTests.
    XCTAssertEqual(PolicyLoader.policyFiles(at: folder).map { ($0 as NSString).lastPathComponent }, (Self.names + ["equipment-telemetry.yaml"]).sorted())
  }

  func testEachPolicyLoadsWithoutDiagnosticsAndPassesItsTests() {
    for name in Self.names {
      let path = PolicyFixtures.repositoryRoot.appendingPathComponent("policies/\(name)").path
      let (policy, diagnostics) = PolicyLoader.load(path: path)
      XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "", name)
      guard let policy else { XCTFail("\(name) does not load"); continue }
      XCTAssertEqual(policy.id + ".yaml", name, "a policy file is named after its id")
      let (results, coverage) = PolicyTestRunner.run(policy)
      XCTAssertGreaterThanOrEqual(results.count, 5, "\(name) should carry its own tests")
      for r in results {
        XCTAssertEqual(r.failures, [], "\(name): test '\(r.name)' at \(r.location)")
      }
      PolicyFixtures.dump("real-coverage-" + name, "\(coverage)")
    }
  }

  /// The test runner itself: a failing expectation is reported with expected and actual values,
  /// at the line and column of the expected value.
  func testRunnerReportsMismatches() {
    let yaml = """
      policy: runner
      inputs:
        app: {amount: decimal}
      checks:
        - id: small
          require: app.amount <= 100.00
          reason: too large
      outputs:
        fee: math.round(app.amount * 0.10, 2)
      tests:
        - name: passes
          input: {app: {amount: "50.00"}}
          expect: {decision: approved, failed: [], outputs: {fee: 5}}
        - name: wrong decision and output
          input: {app: {amount: "150.00"}}
          expect: {decision: approved, outputs: {fee: "15.01"}}
        - name: wrong failed list
          input: {app: {amount: "150.00"}}
          expect: {failed: []}
        - name: bad input
          input: {app: {amount: true}}
          expect: {decision: approved}
      """
    guard let p = PolicyFixtures.compile(yaml) else { return }
    let (results, coverage) = PolicyTestRunner.run(p)
    let text = results.map { "\($0.location) \($0.name): " + ($0.passed ? "ok" : $0.failures.joined(separator: " | ")) }.joined(separator: "\n")
    PolicyFixtures.dump("runner", text)
    XCTAssertEqual(text, """
      policy.yaml:11 passes: ok
      policy.yaml:14 wrong decision and output: policy.yaml:16:24: decision: expected approved, got declined; reasons: small | policy.yaml:16:49: output fee: expected 15.01, got 15.00
      policy.yaml:17 wrong failed list: policy.yaml:19:22: failed: expected [], got [small]
      policy.yaml:20 bad input: input does not match the schema: app.amount: expected decimal, found bool true
      """)
    XCTAssertEqual(coverage.uncoveredChecks, [])
  }

  /// `check` validates tests: ids in `failed:` and `alerts:`, output names and expected output
  /// types, each at the wrong text and with "did you mean" when a name is close.
  func testCheckValidatesTestExpectations() {
    let text = PolicyFixtures.rendered("""
      policy: runner
      inputs:
        app: {amount: decimal}
      checks:
        - id: insurance-90-days
          require: app.amount <= 100.00
          reason: too large
      rules:
        - id: adjust
          when: app.amount > 50
          set: {fee: 1}
      alerts:
        - id: big-amount
          when: app.amount > 90
          message: big
      outputs:
        fee: math.round(app.amount * 0.10, 2)
      tests:
        - name: t
          input: {app: {amount: "1"}}
          expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
      """)
    XCTAssertEqual(text, """
      policy.yaml:21:43: error[policy_test_error]: test 't' expects 'insurance-90-day' to fail, but it is not a check or declining rule of the policy
         |     expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
         |                                           ^~~~~~~~~~~~~~~~
         = hint: did you mean 'insurance-90-days'?
      policy.yaml:21:61: error[policy_test_error]: test 't' expects 'adjust' to fail, but it is a rule that never declines
         |     expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
         |                                                             ^~~~~~
      policy.yaml:21:79: error[policy_test_error]: test 't' expects alert 'big-amunt', which is not an alert of the policy
         |     expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
         |                                                                               ^~~~~~~~~
         = hint: did you mean 'big-amount'?
      policy.yaml:21:101: error[policy_test_error]: test 't' expects output 'fees', which is not an output of the policy
         |     expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
         |                                                                                                     ^~~~
         = hint: did you mean 'fee'?
      policy.yaml:21:115: error[policy_test_error]: test 't' expects output 'fee' to be "x", which is not a decimal
         |     expect: {decision: declined, failed: [insurance-90-day, adjust], alerts: [big-amunt], outputs: {fees: 1, fee: "x"}}
         |                                                                                                                   ^~~
         = hint: expected decimal, found string "x"
      """)
    XCTAssertEqual(PolicyFixtures.rendered("""
      policy: runner
      tests:
        - name: t
          input: {}
          expect: {decision: aproved}
      """), """
      policy.yaml:5:24: error[policy_invalid_value]: expected decision 'aproved' must be approved, declined or error
         |     expect: {decision: aproved}
         |                        ^~~~~~~
         = hint: did you mean 'approved'?
      """)
  }
}
