import PolicyExpr
import XCTest

@testable import PolicyRules

/// Lazy values (lets, tables, outputs, rule `set`s) forced from inside a comprehension or a table
/// cell leave the state of the expression that forced them alone (issue 8, part 1).
///
/// On the engine before this suite, a lazy value was evaluated in the same comprehension slots as
/// the expression that first needed it, so its own loop overwrote the enclosing loop's variable.
final class ReentrancyTests: XCTestCase {
  /// Decides `json` with a policy whose inputs are `r: {xs: list(int), ys: list(int), tags: list(string)}`
  /// and whose sections after the inputs are `body`; returns the decision in one line.
  func decide(_ body: String, _ json: String = #"{"r": {"xs": [5, 6, 7], "ys": [1, 2], "tags": ["a", "b"]}}"#,
              file: StaticString = #filePath, line: UInt = #line) -> String {
    let yaml = """
      policy: reentrancy
      inputs:
        r: {xs: list(int), ys: list(int), tags: list(string)}
      \(body)
      """
    guard let p = PolicyFixtures.compile(yaml, file: file, line: line),
      let d = PolicyFixtures.decide(p, json, file: file, line: line)
    else { return "does not compile" }
    return PolicyFixtures.summary(d)
  }

  /// The issue's reproduction: a let with a `map` forced inside `all`.
  func testLetForcedInsideAll() {
    XCTAssertEqual(decide("""
      let:
        threshold: r.ys.map(y, y * 10).size()
      outputs:
        all_above: r.xs.all(x, threshold < x)
      """), "approved; outputs: all_above=true")
  }

  /// A let with a `filter` forced inside `filter`: the outer loop's element was replaced by the
  /// let's (`["b", 6, 7]`).
  func testLetForcedInsideFilter() {
    XCTAssertEqual(decide("""
      let:
        n_tags: 'r.tags.filter(t, t != "").size()'
      outputs:
        big: r.xs.filter(x, x > n_tags)
      """), "approved; outputs: big=[5, 6, 7]")
  }

