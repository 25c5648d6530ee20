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

/// A plain `5.2%` in `constants` is the exact decimal a hundredth of it; anything else ending in
/// `%` is a located error instead of a silent string.
final class PercentConstantTests: XCTestCase {
  func testPercentConstantsAreExactDecimals() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile("""
      policy: p
      inputs:
        r: {amount: decimal}
      constants:
        interest_rate: 5.2%
        haircut: 12%
        label: "5%"
      outputs:
        interest: r.amount * interest_rate
        kept: r.amount * (1 - haircut)
        text: label
      """))
    let d = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"r": {"amount": "1000.00"}}"#))
    XCTAssertEqual(PolicyFixtures.summary(d), "approved; outputs: interest=52.00000, kept=880.0000, text=5%")
  }

  func testAMalformedPercentIsALocatedError() {
    XCTAssertEqual(PolicyFixtures.rendered("""
      policy: p
      constants:
        rate: 5,2%
      """), """
      policy.yaml:3:9: error[policy_invalid_value]: constant 'rate' '5,2%' is not a percentage
         |   rate: 5,2%
         |         ^~~~
         = hint: write a percentage as a number followed by %, such as 5.2% (the decimal 0.052), or quote it for a string
      """)
  }
}
