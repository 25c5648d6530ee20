import XCTest

@testable import PolicyExpr

/// The planner's rules: which operators are intrinsics, what folds, the one order of values,
/// and constant arguments a function rejects at compile time.
final class PlannerRulesTests: XCTestCase {
  /// Exactly the planner's intrinsics are declared as intrinsic signatures in the library, so
  /// the checker types them and no library implementation is silently bypassed.
  func testIntrinsicsAreDeclaredAsSuch() {
    let env = Environment()
    for (name, decl) in env.functions {
      for o in decl.overloads {
        XCTAssertEqual(o.isIntrinsic, Planner.intrinsics.contains(name), "\(name) \(o.id)")
      }
    }
    for name in Planner.intrinsics { XCTAssertNotNil(env.functions[name], name) }
    // Every intrinsic evaluates through its planner node, never through the declaration.
    EvaluationSupport.check([
      EvalCase("x && !y || x ? x == y : x != y", "false", bindings: ["x": .bool(true), "y": .bool(false)]),
      EvalCase("[x < 2, x <= 2, x > 2, x >= 2]", "[true, true, false, false]", bindings: ["x": .int(1)]),
      EvalCase("[1, 2].all(v, v > 0)", "true"),
    ])
  }

  /// Only pure calls with constant arguments fold at plan time; an impure one runs at every
  /// evaluation.
  func testOnlyPureCallsFold() throws {
    let counter = Counter()
    var env = Environment()
    env.declare(FunctionDecl("tick", [Overload("tick_int", [.int], .int, .unary { v in .int(counter.next()) }, purity: .impure)]))
    env.declare(FunctionDecl("twice", [.unary("twice_int", .int, .int) { v throws(EvalError) in
      guard case .int(let i) = v else { throw .noOverload("twice", v) }
      return .int(i * 2)
    }]))
    let pure = try XCTUnwrap(Compiler(environment: env).compile("twice(21) + 1").0)
    XCTAssertEqual(pure.constantValue?.debugText, "43")
    let impure = try XCTUnwrap(Compiler(environment: env).compile("tick(1) + 0").0)
    XCTAssertNil(impure.constantValue)
    XCTAssertEqual(counter.count, 0, "an impure call is not run at plan time")
    XCTAssertEqual(try impure.evaluate([:], in: env).debugText, "1")
    XCTAssertEqual(try impure.evaluate([:], in: env).debugText, "2")
    // Intrinsics over constants fold.
    XCTAssertEqual(try XCTUnwrap(Compiler(environment: env).compile("1 < 2 && 'a' == 'a'").0).constantValue?.debugText, "true")
  }

  /// The rule of order and equality (CEL's): ordering with NaN is false, never an error; NaN
  /// equals nothing; numbers of different kinds compare by value; other kinds only with their own.
  func testOneOrderAndEquality() {
    let nan = ["n": Value.double(.nan)]
    EvaluationSupport.check([
      EvalCase("n < 1.0 || n > 1.0 || n <= 1.0 || n >= 1.0", "false", bindings: nan),
      EvalCase("n < 1 || 1 < n || n >= 1u || 1u >= n || n <= n", "false", bindings: nan),
      EvalCase("dyn(n) < 1 || dyn(1u) > dyn(n)", "false", bindings: nan),
      EvalCase("n == n || n == 1 || [n] == [n]", "false", bindings: nan), EvalCase("n != n", "true", bindings: nan),
      EvalCase("[n].exists(v, v < 1)", "false", bindings: nan),
      EvalCase("-0.0 == 0.0 && !(-0.0 < 0.0) && 1 == 1.0 && 1u == 1 && -1 < 1u && 2.5 > 2", "true"),
      EvalCase("dyn(1u) == dyn(1.0) && dyn(decimal('1.0')) == dyn(1) && dyn(decimal('0.1')) == dyn(0.1)", "true"),
      EvalCase("dyn(9223372036854775807) < 9223372036854775808.0", "false"),  // an int meets a double as a double
      EvalCase("dyn(n) < 'a'", "error no_such_overload: no such overload: '_<_' applied to (double, string)", bindings: nan),
      EvalCase("dyn(1) < 'a'", "error no_such_overload: no such overload: '_<_' applied to (int, string)"),
      EvalCase("dyn(decimal('1')) < dyn(2.0)", "error no_such_overload: no such overload: '_<_' applied to (decimal, double)"),
      EvalCase("dyn([1]) < dyn([2])", "error no_such_overload: no such overload: '_<_' applied to (list, list)"),
      EvalCase("dyn(1) == dyn('1')", "false"),
      EvalCase("math.greatest(n, 1.0)", "error invalid_argument: NaN values cannot be ordered in 'math.greatest'", bindings: nan),
      EvalCase("math.greatest(1, 1.0) == 1 && math.least(2u, -1) == -1", "true"),
    ])
    // Decision-table cells order through the same function.
    XCTAssertNil(Value.compare(.double(.nan), .int(1)))
    XCTAssertEqual(Value.compare(.int(1), .uint(2)), -1)
    XCTAssertEqual(try Value.order(.int(1), .less, .double(1.5)), true)
  }

  /// A constant pattern RE2 rejects is a compile-time diagnostic located at the pattern, not a
  /// runtime error in every evaluation.
  func testInvalidConstantRegexIsACompileError() throws {
    var env = Environment()
    env.declare("s", .string)
    env.declare("p", .string)
    CheckCase("s.matches(1️⃣'(')", """
      <expr>:1:11: error[regex_invalid]: invalid regular expression '(': missing ): (
         | s.matches('(')
         |           ^~~
      """).check(env: env)
    CheckCase("s == 'a' || matches(s, 1️⃣'a**')", """
      <expr>:1:24: error[regex_invalid]: invalid regular expression 'a**': bad repetition operator: **
         | s == 'a' || matches(s, 'a**')
         |                        ^~~~~
      """).check(env: env)
    // A pattern known only at evaluation still fails there.
    let program = try XCTUnwrap(Compiler(environment: env).compile("s.matches(p)").0)
    XCTAssertThrowsError(try program.evaluate(["s": .string("a"), "p": .string("(")], in: env)) { error in
      XCTAssertEqual((error as? EvalError)?.kind, .invalidArgument)
    }
  }
}

/// A counter an impure test function reads.
final class Counter: @unchecked Sendable {
  private(set) var count: Int64 = 0
  func next() -> Int64 { count += 1; return count }
}
