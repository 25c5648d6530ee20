import XCTest

import PolicyExpr

/// The public surface of ``Activation`` other modules use: ready flags, values, and evaluation in a
/// window of comprehension locals, which lets a resolver evaluate one program inside another.
final class ActivationWindowTests: XCTestCase {
  struct Setup {
    let env: Environment
    let xs: Int, n: Int
    let outer: Program, inner: Program
  }

  /// `xs` (a list of ints), `n` (lazy, computed by `inner`), and `outer`, whose loop needs `n`.
  func setup(outer: String, inner: String) throws -> Setup {
    var env = Environment()
    let xs = env.declare("xs", .list(.int))
    let n = env.declare("n", .int)
    let compiler = Compiler(environment: env)
    let o = try XCTUnwrap(compiler.compile(outer).0), i = try XCTUnwrap(compiler.compile(inner).0)
    return Setup(env: env, xs: xs, n: n, outer: o, inner: i)
  }

  func activation(_ s: Setup) -> Activation {
    let a = Activation(variableCount: s.env.variables.count, localCount: s.outer.localCount + s.inner.localCount)
    a.set(s.xs, .list([.int(5), .int(6), .int(7)]))
    a.markLazy(s.n)
    return a
  }

  /// A lazy variable computed in its own window leaves the loop that needed it alone.
  func testAResolverInItsOwnWindowLeavesTheOuterLoopAlone() throws {
    let s = try setup(outer: "xs.map(x, n + x)", inner: "xs.map(y, y - 4).size()")
    let a = activation(s)
    XCTAssertFalse(a.isReady(s.n))
    XCTAssertNil(a.value(s.n))
    a.resolver = { _, a throws(EvalError) in try a.evaluate(s.inner, window: s.outer.localCount) }
    guard case .list(let out) = try a.evaluate(s.outer, window: 0) else { return XCTFail("not a list") }
    XCTAssertEqual(out.map(\.debugText), ["8", "9", "10"])
    XCTAssertTrue(a.isReady(s.n))
    XCTAssertEqual(a.value(s.n)?.debugText, "3")
    XCTAssertEqual(a.localCapacity, s.outer.localCount + s.inner.localCount)
  }

  /// A variable asked for again while its own resolver runs (a cycle) is an error, not a loop.
  func testAResolverThatNeedsItsOwnSlotIsAnError() throws {
    let s = try setup(outer: "n + 1", inner: "n * 2")
    let a = activation(s)
    var calls = 0
    a.resolver = { _, a throws(EvalError) in
      calls += 1
      return try a.evaluate(s.inner, window: 0)
    }
    XCTAssertThrowsError(try a.evaluate(s.outer, window: 0)) { error in
      XCTAssertTrue((error as? EvalError)?.message.contains("depends on itself") == true, "\(error)")
    }
    XCTAssertEqual(calls, 1)
    XCTAssertFalse(a.isReady(s.n))
  }
}
