import PolicyExpr
import XCTest

@testable import PolicyRules

/// Load errors of malformed policies, compared as the exact text `proviso check` prints.
final class PolicyDecoderDiagnosticsTests: XCTestCase {
  struct Case {
    let name: String
    let yaml: String
    let expected: String
  }

  /// Checks each case: the policy must not load, and the rendered diagnostics must match exactly.
  func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
      let (policy, diagnostics) = PolicyFixtures.load(c.yaml)
      let text = DiagnosticRenderer().render(diagnostics)
      PolicyFixtures.dump("decoder-" + c.name, text)
      XCTAssertNil(policy, "\(c.name): the policy should not load", file: file, line: line)
      XCTAssertEqual(text, c.expected, "case '\(c.name)'", file: file, line: line)
    }
  }

  func testUnknownKeysSuggestTheClosestKey() {
    run([
      Case(name: "top level", yaml: """
        policy: p
        chekcs: []
        """, expected: """
        policy.yaml:2:1: error[policy_unknown_key]: unknown key 'chekcs' in policy
           | chekcs: []
           | ^~~~~~
           = hint: did you mean 'checks'?
        """),
      Case(name: "inside a check", yaml: """
        policy: p
        checks:
          - id: c1
            requir: true
            reason: no
        """, expected: """
        policy.yaml:3:5: error[policy_missing_key]: check is missing required key 'require'
           |   - id: c1
           |     ^
        policy.yaml:4:5: error[policy_unknown_key]: unknown key 'requir' in check
           |     requir: true
           |     ^~~~~~
           = hint: did you mean 'require'?
        """),
      Case(name: "inside a table", yaml: """
        policy: p
        inputs:
          r: {n: int}
        tables:
          - id: t
            hitt: first
            inputs: [r.n]
            outputs: [x]
            rows:
              - ["-", 1]
        """, expected: """
        policy.yaml:6:5: error[policy_unknown_key]: unknown key 'hitt' in table
           |     hitt: first
           |     ^~~~
           = hint: did you mean 'hit'?
        """),
      Case(name: "inside a rule", yaml: """
        policy: p
        outputs:
          x: 1
        rules:
          - id: r1
            whem: true
            set: {x: 2}
        """, expected: """
        policy.yaml:5:5: error[policy_missing_key]: rule is missing required key 'when'
           |   - id: r1
           |     ^
        policy.yaml:6:5: error[policy_unknown_key]: unknown key 'whem' in rule
           |     whem: true
           |     ^~~~
           = hint: did you mean 'when'?
        """),
      Case(name: "inside an alert", yaml: """
        policy: p
        alerts:
          - id: a1
            when: true
            mesage: hello
        """, expected: """
        policy.yaml:3:5: error[policy_missing_key]: alert is missing required key 'message'
           |   - id: a1
           |     ^
        policy.yaml:5:5: error[policy_unknown_key]: unknown key 'mesage' in alert
           |     mesage: hello
           |     ^~~~~~
           = hint: did you mean 'message'?
        """),
    ])
  }

  func testMissingRequiredKeys() {
    run([
      Case(name: "no policy id", yaml: """
        description: a policy without its id
        """, expected: """
        policy.yaml:1:1: error[policy_missing_key]: policy is missing required key 'policy'
           | description: a policy without its id
           | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        """),
      Case(name: "check without reason", yaml: """
        policy: p
        checks:
          - id: c1
            require: true
        """, expected: """
        policy.yaml:3:5: error[policy_missing_key]: check is missing required key 'reason'
           |   - id: c1
           |     ^
        """),
    ])
  }

  func testDuplicateIDsAndNames() {
    run([
      Case(name: "duplicate check", yaml: """
        policy: p
        checks:
          - id: c1
            require: true
            reason: one
          - id: c1
            require: false
            reason: two
        """, expected: """
        policy.yaml:6:9: error[policy_duplicate_id]: duplicate check id 'c1'
           |   - id: c1
           |         ^~
           = hint: the first is on line 3
        """),
      Case(name: "duplicate test", yaml: """
        policy: p
        tests:
          - name: same
            input: {}
            expect: {decision: approved}
          - name: same
            input: {}
            expect: {decision: approved}
        """, expected: """
        policy.yaml:6:11: error[policy_duplicate_id]: duplicate test id 'same'
           |   - name: same
           |           ^~~~
           = hint: the first is on line 3
        """),
      Case(name: "let named like an input", yaml: """
        policy: p
        inputs:
          r: {n: int}
        let:
          r: 1
        """, expected: """
        policy.yaml:5:3: error[policy_duplicate_id]: let 'r' has the same name as the input on line 3
           |   r: 1
           |   ^
        """),
    ])
  }

  func testWrongShapes() {
    run([
      Case(name: "check is a string", yaml: """
        policy: p
        checks:
          - r.amount > 0
        """, expected: """
        policy.yaml:3:5: error[policy_invalid_value]: check must be a mapping, found a scalar
           |   - r.amount > 0
           |     ^~~~~~~~~~~~
        """),
      Case(name: "id read as a number", yaml: """
        policy: p
        checks:
          - id: 007
            require: true
            reason: no
        """, expected: """
        policy.yaml:3:9: error[policy_invalid_value]: check id '007' is read as a number
           |   - id: 007
           |         ^~~
           = hint: quote it: "007"
        """),
      Case(name: "checks is a mapping", yaml: """
        policy: p
        checks:
          c1: true
        """, expected: """
        policy.yaml:3:3: error[policy_invalid_value]: checks must be a list, found a mapping
           |   c1: true
           |   ^~~~~~~~
           = hint: start each entry with '- '
        """),
    ])
  }

  func testInvalidTypesAndHitPolicies() {
    run([
      Case(name: "decimel", yaml: """
        policy: p
        inputs:
          r: {amount: decimel}
        """, expected: """
        policy.yaml:3:15: error[policy_invalid_type]: unknown type 'decimel' for inputs.r.amount
           |   r: {amount: decimel}
           |               ^~~~~~~
           = hint: did you mean 'decimal'?
        """),
      Case(name: "unknown hit policy", yaml: """
        policy: p
        inputs:
          r: {n: int}
        tables:
          - id: t
            hit: frst
            inputs: [r.n]
            outputs: [x]
            rows: [["-", 1]]
        """, expected: """
        policy.yaml:6:10: error[policy_invalid_value]: unknown hit policy 'frst'
           |     hit: frst
           |          ^~~~
           = hint: did you mean 'first'?
        """),
      Case(name: "wrong row width", yaml: """
        policy: p
        inputs:
          r: {n: int}
        tables:
          - id: t
            inputs: [r.n]
            outputs: [x]
            rows:
              - ["-", 1]
              - ["< 3", 1, 2]
        """, expected: """
        policy.yaml:10:9: error[policy_table_error]: row of table 't' has 3 cells, expected 2 (1 inputs + 1 outputs)
           |       - ["< 3", 1, 2]
           |         ^~~~~~~~~~~~~
        """),
    ])
  }

  func testLetCycleIsReportedOnceNamingTheCycle() {
    run([
      Case(name: "let cycle", yaml: """
        policy: p
        let:
          a: b + 1
          b: a * 2
        outputs:
          total: a
        """, expected: """
        policy.yaml:3:3: error[policy_let_cycle]: values depend on each other in a cycle: a -> b -> a
           |   a: b + 1
           |   ^
           = hint: break the cycle by computing one of them from inputs only
        """)
    ])
  }

  func testExpressionErrorsPointIntoTheYAMLFile() {
    run([
      Case(name: "expression cell type error", yaml: """
        policy: p
        inputs:
          r: {amount: decimal, grade: string}
        tables:
          - id: t
            inputs: [r.amount]
            outputs: [x]
            rows:
              - ["? > r.grade + 1", 1]
        """, expected: """
        policy.yaml:9:15: error[expr_check_error]: found no matching overload for '_+_' applied to '(string, int)'
           |       - ["? > r.grade + 1", 1]
           |               ^~~~~~~~~~~
        """),
      Case(name: "block expression second line", yaml: """
        policy: p
        inputs:
          r: {amount: decimal, grade: string}
        checks:
          - id: c1
            require: |
              r.amount > 0.00 &&
                r.grade > 3
            reason: no
        """, expected: """
        policy.yaml:8:9: error[expr_check_error]: found no matching overload for '_>_' applied to '(string, int)'
           |         r.grade > 3
           |         ^~~~~~~~~~~
        """),
      Case(name: "tag on an expression", yaml: """
        policy: p
        inputs:
          receivable: {financed: bool}
        checks:
          - id: not-financed
            require: !receivable.financed
            reason: already financed
        """, expected: """
        policy.yaml:6:14: error[yaml_tag_in_scalar]: '!receivable.financed' is read as a YAML tag, not as the expression
           |     require: !receivable.financed
           |              ^~~~~~~~~~~~~~~~~~~~
           = hint: quote the expression: "!receivable.financed"
        """),
      Case(name: "require not bool", yaml: """
        policy: p
        inputs:
          r: {amount: decimal}
        checks:
          - id: c1
            require: r.amount + 1
            reason: no
        """, expected: """
        policy.yaml:6:14: error[policy_expression_type]: require of check 'c1' must be bool, found 'decimal'
           |     require: r.amount + 1
           |              ^~~~~~~~~~~~
        """),
      Case(name: "unknown field", yaml: """
        policy: p
        inputs:
          r: {amount: decimal}
        outputs:
          x: r.amuont * 2
        """, expected: """
        policy.yaml:5:6: error[expr_check_error]: undefined field 'amuont' of 'r'
           |   x: r.amuont * 2
           |      ^~~~~~~~
           = hint: did you mean 'amount'?
        """),
    ])
  }

  /// The duplicate-id error of a table comes first; whether a second, redundant name-clash error
  /// follows is tracked in `KnownEngineBugsTests`.
  func testDuplicateTableIDIsReported() {
    let (policy, diagnostics) = PolicyFixtures.load("""
      policy: p
      inputs:
        r: {n: int}
      tables:
        - id: band
          inputs: [r.n]
          outputs: [x]
          rows: [["-", 1]]
        - id: band
          inputs: [r.n]
          outputs: [x]
          rows: [["-", 2]]
      """)
    XCTAssertNil(policy)
    XCTAssertEqual(diagnostics.first.map { DiagnosticRenderer().render($0) }, """
      policy.yaml:9:9: error[policy_duplicate_id]: duplicate table id 'band'
         |   - id: band
         |         ^~~~
         = hint: the first is on line 5
      """)
  }

  func testMoreShapesAndNames() {
    run([
      Case(name: "rule sets an unknown output", yaml: #"""
        policy: p
        outputs:
          advance: 1
        rules:
          - id: r
            when: true
            set: {advanse: 2}
        """#, expected: """
        policy.yaml:7:11: error[policy_invalid_value]: rule 'r' sets 'advanse', which is not an output
           |     set: {advanse: 2}
           |           ^~~~~~~
           = hint: did you mean 'advance'?
        """),
      Case(name: "when not bool", yaml: #"""
        policy: p
        checks:
          - id: c
            when: 1
            require: true
            reason: x
        """#, expected: """
        policy.yaml:4:11: error[policy_expression_type]: when of check 'c' must be bool, found 'int'
           |     when: 1
           |           ^
        """),
      Case(name: "unterminated placeholder", yaml: #"""
        policy: p
        checks:
          - id: c
            require: true
            reason: a ${x
        """#, expected: """
        policy.yaml:5:15: error[policy_invalid_value]: unterminated '${' in reason of check 'c'
           |     reason: a ${x
           |               ^
        """),
      Case(name: "unknown severity", yaml: #"""
        policy: p
        alerts:
          - id: a
            when: true
            severity: critcal
            message: m
        """#, expected: """
        policy.yaml:5:15: error[policy_invalid_value]: unknown severity 'critcal'
           |     severity: critcal
           |               ^~~~~~~
           = hint: did you mean 'critical'?
        """),
      Case(name: "priority list missing", yaml: #"""
        policy: p
        inputs:
          r: {n: int}
        tables:
          - id: t
            hit: priority
            inputs: [r.n]
            outputs: [x]
            rows: [["-", a]]
        """#, expected: """
        policy.yaml:5:9: error[policy_missing_key]: table 't' with hit policy 'priority' needs a 'priority' list of output values, highest first
           |   - id: t
           |         ^
        """),
      Case(name: "default width", yaml: #"""
        policy: p
        inputs:
          r: {n: int}
        tables:
          - id: t
            inputs: [r.n]
            outputs: [x]
            rows: [["-", 1]]
            default: [1, 2]
        """#, expected: """
        policy.yaml:9:14: error[policy_table_error]: default of table 't' has 2 values, expected 1
           |     default: [1, 2]
           |              ^~~~~~
        """),
      Case(name: "folded expression second line", yaml: #"""
        policy: p
        inputs:
          r: {n: int, s: string}
        checks:
          - id: c
            require: >-
              r.n > 0 &&
              r.s > 1
            reason: x
        """#, expected: """
        policy.yaml:8:7: error[expr_check_error]: found no matching overload for '_>_' applied to '(string, int)'
           |       r.s > 1
           |       ^~~~~~~
        """),
      Case(name: "quoted expression with escapes", yaml: #"""
        policy: p
        inputs:
          r: {n: int, s: string}
        outputs:
          x: "r.s + \"\\t\" + r.n"
        """#, expected: #"""
        policy.yaml:5:6: error[expr_check_error]: found no matching overload for '_+_' applied to '(string, int)'
           |   x: "r.s + \"\\t\" + r.n"
           |      ^
        """#),
      Case(name: "bare word cell", yaml: #"""
        policy: p
        inputs:
          r: {x: string}
        tables:
          - id: t
            inputs: [r.x]
            outputs: [o]
            rows:
              - [crane, 1]
        """#, expected: """
        policy.yaml:9:10: error[policy_table_error]: undeclared reference to 'crane' in a table cell
           |       - [crane, 1]
           |          ^~~~~
           = hint: a string in a cell keeps its double quotes: write '"crane"' (with the single quotes, in YAML)
        """),
      Case(name: "empty interval", yaml: #"""
        policy: p
        inputs:
          r: {x: decimal}
        tables:
          - id: t
            inputs: [r.x]
            outputs: [o]
            rows:
              - ["[5..1]", 1]
        """#, expected: """
        policy.yaml:9:10: error[policy_table_error]: interval '[5..1]' is empty: its low end is above its high end
           |       - ["[5..1]", 1]
           |          ^~~~~~~~
        """),
      Case(name: "output named like a let", yaml: #"""
        policy: p
        let:
          a: 1
        outputs:
          a: a
        """#, expected: """
        policy.yaml:5:3: error[policy_duplicate_id]: output 'a' has the same name as the let on line 3
           |   a: a
           |   ^
        """),
      Case(name: "let named like a constant", yaml: #"""
        policy: p
        constants:
          a: 1
        let:
          a: 2
        """#, expected: """
        policy.yaml:5:3: error[policy_duplicate_id]: let 'a' has the same name as the constant on line 3
           |   a: 2
           |   ^
        """),
      Case(name: "three-let cycle", yaml: #"""
        policy: p
        let:
          a: b
          b: c
          c: a
          d: a
        """#, expected: """
        policy.yaml:3:3: error[policy_let_cycle]: values depend on each other in a cycle: a -> b -> c -> a
           |   a: b
           |   ^
           = hint: break the cycle by computing one of them from inputs only
        """),
      Case(name: "double mixed with decimal", yaml: #"""
        policy: p
        inputs:
          r: {x: decimal, d: double}
        outputs:
          y: r.x * r.d
        """#, expected: """
        policy.yaml:5:6: error[expr_check_error]: found no matching overload for '_*_' applied to '(decimal, double)'
           |   y: r.x * r.d
           |      ^~~~~~~~~
           = hint: money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal
        """),
    ])
  }
}
