import PolicyExpr
import XCTest

@testable import PolicyRules

/// What a let, table or output depends on comes from its parsed expressions and parsed cells, not
/// from text that looks like a name, and not from the order of declaration (issue 8, part 3).
final class DependencyOrderTests: XCTestCase {
  static let header = """
    policy: deps
    inputs:
      r: {x: int, xs: list(int)}

    """

  /// Decides `{"r": {"x": x, "xs": [1, 2, 3]}}` for each `x`; returns the decisions in one line each.
  func decisions(_ body: String, _ xs: [Int], file: StaticString = #filePath, line: UInt = #line) -> [String] {
    guard let p = PolicyFixtures.compile(Self.header + body, file: file, line: line) else { return ["does not compile"] }
    return xs.map { x in
      PolicyFixtures.decide(p, #"{"r": {"x": \#(x), "xs": [1, 2, 3]}}"#, file: file, line: line).map(PolicyFixtures.summary) ?? "input error"
    }
  }

  /// A cell `? > pick` where `pick` is a let declared after the table (and after a let that
  /// needs the table, so the table is compiled first).
  func testCellUsingALetDeclaredAfterTheTable() {
    XCTAssertEqual(decisions("""
      let:
        label: t
        pick: 5 * 2
      tables:
        - id: t
          hit: first
          inputs: [r.x]
          outputs: [grade]
          rows:
            - ['? > pick', high]
            - ["-", low]
      outputs:
        grade: label
      """, [11, 3]), ["approved; outputs: grade=high", "approved; outputs: grade=low"])
  }

  /// A cell using a table declared after its own table, and an `=` output cell using a later let.
  func testCellsUsingLaterTablesAndLets() {
    XCTAssertEqual(decisions("""
      tables:
        - id: first_table
          hit: first
          inputs: [r.x]
          outputs: [v]
          rows:
            - ['? > second_table', =base * 2]
            - ["-", 0]
        - id: second_table
          hit: first
          inputs: [r.x]
          outputs: [v]
          rows:
            - ["-", 4]
      let:
        base: r.xs.size()
      outputs:
        v: first_table
      """, [5, 4]), ["approved; outputs: v=6", "approved; outputs: v=0"])
  }

  /// A plain text output cell whose text is a let's name is a string, not a reference: no cycle.
  func testTextCellNamedLikeALetIsNoReference() {
    XCTAssertEqual(decisions("""
      tables:
        - id: band
          hit: first
          inputs: [r.x]
          outputs: [level]
          rows:
            - ["< 10", low]
            - ["-", high]
      let:
        low: 'band == "low"'
      outputs:
        is_low: low
      """, [3, 30]), ["approved; outputs: is_low=true", "approved; outputs: is_low=false"])
  }

  /// A comprehension variable named like a let refers to the loop's element, not to the let.
  func testComprehensionVariableNamedLikeALetIsNoReference() {
    XCTAssertEqual(decisions("""
      let:
        x: r.xs.exists(x, x > 2)
        y: r.xs.map(y, y + r.x)
      outputs:
        any_big: x
        shifted: y
      """, [1]), ["approved; outputs: any_big=true, shifted=[2, 3, 4]"])
  }

  /// The same values declared in opposite orders give the same diagnostics and decisions.
  func testDeclarationOrderDoesNotChangeTheResult() {
    let table = "tables:\n  - id: t\n    hit: first\n    inputs: [r.x]\n    outputs: [rate]\n    rows:\n      - ['? < limit_floor', 2]\n      - [\"-\", 3]\n"
    let forward = decisions("let:\n  rate: t\n  limit: 'rate * 10'\n" + table + "outputs:\n  limit_floor: r.xs.size()\n  result: limit\n", [1, 5])
    let backward = decisions("outputs:\n  result: limit\n  limit_floor: r.xs.size()\n" + table + "let:\n  limit: 'rate * 10'\n  rate: t\n", [1, 5])
    XCTAssertEqual(forward, ["approved; outputs: limit_floor=3, result=20", "approved; outputs: limit_floor=3, result=30"])
    XCTAssertEqual(backward, forward)
  }

  /// Every output cell is checked against its column's declared type at load, with its location.
  func testOutputCellsAreCheckedAgainstTheColumnType() {
    let rendered = PolicyFixtures.rendered(Self.header + """
      tables:
        - id: t
          hit: first
          inputs: [r.x]
          outputs: [{name: n, type: int}, {name: ok, type: bool}]
          rows:
            - ["< 10", '"abc"', true]
            - ["< 20", abc, 'yes']
            - ["< 30", =string(r.x), =r.x > 1]
            - ["-", 5, false]
          default: [oops, false]
      outputs:
        n: t.n
      """)
    XCTAssertEqual(rendered, """
      policy.yaml:10:18: error[policy_table_error]: output cell '"abc"' of table 't' is a string, but column 'n' is int
         |       - ["< 10", '"abc"', true]
         |                  ^~~~~~~
      policy.yaml:11:18: error[policy_table_error]: output cell 'abc' of table 't' is a string, but column 'n' is int
         |       - ["< 20", abc, 'yes']
         |                  ^~~
      policy.yaml:11:23: error[policy_table_error]: output cell 'yes' of table 't' is a string, but column 'ok' is bool
         |       - ["< 20", abc, 'yes']
         |                       ^~~~~
      policy.yaml:12:18: error[policy_table_error]: output cell '=string(r.x)' of table 't' is a string, but column 'n' is int
         |       - ["< 30", =string(r.x), =r.x > 1]
         |                  ^~~~~~~~~~~~
      policy.yaml:14:15: error[policy_table_error]: default 'oops' of table 't' is a string, but column 'n' is int
         |     default: [oops, false]
         |               ^~~~
      """)
  }

  /// `?` is a table's own hidden variable: outside its cells the name `_` refers to nothing.
  func testTheCellVariableIsNotVisibleOutsideCells() {
    XCTAssertEqual(PolicyFixtures.rendered(Self.header + """
      tables:
        - id: t
          hit: first
          inputs: [r.x]
          outputs: [v]
          rows:
            - ['? > 1', 1]
            - ["-", =_]
      outputs:
        leak: _ == 1
      """), """
      policy.yaml:11:16: error[expr_check_error]: undeclared reference to '_'
         |       - ["-", =_]
         |                ^
         = hint: did you mean 'r'?
      policy.yaml:13:9: error[expr_check_error]: undeclared reference to '_'
         |   leak: _ == 1
         |         ^
         = hint: did you mean 'r'?
      """)
  }
}
