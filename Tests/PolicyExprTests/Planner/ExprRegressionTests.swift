import Foundation
import XCTest
@testable import PolicyExpr

/// Defects the expression tests found once, kept as regression tests: decimal literals in every
/// decimal context, limits that no operator absorbs, size limits from the environment, linear
/// `map`/`filter`, one diagnostic per mistake.
final class ExprRegressionTests: XCTestCase {
  func testKnownEngineBugs() throws {
    let moneyHint = "money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal"
    EvaluationSupport.check([
      // The decimal rule: a double variable never mixes with a decimal, comparisons included
      // (arithmetic is rejected; ordering and equality are accepted and compare binary values).
      EvalCase("d < rate", "compile: found no matching overload for '_<_' applied to '(decimal, double)' [\(moneyHint)]",
               types: ["d": .decimal, "rate": .double]),
      EvalCase("d == rate", "compile: found no matching overload for '_==_' applied to '(decimal, double)' [\(moneyHint)]",
               types: ["d": .decimal, "rate": .double]),
      // A literal in a decimal context is exact: also as the other branch of a conditional and
      // as an argument of math.greatest / math.least next to a decimal (now a binary double).
      EvalCase("false ? amount : 0.5", "0.5m", bindings: ["amount": EvaluationSupport.dec("1")], types: ["amount": .decimal]),
      // A literal too long for a decimal (over 38 digits) beside a decimal passes the checker and
      // fails at run time with a confusing overload error; it should be a compile error.
      EvalCase("amount * 0.12345678901234567890123456789012345678901", "compile: number literal '0.12345678901234567890123456789012345678901' has 41 decimal places; a decimal holds at most 38",
               bindings: ["amount": EvaluationSupport.dec("1")], types: ["amount": .decimal]),
      EvalCase("math.greatest(amount, 0.5)", "0.5m", bindings: ["amount": EvaluationSupport.dec("0.1")],
               types: ["amount": .decimal]),
    ])
  }

  func testKnownCheckerBugs() throws {
    // A swapped pair of letters is the most common typo, but counts 2 edits, beyond the
    // threshold for a 5-letter name: no hint.
    CheckCase("1️⃣receivable.debtor.scroe > 600", """
      <expr>:1:1: error[expr_check_error]: undefined field 'scroe' of 'receivable.debtor'
         | receivable.debtor.scroe > 600
         | ^~~~~~~~~~~~~~~~~~~~~~~
         = hint: did you mean 'score'?
      """).check()
    // A misspelled library function reports its namespace as an undeclared variable.
    CheckCase("1️⃣math.rond(rate)", """
      <expr>:1:1: error[expr_check_error]: undeclared reference to 'math.rond'
         | math.rond(rate)
         | ^~~~~~~~~~~~~~~
         = hint: did you mean 'math.round'?
      """).check()
    // An error inside a filter() predicate (or the filter of a three-argument map()) is
    // reported twice: the loop is checked again once the accumulator's type is known.
    XCTAssertEqual(CheckerTestSupport.diagnostics("[1, 2].filter(i, i + zz > 0)").map(\.message), ["undeclared reference to 'zz'"])
    XCTAssertEqual(CheckerTestSupport.diagnostics("[1, 2].map(i, zz > 0, i)").map(\.message), ["undeclared reference to 'zz'"])
    // The static type of a conditional mixing a decimal and a literal.
    let (program, _) = Compiler(environment: CheckerTestSupport.environment).compile("true ? amount : 0.5")
    XCTAssertEqual(program?.resultType, .decimal, "`true ? amount : 0.5`")
  }

  func testKnownLimitBugs() throws {
    let xs = Value.list((0..<1_000).map { .int(Int64($0)) })
    // The cost limit ends the evaluation; `||` must not absorb it (cel-go aborts).
    var small = Limits()
    small.maxEvaluationCost = 10_000
    XCTAssertEqual(
      EvaluationSupport.outcome("xs.all(a, xs.all(b, b >= 0)) || true", bindings: ["xs": xs], limits: small),
      "error cost_limit_exceeded: evaluation cost exceeded the limit of 10000")
    // Limits.maxEvaluationCost counts comprehension iterations (documented): 1,000 iterations of a
    // 24-node predicate fit in 5,000, and 1,000 x 1,000 nested iterations do not.
    var five = Limits()
    five.maxEvaluationCost = 5_000
    XCTAssertEqual(
      EvaluationSupport.outcome("xs.all(x, x + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 > 0)", bindings: ["xs": xs], limits: five),
      "true")
    // Size limits come from the environment's limits.
    var tiny = Limits()
    tiny.maxCollectionSize = 10
    tiny.maxStringBytes = 10
    XCTAssertEqual(EvaluationSupport.outcome("(xs + xs).size()", bindings: ["xs": .list((0..<6).map { .int(Int64($0)) })],
                                             limits: tiny),
                   "error size_limit_exceeded: list of 12 elements exceeds the limit of 10")
    XCTAssertEqual(EvaluationSupport.outcome("(\"abcdef\" + s).size()", bindings: ["s": .string("ghijkl")], limits: tiny),
                   "error size_limit_exceeded: string of 12 bytes exceeds the limit of 10")
    // map() and filter() append in place: 40,000 elements well under a second, even in debug.
    var generous = Limits()
    generous.maxEvaluationCost = 100_000_000
    let big = Value.list((0..<40_000).map { .int(Int64($0)) })
    let start = Date()
    XCTAssertEqual(EvaluationSupport.outcome("xs.map(x, x).size()", bindings: ["xs": big], limits: generous), "40000")
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.0, "xs.map(x, x) over 40,000 elements")
  }
}

final class MapKeyNormalizationTests: XCTestCase {
  /// Map keys compare by code points, as CEL strings do: two spellings of "é" are two keys.
  func testMapKeysAreNotUnicodeNormalized() {
    XCTAssertEqual(EvaluationSupport.outcome("{'Am\\u00E9lie': 1, 'Ame\\u0301lie': 2}['Ame\\u0301lie']"), "2")
    XCTAssertEqual(EvaluationSupport.outcome("{'Am\\u00E9lie': 1}.size()"), "1")
    XCTAssertEqual(EvaluationSupport.outcome("'Ame\\u0301lie' in {'Am\\u00E9lie': 1}"), "false")
  }
}
