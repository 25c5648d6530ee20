import PolicyExpr
import XCTest

@testable import PolicyRules

/// Load-time warnings about tables: unreachable rows under `first`, overlapping rows under
/// `unique`, and no warning for rows that cannot collide.
final class TableAnalysisTests: XCTestCase {
  struct Case {
    let name: String
    let type: String
    let body: String
    let expected: String
  }

  func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
      let (policy, diagnostics) = PolicyFixtures.load(DecisionTableTests.policy(type: c.type, body: c.body))
      XCTAssertNotNil(policy, "\(c.name): warnings must not stop the policy from loading", file: file, line: line)
      XCTAssertFalse(diagnostics.hasErrors, "\(c.name)", file: file, line: line)
      let text = DiagnosticRenderer().render(diagnostics)
      PolicyFixtures.dump("analysis-" + c.name, text)
      XCTAssertEqual(text, c.expected, "case '\(c.name)'", file: file, line: line)
    }
  }

  func testWarnings() {
    run([
      Case(name: "first shadowed by a wider row", type: "decimal", body: """
        hit: first
        outputs: [band]
        rows:
          - [">= 10", A]
          - ["[20..30]", B]
          - ["-", C]
        """, expected: """
        policy.yaml:13:9: warning[policy_unreachable_row]: row 2 of table 't' can never match: row 1 above it matches everything it does
           |       - ["[20..30]", B]
           |         ^~~~~~~~~~~~~~~
           = hint: row 1 is on line 12; reorder or remove one
        """),
      Case(name: "first shadowed by a catch-all", type: "decimal", body: """
        hit: first
        outputs: [band]
        rows:
          - ["-", A]
          - ["< 10", B]
        """, expected: """
        policy.yaml:13:9: warning[policy_unreachable_row]: row 2 of table 't' can never match: row 1 above it matches everything it does
           |       - ["< 10", B]
           |         ^~~~~~~~~~~
           = hint: row 1 is on line 12; reorder or remove one
        """),
      Case(name: "first shadowed list", type: "string", body: """
        hit: first
        outputs: [band]
        rows:
          - ['"A", "B"', X]
          - ['"B"', Y]
        """, expected: """
        policy.yaml:13:9: warning[policy_unreachable_row]: row 2 of table 't' can never match: row 1 above it matches everything it does
           |       - ['"B"', Y]
           |         ^~~~~~~~~~
           = hint: row 1 is on line 12; reorder or remove one
        """),
      Case(name: "unique overlap at a shared bound", type: "decimal", body: """
        hit: unique
        outputs: [band]
        rows:
          - ["[0..10]", A]
          - ["[10..20]", B]
        """, expected: """
        policy.yaml:13:9: warning[policy_overlapping_rows]: rows 1 and 2 of table 't' overlap, but its hit policy is unique
           |       - ["[10..20]", B]
           |         ^~~~~~~~~~~~~~~
           = hint: row 1 is on line 12
        """),
      Case(name: "unique overlapping lists", type: "string", body: """
        hit: unique
        outputs: [band]
        rows:
          - ['"A", "B"', X]
          - ['"C"', Y]
          - ['"B", "D"', Z]
        """, expected: """
        policy.yaml:14:9: warning[policy_overlapping_rows]: rows 1 and 3 of table 't' overlap, but its hit policy is unique
           |       - ['"B", "D"', Z]
           |         ^~~~~~~~~~~~~~~
           = hint: row 1 is on line 12
        """),
    ])
  }

  func testNoFalseWarnings() {
    run([
      Case(name: "first with growing bands", type: "decimal", body: """
        hit: first
        outputs: [band]
        rows:
          - ["< 10", A]
          - ["< 20", B]
          - ["-", C]
        """, expected: ""),
      Case(name: "first narrower row first", type: "decimal", body: """
        hit: first
        outputs: [band]
        rows:
          - ["[20..30]", A]
          - [">= 10", B]
        """, expected: ""),
      Case(name: "unique half-open bands", type: "decimal", body: """
        hit: unique
        outputs: [band]
        rows:
          - ["< 0", N]
          - ["[0..10)", A]
          - ["[10..20)", B]
          - [">= 20", C]
        """, expected: ""),
      Case(name: "unique open and closed ends", type: "decimal", body: """
        hit: unique
        outputs: [band]
        rows:
          - ["<= 10", A]
          - ["(10..20]", B]
          - ["> 20", C]
        """, expected: ""),
      Case(name: "unique disjoint strings", type: "string", body: """
        hit: unique
        outputs: [band]
        rows:
          - ['"excavator"', 1]
          - ['"crane"', 2]
          - ['"loader", "dozer"', 3]
        """, expected: ""),
      Case(name: "collect may overlap", type: "decimal", body: """
        hit: collect
        outputs: [band]
        rows:
          - ["-", A]
          - ["< 10", B]
        """, expected: ""),
    ])
  }
}
