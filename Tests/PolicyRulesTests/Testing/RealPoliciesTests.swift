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

  /// The test runner itself: a failing expectation is reported with expected and actual values.
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
          expect: {failed: [other]}
        - name: bad input
          input: {app: {amount: true}}
          expect: {decision: approved}
        - name: unknown output
          input: {app: {amount: "1"}}
          expect: {outputs: {nope: 1}}
      """
    guard let p = PolicyFixtures.compile(yaml) else { return }
    let (results, coverage) = PolicyTestRunner.run(p)
    let text = results.map { "\($0.location) \($0.name): " + ($0.passed ? "ok" : $0.failures.joined(separator: " | ")) }.joined(separator: "\n")
    PolicyFixtures.dump("runner", text)
    XCTAssertEqual(text, """
      policy.yaml:11 passes: ok
      policy.yaml:14 wrong decision and output: decision: expected approved, got declined; reasons: small | output fee: expected 15.01, got 15.00
      policy.yaml:17 wrong failed list: failed: expected [other], got [small]
      policy.yaml:20 bad input: input does not match the schema: app.amount: expected decimal, found bool true
      policy.yaml:23 unknown output: output 'nope' is not an output of the policy
      """)
    XCTAssertEqual(coverage.uncoveredChecks, [])
  }
}
