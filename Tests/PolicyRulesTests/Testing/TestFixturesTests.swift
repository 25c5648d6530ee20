import PolicyExpr
import XCTest

@testable import PolicyRules

/// Test fixtures: a named base input that a test extends with only what it changes (a deep
/// merge), and YAML merge keys (`<<`).
final class TestFixturesTests: XCTestCase {
  static let policy = """
    policy: p
    inputs:
      app: {amount: decimal, grade: string, owner: {name: string, age: int}}
    checks:
      - id: adult
        require: app.owner.age >= 18
        reason: minor
      - id: grade-a
        require: app.grade == "A"
        reason: not A
    outputs:
      fee: math.round(app.amount * 0.01, 2)

    """

  func testATestExtendsAFixtureByADeepMerge() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile(Self.policy + """
      fixtures:
        good-application:
          app: {amount: "1000.00", grade: A, owner: {name: Ann, age: 40}}
      tests:
        - name: the base alone is approved
          base: good-application
          expect: {decision: approved, outputs: {fee: "10.00"}}
        - name: a minor owner, every other field from the base
          base: good-application
          input:
            app: {owner: {age: 17}}
          expect: {decision: declined, failed: [adult], outputs: {fee: "10.00"}}
        - name: another grade and amount
          base: good-application
          input: {app: {grade: B, amount: "50.00"}}
          expect: {decision: declined, failed: [grade-a], outputs: {fee: "0.50"}}
      """))
    let (results, _) = PolicyTestRunner.run(policy)
    XCTAssertEqual(results.map { $0.passed ? "ok" : $0.failures.joined(separator: "; ") }, ["ok", "ok", "ok"])
    XCTAssertEqual(policy.policy.tests[1].input.jsonText,
                   #"{"app":{"amount":"1000.00","grade":"A","owner":{"name":"Ann","age":17}}}"#)
  }

  func testYAMLMergeKeysShareAnInput() throws {
    let policy = try XCTUnwrap(PolicyFixtures.compile(Self.policy + """
      tests:
        - name: base
          input:
            app: &app {amount: "1000.00", grade: A, owner: {name: Ann, age: 40}}
          expect: {decision: approved}
        - name: merged, with the grade changed
          input:
            app:
              <<: *app
              grade: C
          expect: {decision: declined, failed: [grade-a]}
      """))
    let (results, _) = PolicyTestRunner.run(policy)
    XCTAssertEqual(results.map { $0.passed ? "ok" : $0.failures.joined(separator: "; ") }, ["ok", "ok"])
  }

  func testUnknownFixtureAndBadMergeAreLocatedErrors() {
    XCTAssertEqual(PolicyFixtures.rendered(Self.policy + """
      fixtures:
        good-application: {app: {amount: "1", grade: A, owner: {name: Ann, age: 40}}}
      tests:
        - name: t
          base: good-aplication
          expect: {decision: approved}
      """), """
      policy.yaml:17:11: error[policy_invalid_value]: test 't' extends fixture 'good-aplication', which the policy does not define
         |     base: good-aplication
         |           ^~~~~~~~~~~~~~~
         = hint: did you mean 'good-application'?
      """)
    XCTAssertEqual(PolicyFixtures.rendered("""
      policy: p
      description:
        <<: 5
      """), """
      policy.yaml:3:7: error[yaml_invalid_merge]: merge key '<<' takes a mapping or a list of mappings, not a scalar
         |   <<: 5
         |       ^
         = hint: write '<<: *name' with an anchor '&name' on a mapping
      """)
  }
}
