import PolicyExpr
import XCTest

@testable import PolicyRules

/// Hit policies, defaults and unary-test cells of decision tables, evaluated through a policy whose
/// single output `result` is the table's value.
final class DecisionTableTests: XCTestCase {
  /// A policy with input `r.x` of `type` and one table `t` whose body (hit, outputs, rows, default)
  /// is `body`, indented four spaces under `- id: t`.
  static func policy(type: String, body: String, result: String = "t") -> String {
    let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    return """
      policy: tables
      inputs:
        r: {x: \(type)}
      constants:
        limit: 150.00
      tables:
        - id: t
          inputs: [r.x]
      \(indented)
      outputs:
        result: \(result)
      """
  }

  /// The table's value for each input value (a JSON literal), or `error: <message>`.
  func results(_ policy: CompiledPolicy, _ values: [String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
    values.map { v in
      guard let d = PolicyFixtures.decide(policy, #"{"r": {"x": \#(v)}}"#, file: file, line: line) else { return "input error" }
      if let out = d.output("result") {
        XCTAssertEqual(d.outcome, .approved, file: file, line: line)
        return out.displayText
      }
      XCTAssertEqual(d.outcome, .error, "an unevaluable output must give an error decision", file: file, line: line)
      return "error: " + (d.errors.first?.message ?? "?")
    }
  }

  struct Case {
    let name: String
    let type: String
    let body: String
    var result = "t"
    /// Input value (JSON) and the expected result.
    let expect: [(String, String)]
  }

  func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
      guard let p = PolicyFixtures.compile(Self.policy(type: c.type, body: c.body, result: c.result), file: file, line: line) else { continue }
      let actual = results(p, c.expect.map(\.0), file: file, line: line)
      for (i, (value, expected)) in c.expect.enumerated() {
        XCTAssertEqual(actual[i], expected, "\(c.name), x = \(value)", file: file, line: line)
      }
    }
  }

