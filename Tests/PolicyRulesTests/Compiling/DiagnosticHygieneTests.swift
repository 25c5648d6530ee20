import PolicyExpr
import XCTest

@testable import PolicyRules

/// One error per mistake, and no internal names (`*error*`, `input.<field>`, a table's hidden
/// `?<id>#<slot>` or `_`) in any message or hint.
final class DiagnosticHygieneTests: XCTestCase {
  static let header = """
    policy: p
    inputs:
      receipt: {amount: decimal, rate: double, grade: string, at: timestamp, debtor: {name: string, score: int}}
    constants:
      limit: 100.00

    """

  /// Broken policies, each with one or more mistakes of the kinds authors make.
  static let corpus: [String] = [
    "let:\n  bad: receipt.amount * receipt.rate\nchecks:\n  - id: x\n    require: bad > 0\n    reason: r\n",
    "let:\n  bad: receipt.amuont\noutputs:\n  o: bad + 1\n  p: o * 2\n",
    "checks:\n  - id: x\n    require: receipt.debtor.scor > 600\n    reason: r\n",
    "checks:\n  - id: x\n    require: receipt.amount + \"a\"\n    reason: r\n",
    "checks:\n  - id: x\n    require: receipt.amount\n    reason: r\n",
    "checks:\n  - id: x\n    require: undefinedThing > 1\n    when: alsoUndefined\n    reason: ${nothing}\n",
    "tables:\n  - id: t\n    inputs: [receipt.grade]\n    outputs: [f]\n    rows:\n      - [A, 1]\n      - [B, 2]\n      - [\"-\", 3]\noutputs:\n  f2: t\n",
    "tables:\n  - id: t\n    inputs: [receipt.grade, receipt.amount]\n    outputs: [f]\n    rows:\n      - [\"? == x\", \"< limt\", 1]\n      - [\"-\", \"-\", 2]\noutputs:\n  g: t\n",
    "tables:\n  - id: t\n    inputs: [receipt.amount * receipt.rate]\n    outputs: [f]\n    rows:\n      - [\"< 1\", 1]\noutputs:\n  g: t + 1\n",
    "outputs:\n  a: receipt.items.map(x, x * 2)\n  b: a.size() > 0\n",
    "rules:\n  - id: r\n    when: receipt.amount > receipt.rate\n    set: {fee: 1}\noutputs:\n  fee: receipt.amount * 0.01\n",
    "outputs:\n  a: \"[1, 2].all(x, x + receipt.rate > 1)\"\n  b: a && receipt.at > 3\n",
    "outputs:\n  a: math.rond(receipt.amount, 2)\n  b: a * 2\n",
  ]

  func testNoMessageNamesAnInternal() {
    var all: [String] = []
    for body in Self.corpus {
      let (policy, diagnostics) = PolicyFixtures.load(Self.header + body)
      XCTAssertNil(policy, body)
      XCTAssertFalse(diagnostics.contains { $0.code.rawValue.hasPrefix("yaml_") }, "the corpus is valid YAML: \(body)")
      XCTAssertTrue(diagnostics.hasErrors, body)
      let text = DiagnosticRenderer().render(diagnostics)
      all.append(text)
      for d in diagnostics {
        let said = d.message + " " + (d.hint ?? "")
        for forbidden in ["*error*", "input.", "'_'", "?t#", "#"] {
          XCTAssertFalse(said.contains(forbidden), "'\(forbidden)' in: \(said)\n--- policy:\n\(body)")
        }
      }
    }
    PolicyFixtures.dump("hygiene", all.joined(separator: "\n\n"))
  }

  /// A `let` that fails to check is reported once: its users add nothing.
  func testAFailedLetIsReportedOnce() {
    XCTAssertEqual(PolicyFixtures.rendered(Self.header + Self.corpus[0]), """
      policy.yaml:7:8: error[expr_check_error]: found no matching overload for '_*_' applied to '(decimal, double)'
         |   bad: receipt.amount * receipt.rate
         |        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = hint: money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal
      """)
    XCTAssertEqual(PolicyFixtures.rendered(Self.header + Self.corpus[1]), """
      policy.yaml:7:8: error[expr_check_error]: undefined field 'amuont' of 'receipt'
         |   bad: receipt.amuont
         |        ^~~~~~~~~~~~~~
         = hint: did you mean 'amount'?
      """)
  }

  /// Every part of a check is checked: a mistake in `require` does not hide one in `when`.
  func testEveryPartOfACheckIsChecked() {
    let text = PolicyFixtures.rendered(Self.header + Self.corpus[5])
    XCTAssertTrue(text.contains("undeclared reference to 'undefinedThing'"), text)
    XCTAssertTrue(text.contains("undeclared reference to 'alsoUndefined'"), text)
    XCTAssertTrue(text.contains("undeclared reference to 'nothing'"), text)
  }

  /// An unquoted string cell says to quote it, never "did you mean '_'?".
  func testUnquotedStringCellSaysToQuoteIt() {
    XCTAssertEqual(PolicyFixtures.rendered(Self.header + Self.corpus[6]), """
      policy.yaml:11:10: error[policy_table_error]: undeclared reference to 'A' in a table cell
         |       - [A, 1]
         |          ^
         = hint: a string in a cell keeps its double quotes: write '"A"' (with the single quotes, in YAML)
      policy.yaml:12:10: error[policy_table_error]: undeclared reference to 'B' in a table cell
         |       - [B, 2]
         |          ^
         = hint: a string in a cell keeps its double quotes: write '"B"' (with the single quotes, in YAML)
      """)
  }
}
