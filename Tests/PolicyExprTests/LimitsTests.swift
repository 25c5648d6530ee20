import Foundation
import XCTest
@testable import PolicyExpr

/// Every expression limit of ``Limits``: crossing it gives a clean diagnostic or runtime error,
/// never a crash or a hang.
final class LimitsTests: XCTestCase {
  private func compileMessages(_ source: String, limits: Limits = .default) -> [String] {
    let (_, ds) = Compiler(environment: Environment(limits: limits)).compile(source)
    return ds.map { "\($0.code): \($0.message)" }
  }

  private func range(_ n: Int) -> Value { .list((0..<n).map { .int(Int64($0)) }) }

  private func elapsed(_ body: () -> Void) -> TimeInterval {
    let start = Date()
    body()
    return Date().timeIntervalSince(start)
  }

  // MARK: Expression size

  func testExpressionSize() {
    let source = "\"" + String(repeating: "a", count: 16_384) + "\""
    XCTAssertEqual(compileMessages(source), ["expr_limit_exceeded: expression is 16386 bytes, over the limit of 16384"])
    let fits = "\"" + String(repeating: "a", count: 16_382) + "\""
    XCTAssertEqual(compileMessages(fits), [])
    var small = Limits()
    small.maxExpressionBytes = 10
    XCTAssertEqual(compileMessages("1 + 2 + 3 + 4", limits: small), ["expr_limit_exceeded: expression is 13 bytes, over the limit of 10"])
  }

  // MARK: Nesting depth

  func testNestingDepth() {
    let fits = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
    XCTAssertEqual(compileMessages(fits), [])
    let deep = String(repeating: "(", count: 129) + "1" + String(repeating: ")", count: 129)
    XCTAssertEqual(compileMessages(deep), ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    let lists = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
    XCTAssertEqual(compileMessages(lists), ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    let calls = String(repeating: "size(", count: 200) + "\"\"" + String(repeating: ")", count: 200)
    XCTAssertEqual(compileMessages(calls), ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    let negations = String(repeating: "!", count: 300) + "true"
    XCTAssertEqual(compileMessages(negations), ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
  }

  /// A long chain of a left-associative operator is a deep tree, limited like parentheses.
  func testLongOperatorChain() {
    let chain = Array(repeating: "1", count: 2_000).joined(separator: " + ")
    XCTAssertEqual(compileMessages(chain), ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    let ok = Array(repeating: "1", count: 100).joined(separator: " + ")
    XCTAssertEqual(EvaluationSupport.outcome(ok), "100")
  }

  /// 100,000 open parentheses (beyond the size limit, so the limit is raised) fail fast.
  func testHundredThousandParenthesesFailCleanlyAndFast() {
    var limits = Limits()
    limits.maxExpressionBytes = 1 << 20
    let source = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    var messages: [String] = []
    let seconds = elapsed { messages = compileMessages(source, limits: limits) }
    XCTAssertEqual(messages, ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    XCTAssertLessThan(seconds, 1.0)
    let unclosed = String(repeating: "(", count: 100_000)
    let secondsUnclosed = elapsed { messages = compileMessages(unclosed, limits: limits) }
    XCTAssertEqual(messages, ["expr_limit_exceeded: expression nesting exceeds the limit of 128"])
    XCTAssertLessThan(secondsUnclosed, 1.0)
    // At the default size limit it is the size that is reported.
    XCTAssertEqual(compileMessages(source), ["expr_limit_exceeded: expression is 200001 bytes, over the limit of 16384"])
  }

  // MARK: Evaluation cost

  /// Three nested comprehensions over 1,000 elements (10^9 steps) stop at the budget, quickly.
  func testCostBudget() {
    let xs = range(1_000)
    var outcome = ""
    let seconds = elapsed {
      outcome = EvaluationSupport.outcome("xs.map(a, xs.map(b, xs.map(c, a + b + c))).size()", bindings: ["xs": xs])
    }
    XCTAssertEqual(outcome, "error cost_limit_exceeded: evaluation cost exceeded the limit of 1000000")
    XCTAssertLessThan(seconds, 20.0)  // about 10 s in a debug build on a busy machine
    var small = Limits()
    small.maxEvaluationCost = 10_000
    XCTAssertEqual(EvaluationSupport.outcome("xs.exists(a, xs.exists(b, xs.exists(c, a + b + c < 0)))", bindings: ["xs": xs],
                                             limits: small),
                   "error cost_limit_exceeded: evaluation cost exceeded the limit of 10000")
    // One pass over the list is well within the budget.
    XCTAssertEqual(EvaluationSupport.outcome("xs.filter(a, a % 2 == 0).size()", bindings: ["xs": xs]), "500")
  }

  func testCustomCostBudget() {
    var limits = Limits()
    limits.maxEvaluationCost = 100
    XCTAssertEqual(EvaluationSupport.outcome("xs.map(x, x * 2).size()", bindings: ["xs": range(1_000)], limits: limits),
                   "error cost_limit_exceeded: evaluation cost exceeded the limit of 100")
    XCTAssertEqual(EvaluationSupport.outcome("xs.map(x, x * 2).size()", bindings: ["xs": range(10)], limits: limits), "10")
  }

  // MARK: Sizes of created values

  func testCollectionSize() {
    let xs = range(60_000)
    XCTAssertEqual(EvaluationSupport.outcome("(xs + xs).size()", bindings: ["xs": xs]),
                   "error size_limit_exceeded: list of 120000 elements exceeds the limit of 100000")
    XCTAssertEqual(EvaluationSupport.outcome("(xs + [1]).size()", bindings: ["xs": xs]), "60001")
  }

  func testStringSize() {
    let half = Value.string(String(repeating: "x", count: 600_000))
    XCTAssertEqual(EvaluationSupport.outcome("(s + s).size()", bindings: ["s": half]),
                   "error size_limit_exceeded: result of '_+_' would be 1200000 bytes, over the limit of 1048576")
    XCTAssertEqual(EvaluationSupport.outcome("[s, s].join(\"\").size()", bindings: ["s": half]),
                   "error size_limit_exceeded: result of 'join' would be 1200000 bytes, over the limit of 1048576")
    XCTAssertEqual(EvaluationSupport.outcome("\"%s%s\".format([s, s]).size()", bindings: ["s": half]),
                   "error size_limit_exceeded: result of 'format' would be 1200000 bytes, over the limit of 1048576")
    XCTAssertEqual(EvaluationSupport.outcome("s.replace(\"\", s).size()", bindings: ["s": .string(String(repeating: "x", count: 2_000))]),
                   "error size_limit_exceeded: result of 'replace' would be 4004000 bytes, over the limit of 1048576")
    let bytes = Value.bytes(Array(repeating: 120, count: 600_000))
    XCTAssertEqual(EvaluationSupport.outcome("size(b + b)", bindings: ["b": bytes]),
                   "error size_limit_exceeded: result of '_+_' would be 1200000 bytes, over the limit of 1048576")
    XCTAssertEqual(EvaluationSupport.outcome("(s + \"y\").size()", bindings: ["s": half]), "600001")
  }

  /// Growth by repetition inside a comprehension is stopped by the cost limit.
  func testRepeatedConcatenationStops() {
    var limits = Limits()
    limits.maxEvaluationCost = 1_000
    let s = Value.string(String(repeating: "x", count: 1_000))
    let outcome = EvaluationSupport.outcome("xs.map(i, s + s + s + s).size()", bindings: ["xs": range(2_000), "s": s],
                                            limits: limits)
    XCTAssertEqual(outcome, "error cost_limit_exceeded: evaluation cost exceeded the limit of 1000")
  }
}
