import PolicyExpr
import XCTest

@testable import PolicyRules

/// One cost budget and one memory budget per decision (docs/policy-format.md §20): crossing
/// either fails the decision closed with a located error, never aborts, and explaining a decision
/// does not spend them.
final class DecisionBudgetTests: XCTestCase {
  /// Checks of 250,500 steps each (two nested `all` over 500 elements).
  static func costly(checks: Int, extra: String = "") -> String {
    let loop = "l.all(x, l.all(y, x + y >= 0))"
    let list = "[" + (1...500).map(String.init).joined(separator: ", ") + "]"
    let body = (0..<checks).map { "  - id: c\($0)\n    require: \(loop)\n    reason: r" }.joined(separator: "\n")
    return "policy: costly\n\(extra)constants:\n  l: \(list)\nchecks:\n\(body)\n"
  }

  static func empty(_ p: CompiledPolicy) -> ObjectValue {
    ObjectValue(type: p.inputType, fields: Array(repeating: nil, count: p.inputType.fields.count))
  }

  func testChecksShareOneBudgetAndTheOneThatCrossesItFailsClosed() throws {
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.costly(checks: 4)))
    let d = p.decide(Self.empty(p))
    XCTAssertEqual(d.outcome, .error)
    XCTAssertEqual(d.errors.map(\.source), ["check c3"])
    XCTAssertEqual(d.errors.first?.message, "evaluation cost exceeded the limit of 1000000")
    XCTAssertNotNil(d.errors.first?.location)
  }

  func testManyOutputsJustUnderAnExpressionBudgetStopAtTheDecisionBudget() throws {
    // Before: each output had its own budget, so 200 of them ran 200 times the budget.
    let list = "[" + (1...1000).map(String.init).joined(separator: ", ") + "]"
    let outputs = (0..<200).map { "  o\($0): l.all(x, l.all(y, x + y > \($0 - 5000)))" }.joined(separator: "\n")
    let p = try XCTUnwrap(PolicyFixtures.compile("policy: wide\nconstants:\n  l: \(list)\noutputs:\n\(outputs)\n"))
    let d = p.decide(Self.empty(p))
    XCTAssertEqual(d.outcome, .error)
    XCTAssertTrue(d.errors.allSatisfy { $0.message == "evaluation cost exceeded the limit of 1000000" }, "\(d.errors)")
    // Each output needs 1,001,000 steps: the first crosses the budget, every later one fails at once.
    XCTAssertEqual(d.errors.count, 200)
  }

  func testAPolicyMaySetItsOwnBudget() throws {
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.costly(checks: 4, extra: "limits: {cost: 2000000}\n")))
    XCTAssertEqual(PolicyFixtures.summary(p.decide(Self.empty(p))), "approved")
    let tight = try XCTUnwrap(PolicyFixtures.compile(Self.costly(checks: 1, extra: "limits: {cost: 1000}\n")))
    XCTAssertEqual(tight.decide(Self.empty(tight)).errors.first?.message, "evaluation cost exceeded the limit of 1000")
  }

  func testABudgetAboveTheCeilingIsALoadError() {
    let text = PolicyFixtures.rendered(Self.costly(checks: 1, extra: "limits:\n  cost: 20000000\n  memory: 1GiB\n"))
    XCTAssertTrue(text.contains("policy.yaml:3:9: error[policy_invalid_value]: limits.cost 20000000 is above the ceiling of 10000000 steps"), text)
    XCTAssertTrue(text.contains("policy.yaml:4:11: error[policy_invalid_value]: limits.memory 1073741824 bytes is above the ceiling of 268435456 bytes"), text)
  }

  func testMalformedLimitsAreLocated() {
    let text = PolicyFixtures.rendered(Self.costly(checks: 1, extra: "limits:\n  cost: -5\n  memory: 12 parsecs\n  time: 5\n"))
    XCTAssertTrue(text.contains("policy.yaml:3:9: error[policy_invalid_value]: limits.cost must be a positive whole number"), text)
    XCTAssertTrue(text.contains("policy.yaml:4:11: error[policy_invalid_value]: limits.memory must be a positive number of bytes"), text)
    XCTAssertTrue(text.contains("policy.yaml:5:3: error[policy_unknown_key]: unknown key 'time' in limits"), text)
  }

  func testExplainingDoesNotSpendTheBudget() throws {
    // Three checks use 751,500 of 1,000,000 steps; the trace re-evaluates their operands.
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.costly(checks: 3)))
    let plain = p.decide(Self.empty(p))
    let explained = p.decide(Self.empty(p), explain: true)
    XCTAssertEqual(plain.outcome, .approved)
    XCTAssertEqual(explained.outcome, .approved)
    XCTAssertNotNil(explained.trace)
  }
}

/// The memory budget: values built by one decision, added up.
final class DecisionMemoryBudgetTests: XCTestCase {
  func testAnOrdinaryRequestCannotBuildGigabytesOfStrings() throws {
    // 400,000 characters times 5,000 tags would be 2 GB of strings.
    let p = try XCTUnwrap(PolicyFixtures.compile("""
      policy: amplify
      inputs:
        r: {note: string, tags: list(string)}
      outputs:
        labels: "r.tags.map(t, r.note + ':' + t)"
      """))
    let note = String(repeating: "n", count: 400_000)
    let tags = (0..<5_000).map { "\"t\($0)\"" }.joined(separator: ",")
    let d = try XCTUnwrap(PolicyFixtures.decide(p, "{\"r\": {\"note\": \"\(note)\", \"tags\": [\(tags)]}}"))
    XCTAssertEqual(d.outcome, .error)
    XCTAssertEqual(d.errors.first?.message, "values built by this evaluation exceed the memory limit of 33554432 bytes")
    XCTAssertEqual(d.errors.first?.location, "policy.yaml:5:26")  // the concatenation
  }

  func testLetsOutputsAndChecksShareTheMemoryBudget() throws {
    // Each output alone builds 600 KiB; the policy allows 1 MiB for the whole decision.
    let p = try XCTUnwrap(PolicyFixtures.compile("""
      policy: shared
      limits: {memory: 1MiB}
      inputs:
        r: {s: string}
      outputs:
        a: r.s + r.s + r.s
        b: r.s + r.s + r.s
      """))
    let s = String(repeating: "x", count: 120 * 1024)  // 240 + 360 KiB an output
    let d = try XCTUnwrap(PolicyFixtures.decide(p, "{\"r\": {\"s\": \"\(s)\"}}"))
    XCTAssertEqual(d.errors.map(\.source), ["output b"])
    XCTAssertEqual(d.errors.first?.message, "values built by this evaluation exceed the memory limit of 1048576 bytes")
  }

  func testAListGrownByMapCountsWhatItHoldsNotTheSquare() throws {
    // 20,000 ints: 20,000 value slots. Counting every intermediate `accu + [x]` would be 5 GB.
    let p = try XCTUnwrap(PolicyFixtures.compile("""
      policy: grow
      inputs:
        r: {xs: list(int)}
      outputs:
        doubled: r.xs.map(x, x * 2).size()
        kept: r.xs.filter(x, x % 2 == 0).size()
      """))
    let xs = (0..<20_000).map(String.init).joined(separator: ",")
    let d = try XCTUnwrap(PolicyFixtures.decide(p, "{\"r\": {\"xs\": [\(xs)]}}"))
    XCTAssertEqual(PolicyFixtures.summary(d), "approved; outputs: doubled=20000, kept=10000")
  }
}
