import Dispatch
import XCTest
@testable import PolicyExpr

final class RegexTests: XCTestCase {
  private func matches(_ s: String, _ re: String, receiver: Bool = true) throws(EvalError) -> Bool {
    let overload = RegexLibrary.functions[0].overloads.first { $0.isReceiver == receiver }!
    guard case .binary(let f) = overload.implementation else { XCTFail("arity"); return false }
    guard case .bool(let b) = try f(.string(s), .string(re)) else { XCTFail("not a bool"); return false }
    return b
  }

  /// cel-spec string.json section "matches", evaluated through both call styles.
  func testConformanceCases() throws {
    let cases: [(String, String, Bool)] = [
      ("hubba", "ubb", true), ("", "foo|bar", false), ("cows", "", true), ("", "", true),
      ("abcd", "bc", true), ("grey", "gr(a|e)y", true), ("banana", "ba(na)*", true),
      ("mañana", "a+ñ+a+", true), ("🐱😀😀", "(a|😀){2}", true),
    ]
    for (s, re, want) in cases {
      XCTAssertEqual(try matches(s, re), want, "'\(s)'.matches('\(re)')")
      XCTAssertEqual(try matches(s, re, receiver: false), want, "matches('\(s)', '\(re)')")
    }
  }

  func testAnchorsForceWholeMatch() throws {
    XCTAssertFalse(try matches("abc", "^b"))
    XCTAssertTrue(try matches("abc", "^a.c$"))
    let pattern = try RegexPattern("[0-9]+")
    XCTAssertTrue(pattern.matches("ab12"))
    XCTAssertFalse(pattern.matchesWhole("ab12"))
    XCTAssertTrue(pattern.matchesWhole("12"))
  }

  func testPathologicalPatternIsLinear() throws {
    let input = String(repeating: "a", count: 30) + "!"
    let start = DispatchTime.now().uptimeNanoseconds
    XCTAssertFalse(try matches(input, "(a+)+$"))
    XCTAssertFalse(try matches(String(repeating: "a", count: 100_000) + "!", "(a+)+$"))
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    XCTAssertLessThan(elapsed, 0.5)
  }

  func testInvalidPatternNamesThePattern() {
    XCTAssertThrowsError(try RegexPattern("(a")) { error in
      let e = error as! EvalError
      XCTAssertEqual(e.kind, .invalidArgument)
      XCTAssertEqual(e.message, "invalid regular expression '(a': missing ): (a")
    }
    XCTAssertThrowsError(try matches("x", "a**")) { error in
      XCTAssertEqual((error as! EvalError).message, "invalid regular expression 'a**': bad repetition operator: **")
    }
  }

  func testNonStringArgumentsAreNoOverload() {
    let overload = RegexLibrary.functions[0].overloads[0]
    guard case .binary(let f) = overload.implementation else { return XCTFail("arity") }
    XCTAssertThrowsError(try f(.int(1), .string("a"))) { error in
      XCTAssertEqual((error as! EvalError).kind, .noSuchOverload)
    }
  }

  func testCacheReturnsSameObjectAndStaysBounded() throws {
    let a = try RegexPattern.cached("x+y")
    let b = try RegexPattern.cached("x+y")
    XCTAssertTrue(a === b)
    for i in 0..<(RegexPattern.cacheCapacity * 2) { _ = try RegexPattern.cached("p\(i)") }
    XCTAssertTrue(try RegexPattern.cached("p1").matches("p1"))
  }

  func testConcurrentMatching() throws {
    let pattern = try RegexPattern.compiled("^[a-z]+[0-9]{2}$")
    DispatchQueue.concurrentPerform(iterations: 64) { i in
      XCTAssertTrue(pattern.matches("abc\(10 + i % 90)"))
      XCTAssertFalse(pattern.matches("ABC\(i)"))
    }
  }

  func testPlanTimeMatcher() throws {
    let f = RegexLibrary.matcher(try RegexPattern.compiled("^\\d{3}-\\d{4}$"))
    guard case .bool(let yes) = try f(.string("555-1234")), case .bool(let no) = try f(.string("5551234")) else {
      return XCTFail("not a bool")
    }
    XCTAssertTrue(yes)
    XCTAssertFalse(no)
    XCTAssertThrowsError(try f(.int(1))) { error in
      XCTAssertEqual((error as! EvalError).message, "no such overload: 'matches' applied to (int, string)")
    }
  }
}

final class RegexPlanningTests: XCTestCase {
  /// A constant pattern is compiled when the expression is planned; a variable one at evaluation.
  func testConstantPatternsAreCompiledAtPlanTime() throws {
    let overloads = try XCTUnwrap(RegexLibrary.functions.first?.overloads)
    for o in overloads {
      XCTAssertNotNil(o.specializer?([nil, .string("^a+$")]), o.id)
      XCTAssertNil(o.specializer?([nil, .string("(")]), "an invalid pattern is not specialized (its validator reports it)")
      XCTAssertNil(o.specializer?([nil, nil]), "a variable pattern cannot be compiled ahead")
      XCTAssertEqual(o.validator?([nil, .string("(")])?.code, .regexInvalid, o.id)
      XCTAssertEqual(o.validator?([nil, .string("(")])?.argument, 1, o.id)
      XCTAssertNil(o.validator?([nil, .string("^a+$")]) ?? nil, o.id)
      XCTAssertNil(o.validator?([nil, nil]) ?? nil, o.id)
    }
    var env = Environment()
    env.declare("s", .string)
    env.declare("p", .string)
    let (program, _) = Compiler(environment: env).compile("s.matches('^a+$') && !matches(s, p)")
    let p = try XCTUnwrap(program)
    XCTAssertEqual(try p.evaluate(["s": .string("aaa"), "p": .string("b")], in: env).debugText, "true")
    XCTAssertEqual(try p.evaluate(["s": .string("aab"), "p": .string("b")], in: env).debugText, "false")
  }
}