  func testHitPolicies() {
    run([
      Case(name: "unique", type: "decimal", body: """
        hit: unique
        outputs: [band]
        rows:
          - ["< 10", A]
          - ["[10..20)", B]
        """, expect: [("5", "A"), ("10", "B"), ("19.99", "B"),
                      ("20", "error: no row of table 't' matched and the table has no default")]),
      Case(name: "unique with two matching rows", type: "decimal", body: """
        hit: unique
        outputs: [band]
        rows:
          - ["< 10", A]
          - ["< 20", B]
          - ["< 30", C]
        """, expect: [("25", "C"), ("15", "error: rows 2, 3 of table 't' all match, but its hit policy is unique"),
                      ("5", "error: rows 1, 2, 3 of table 't' all match, but its hit policy is unique")]),
      Case(name: "first", type: "decimal", body: """
        hit: first
        outputs: [band]
        rows:
          - ["< 10", A]
          - ["< 20", B]
        default: [Z]
        """, expect: [("5", "A"), ("15", "B"), ("20", "Z")]),
      Case(name: "first is the default hit policy", type: "decimal", body: """
        outputs: [band]
        rows:
          - ["< 10", A]
          - ["< 20", B]
        """, expect: [("5", "A"), ("15", "B"), ("25", "error: no row of table 't' matched and the table has no default")]),
      Case(name: "priority", type: "decimal", body: """
        hit: priority
        outputs: [action]
        priority: [decline, review, accept]
        rows:
          - ["-", accept]
          - ["< 20", review]
          - ["< 10", decline]
        """, expect: [("5", "decline"), ("15", "review"), ("25", "accept")]),
      Case(name: "any", type: "decimal", body: """
        hit: any
        outputs: [risk]
        rows:
          - ["< 10", high]
          - ["< 20", high]
          - [">= 25", low]
          - ["[3..4]", low]
        """, expect: [("5", "high"), ("15", "high"), ("30", "low"),
                      ("3.5", "error: rows 1 and 4 of table 't' match with different outputs, but its hit policy is any"),
                      ("22", "error: no row of table 't' matched and the table has no default")]),
      Case(name: "collect", type: "decimal", body: """
        hit: collect
        outputs: [flag]
        rows:
          - ["< 10", small]
          - ["< 20", medium]
          - ["> 100", huge]
        """, expect: [("5", #"["small", "medium"]"#), ("15", #"["medium"]"#), ("50", "[]")]),
      Case(name: "rule_order", type: "decimal", body: """
        hit: rule_order
        outputs: [flag]
        rows:
          - ["-", always]
          - ["< 10", small]
        """, expect: [("5", #"["always", "small"]"#), ("50", #"["always"]"#)]),
      Case(name: "collect with two outputs", type: "decimal", body: """
        hit: collect
        outputs: [flag, {name: weight, type: decimal}]
        rows:
          - ["< 10", small, 1]
          - ["< 20", medium, 2.5]
        """, expect: [("5", #"[{flag: "small", weight: 1}, {flag: "medium", weight: 2.5}]"#)]),
      Case(name: "collect_sum", type: "decimal", body: """
        hit: collect_sum
        outputs: [{name: fee, type: decimal}]
        rows:
          - ["< 10", 1.50]
          - ["< 20", 2.25]
          - ["-",    0.25]
        """, expect: [("5", "4.00"), ("15", "2.50"), ("25", "0.25")]),
      Case(name: "collect_sum without default gives a decimal zero", type: "decimal", body: """
        hit: collect_sum
        outputs: [{name: fee, type: decimal}]
        rows:
          - ["< 10", 1.50]
        """, result: "t + 1.50", expect: [("5", "3.00"), ("25", "1.50")]),
      Case(name: "collect_sum default", type: "decimal", body: """
        hit: collect_sum
        outputs: [{name: fee, type: decimal}]
        rows:
          - ["< 10", 1.50]
        default: [0.00]
        """, expect: [("5", "1.50"), ("25", "0.00")]),
      Case(name: "collect_min", type: "decimal", body: """
        hit: collect_min
        outputs: [{name: fee, type: decimal}]
        rows:
          - ["< 10", 1.50]
          - ["< 20", 2.25]
          - ["< 30", 0.25]
        """, expect: [("5", "0.25"), ("15", "0.25"), ("40", "error: no row of table 't' matched and the table has no default")]),
      Case(name: "collect_max", type: "decimal", body: """
        hit: collect_max
        outputs: [{name: fee, type: decimal}]
        rows:
          - ["< 10", 1.50]
          - ["< 20", 2.25]
          - ["< 30", 0.25]
        default: [9.99]
        """, expect: [("5", "2.25"), ("25", "0.25"), ("40", "9.99")]),
      Case(name: "collect_count", type: "decimal", body: """
        hit: collect_count
        outputs: [flag]
        rows:
          - ["< 10", a]
          - ["< 20", b]
          - ["< 30", c]
        """, expect: [("5", "3"), ("25", "1"), ("40", "0")]),
      Case(name: "output cells", type: "decimal", body: """
        outputs: [{name: v, type: decimal}]
        rows:
          - ["< 10", =limit * 2]
          - ["< 20", =r.x + 0.005]
          - ["< 30", 7]
        default: [0.10]
        """, expect: [("5", "300.00"), ("15", "15.005"), ("25", "7"), ("35", "0.10")]),
      Case(name: "text output cells", type: "decimal", body: """
        outputs: [label]
        rows:
          - ["< 10", gold]
          - ["< 20", "silver"]
          - ["< 30", '"bronze"']
        """, expect: [("5", "gold"), ("15", "silver"), ("25", "\"bronze\"")]),
      Case(name: "two outputs read as a record", type: "decimal", body: """
        outputs: [grade, {name: multiplier, type: decimal}]
        rows:
          - ["< 10", A, 1.25]
          - ["-",    B, 1]
        """, result: "t.grade + ':' + string(t.multiplier)", expect: [("5", "A:1.25"), ("50", "B:1")]),
    ])
  }

  func testInputCells() {
    let yes = "yes", no = "no"
    func cell(_ text: String, _ type: String, _ expect: [(String, String)]) -> Case {
      Case(name: "cell \(text)", type: type, body: """
        outputs: [hit]
        rows:
          - [\(text), "yes"]
        default: ["no"]
        """, expect: expect)
    }
    run([
      cell(#""< 100""#, "decimal", [("99.99", yes), ("100", no), ("100.00", no)]),
      cell(#""<= 100""#, "decimal", [("100", yes), ("100.00", yes), ("100.01", no)]),
      cell(#""> 100""#, "decimal", [("100", no), ("100.5", yes)]),
      cell(#"">= 100""#, "decimal", [("100", yes), ("99.999", no)]),
      cell(#""!= 100""#, "decimal", [("100", no), ("100.00", no), ("101", yes)]),
      cell(#""= 100""#, "decimal", [("100.00", yes), ("100.1", no)]),
      cell("100", "decimal", [("100.00", yes), ("99", no)]),
      cell(#""< 0.02""#, "decimal", [("0.0199", yes), ("0.02", no)]),
      cell(#""[100..200]""#, "decimal", [("99.99", no), ("100", yes), ("150", yes), ("200", yes), ("200.01", no)]),
      cell(#""[100..200)""#, "decimal", [("100", yes), ("199.99", yes), ("200", no)]),
      cell(#""(100..200]""#, "decimal", [("100", no), ("100.01", yes), ("200", yes), ("200.01", no)]),
      cell(#""(100..200)""#, "decimal", [("100", no), ("150", yes), ("200", no)]),
      cell(#""[-5..-1]""#, "decimal", [("-5", yes), ("-1", yes), ("0", no), ("-5.01", no)]),
      cell(#""not(< 100)""#, "decimal", [("99", no), ("100", yes)]),
      cell(#""not([100..200])""#, "decimal", [("150", no), ("99", yes), ("201", yes)]),
      cell(#""-""#, "decimal", [("-3", yes), ("1000000", yes)]),
      cell(#""""#, "decimal", [("7", yes)]),
      cell("null", "decimal", [("7", yes)]),
      cell(#""? <= limit""#, "decimal", [("150.00", yes), ("150.01", no)]),
      cell(#"'"A"'"#, "string", [(#""A""#, yes), (#""a""#, no)]),
      cell(#"'"A", "B"'"#, "string", [(#""A""#, yes), (#""B""#, yes), (#""C""#, no)]),
      cell(#"'not("A", "B")'"#, "string", [(#""A""#, no), (#""C""#, yes)]),
      cell(#"'?.startsWith("SUP-")'"#, "string", [(#""SUP-1""#, yes), (#""X-1""#, no)]),
      cell(#""? > 3 && ? < 5""#, "int", [("3", no), ("4", yes), ("5", no)]),
      cell(#""[1..5)""#, "int", [("1", yes), ("4", yes), ("5", no)]),
      cell("3", "int", [("3", yes), ("4", no)]),
      cell(#""1, 2, 3""#, "int", [("2", yes), ("4", no)]),
      cell("true", "bool", [("true", yes), ("false", no)]),
      cell(#""[0.1..0.3]""#, "double", [("0.1", yes), ("0.3", yes), ("0.30000000000000004", no), ("0.05", no)]),
      cell("-5", "int", [("-5", yes), ("5", no)]),
      cell(#"'>= timestamp("2026-01-01T00:00:00Z")'"#, "timestamp", [(#""2026-01-01T00:00:00Z""#, yes), (#""2025-12-31T23:59:59Z""#, no)]),
      cell(#"'< duration("24h")'"#, "duration", [(#""23h59m""#, yes), (#""24h""#, no)]),
    ])
  }

  /// A cell whose test cannot be evaluated fails closed with the row and column named.
  func testCellComparisonErrorIsLocatedAtItsRowAndColumn() {
    guard let p = PolicyFixtures.compile(Self.policy(type: "dyn", body: """
      outputs: [band]
      rows:
        - ["< 10", A]
      default: [Z]
      """)) else { return }
    XCTAssertEqual(results(p, [#""abc""#, "5"]), ["error: table 't' row 1, column 1: cannot compare \"abc\" with 10", "A"])
  }

  /// `collect_max` and `collect_min` order outputs with the language's ordering: a NaN output, which
  /// cannot be ordered, fails the table instead of being skipped or kept.
  func testCollectMaxOfUnorderableOutputsIsAnError() {
    guard let p = PolicyFixtures.compile(Self.policy(type: "int", body: """
      hit: collect_max
      outputs: [{name: v, type: double}]
      rows:
        - ["-", =double("NaN")]
        - ["> 1", 1.5]
      """)) else { return }
    XCTAssertEqual(results(p, ["0", "2"]), ["nan", "error: table 't' cannot order its outputs 1.5 and nan for collect_max"])
  }
}
