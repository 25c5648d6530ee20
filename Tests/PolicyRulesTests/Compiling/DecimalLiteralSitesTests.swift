import PolicyExpr
import XCTest

@testable import PolicyRules

/// Number literals outside expressions proper (a rule's `set` of a decimal output, a table cell
/// beside a decimal column) follow the one literal grammar of ``DecimalNumber/init(literal:)``.
final class DecimalLiteralSitesTests: XCTestCase {
  func testSetOfADecimalOutputTakesTheLiteralExactly() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile("""
      policy: p
      inputs:
        r: {amount: decimal}
      outputs:
        rate: r.amount * 0.10
      rules:
        - id: small
          when: r.amount < 100
          set: {rate: .5}
      """))
    let d = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"r": {"amount": "50"}}"#))
    XCTAssertEqual(PolicyFixtures.summary(d), "approved; outputs: rate=0.5")
  }

  func testCellLiteralBeyondThirtyEightDigitsIsALoadError() {
    let digits = "1." + String(repeating: "0", count: 38)  // 39 significant digits, all places
    let (policy, diagnostics) = PolicyFixtures.load("""
      policy: p
      inputs:
        r: {amount: decimal}
      tables:
        - id: band
          inputs: [r.amount]
          outputs: [{name: label, type: string}]
          rows:
            - ["< \(digits)", '"low"']
            - ["-", '"high"']
      outputs:
        label: band
      """)
    XCTAssertNil(policy)
    let text = DiagnosticRenderer().render(diagnostics)
    XCTAssertTrue(text.contains("error[policy_table_error]: number literal '\(digits)' needs 39 digits"), text)
  }
}