  /// A chain of lets, each with its own loop, forced inside a `map`.
  func testLetToLetChainInsideMap() {
    XCTAssertEqual(decide("""
      let:
        first: r.ys.map(y, y * 100).size()
        second: r.ys.filter(y, y > 0).size() + first
      outputs:
        shifted: r.ys.map(x, second + x)
      """, #"{"r": {"xs": [], "ys": [4, 5], "tags": []}}"#), "approved; outputs: shifted=[8, 9]")
  }

  /// A let forced inside every macro, each read before the loop's own variable (each let is
  /// computed once per decision, so each macro has its own).
  func testLetsInsideEveryMacro() {
    XCTAssertEqual(decide("""
      let:
        a1: r.ys.map(y, y).size()
        a2: r.ys.filter(y, y > 0).size()
        a3: 'r.ys.exists(y, y == 2) ? 2 : 0'
        a4: 'r.ys.all(y, y > 0) ? 2 : 0'
        a5: r.tags.map(t, t).size()
        a6: r.xs.filter(z, z > 5).size()
      outputs:
        all_of: r.xs.all(x, a1 < x)
        exists_of: r.xs.exists(x, a2 + 3 == x)
        one_of: r.xs.exists_one(x, a3 + 3 == x)
        map_of: r.xs.map(x, a4 * x)
        filter_of: r.xs.filter(x, a5 + 3 < x)
        nested: r.xs.map(x, r.ys.map(y, a6 + x * 10 + y))
      """), "approved; outputs: all_of=true, exists_of=true, one_of=true, map_of=[10, 12, 14], filter_of=[6, 7], "
        + "nested=[[53, 54], [63, 64], [73, 74]]")
  }

  /// A comprehension that holds an error in its accumulator keeps it when a forced let's own loop
  /// runs: errors are held per absolute slot, so the let's accumulator cannot clear it.
  func testAccumulatedErrorSurvivesAForcedLet() {
    XCTAssertEqual(decide("""
      let:
        ok: r.ys.all(y, y > 0)
      outputs:
        flag: r.xs.exists_one(x, 10 / (x - 5) > 100 || (x == 6 && ok && false))
      """), "error; errors: output flag: division by zero @policy.yaml:7:28")
  }

  /// A table forced inside a comprehension, the table's input having a loop of its own.
  func testTableForcedInsideAComprehension() {
    XCTAssertEqual(decide("""
      tables:
        - id: size_band
          hit: first
          inputs: ['r.ys.map(y, y).size()']
          outputs: [limit]
          rows:
            - ["< 2", 100]
            - ["-", 6]
      outputs:
        under: r.xs.filter(x, x < size_band)
      """), "approved; outputs: under=[5]")
  }

  /// A table forced inside another table's cell, and a let with a loop used in a cell: each table
  /// has its own `?` and its own comprehension slots.
  func testTableForcedInsideAnotherTablesCell() {
    XCTAssertEqual(decide("""
      let:
        count: r.tags.filter(t, t != "").size()
      tables:
        - id: inner
          hit: first
          inputs: ['r.ys.filter(y, y > 1).size()']
          outputs: [v]
          rows:
            - ['? > 0 && r.tags.exists(t, t == "b")', 6]
            - ["-", 0]
        - id: outer
          hit: collect
          inputs: ['r.xs.map(x, x).size()', 'r.xs[0]']
          outputs: [row]
          rows:
            - ['inner == 6 && ? == 3', '? == 5', 1]
            - ['r.xs.exists(x, x == ? + count + 2)', "-", 2]
            - ['inner < ?', "-", 3]
            - ["-", 'count < ? && r.ys.all(y, y < ?)', 4]
      outputs:
        rows: outer
      """), "approved; outputs: rows=[1, 2, 4]")
  }

  /// A rule's `set` with a loop that forces a let with a loop; the set value is then read inside
  /// an alert's comprehension.
  func testRuleSetReadInsideAComprehension() {
    XCTAssertEqual(decide("""
      let:
        two: r.ys.map(y, y).size()
      outputs:
        limit: 0
      rules:
        - id: raise
          when: r.xs.size() > 0
          set: {limit: 'r.xs.map(x, two + x).filter(v, v > 6).size() + 4'}
      alerts:
        - id: at_limit
          when: r.xs.exists(x, x == limit)
          message: limit ${limit}
      """), "approved; outputs: limit=7; alerts: at_limit[warning] limit 7")
  }

  /// Outputs using outputs, each with a loop, first needed by a check's loop (checks run before
  /// the outputs are listed, so the check forces the whole chain).
  func testOutputsUsingOutputs() {
    XCTAssertEqual(decide("""
      checks:
        - id: uses-outputs
          require: r.ys.map(x, sums[0] + x) == [4, 5]
          reason: sums were disturbed
      outputs:
        doubled: r.xs.map(x, x * 2)
        sums: r.ys.map(x, doubled.filter(y, y > 10).size() + x)
        last: r.xs.map(y, sums.exists(x, x == y - 2))
      """), "approved; outputs: doubled=[10, 12, 14], sums=[3, 4], last=[true, true, false]")
  }

  /// Lets and outputs give the same decision whatever order they are declared in.
  func testDeclarationOrderDoesNotMatter() {
    let forward = decide("""
      let:
        a: r.ys.map(y, y).size()
        b: r.xs.filter(x, x > a).size() + a
      outputs:
        c: r.xs.map(x, x + b)
      """)
    let backward = decide("""
      outputs:
        c: r.xs.map(x, x + b)
      let:
        b: r.xs.filter(x, x > a).size() + a
        a: r.ys.map(y, y).size()
      """)
    XCTAssertEqual(forward, "approved; outputs: c=[10, 11, 12]")
    XCTAssertEqual(backward, forward)
  }

  /// A let that would fail is not evaluated when the expression that uses it does not need it.
  func testGuardedLetIsNotEvaluated() {
    let body = """
      let:
        per_item: r.xs.size() / r.ys.size()
      checks:
        - id: spread
          require: r.ys.size() == 0 || r.xs.all(x, per_item < x)
          reason: too spread
      outputs:
        n: r.xs.size()
      """
    XCTAssertEqual(decide(body, #"{"r": {"xs": [5], "ys": [], "tags": []}}"#), "approved; outputs: n=1")
    XCTAssertEqual(decide(body, #"{"r": {"xs": [1, 6], "ys": [1], "tags": []}}"#), "declined; failed: spread (too spread); outputs: n=2")
  }
}
