import XCTest
@testable import PolicyExpr

/// Calls the library through its declarations, as the interpreter will: the first overload whose
/// parameters accept the runtime values of the arguments.
final class MathLibraryTests: XCTestCase {
  private func dec(_ text: String) -> Value { .decimal(DecimalNumber(parsing: text)!) }

  private func accepts(_ t: CELType, _ v: Value) -> Bool {
    switch (t, v) {
    case (.dyn, _), (.param, _): return true
    case (.list(let e), .list(let items)): return items.allSatisfy { accepts(e, $0) }
    default: return t == v.runtimeType
    }
  }

  private func overload(_ name: String, _ args: [Value]) -> Overload? {
    MathLibrary.functions.first { $0.name == name }?.overloads.first { o in
      o.params.count == args.count && zip(o.params, args).allSatisfy { accepts($0, $1) }
    }
  }

  /// The result of `name(args…)`, or the error; a missing overload is the interpreter's
  /// `no such overload`.
  private func call(_ name: String, _ args: Value...) -> Result<Value, EvalError> {
    guard let o = overload(name, args) else { return .failure(EvalError.noOverload(name, args.first ?? .null)) }
    do throws(EvalError) {
      switch o.implementation {
      case .unary(let f): return .success(try f(args[0]))
      case .binary(let f): return .success(try f(args[0], args[1]))
      case .ternary(let f): return .success(try f(args[0], args[1], args[2]))
      case .variadic(let f): return .success(try f(args))
      }
    } catch {
      return .failure(error)
    }
  }

  /// Same kind and same payload (NaN equals NaN; decimals also by scale).
  private func same(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): x == y
    case (.uint(let x), .uint(let y)): x == y
    case (.double(let x), .double(let y)): x == y || (x.isNaN && y.isNaN)
    case (.decimal(let x), .decimal(let y)): x.description == y.description
    case (.bool(let x), .bool(let y)): x == y
    default: false
    }
  }

  private func assertValue(_ got: Result<Value, EvalError>, _ want: Value, _ label: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    switch got {
    case .success(let v): XCTAssertTrue(same(v, want), "\(label): got \(v), want \(want)", file: file, line: line)
    case .failure(let e): XCTFail("\(label): error \(e.message)", file: file, line: line)
    }
  }

  private func assertError(_ got: Result<Value, EvalError>, _ kind: EvalError.Kind, _ message: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    switch got {
    case .success(let v): XCTFail("got \(v), want error '\(message)'", file: file, line: line)
    case .failure(let e):
      XCTAssertEqual(e.kind, kind, file: file, line: line)
      XCTAssertEqual(e.message, message, file: file, line: line)
    }
  }

  // MARK: - greatest and least (cases of cel-spec math_ext)

  func testGreatest() {
    let cases: [([Value], Value)] = [
      ([.int(-5)], .int(-5)), ([.int(1), .int(1)], .int(1)), ([.int(1), .double(1.0)], .int(1)),
      ([.int(1), .uint(1)], .int(1)), ([.int(3), .int(-3)], .int(3)), ([.int(-7), .int(5)], .int(5)),
      ([.int(.max), .int(1)], .int(.max)), ([.int(.min), .int(1)], .int(1)), ([.int(10), .int(1), .int(3)], .int(10)),
      ([.double(5.4), .int(10), .uint(3), .double(-5.0), .int(.max)], .int(.max)),
      ([.list([.double(5.4), .int(10), .uint(3), .double(-5.0), .double(3.5)])], .int(10)),
      ([.double(-5.0)], .double(-5.0)), ([.double(1.797693e308), .int(1)], .double(1.797693e308)),
      ([.double(-1.797693e308), .double(1.5)], .double(1.5)), ([.double(1.0), .int(1)], .double(1.0)),
      ([.list([.double(5.4), .double(10.5), .uint(3), .double(-5.0), .double(3.5)])], .double(10.5)),
      ([.uint(5), .int(-7)], .uint(5)), ([.int(-3), .uint(3)], .uint(3)), ([.uint(.max), .uint(1)], .uint(.max)),
      ([.double(5.4), .int(10), .uint(3), .double(-5.0), .uint(.max)], .uint(.max)),
      // The one order of numbers (Value.compareNumbers): an int meets a double as a double, as
      // CEL's operators compare them, so 2^53 + 1 ties with 2^53 and the earlier one wins.
      ([.double(9.223372036854775808e18), .int(.max)], .double(9.223372036854775808e18)),
      ([.double(9007199254740992), .int(9_007_199_254_740_993)], .double(9007199254740992)),
      ([.int(9_007_199_254_740_993), .double(9007199254740992)], .int(9_007_199_254_740_993)),
      // Decimals.
      ([dec("2.50"), .int(2)], dec("2.50")), ([dec("1.50"), .int(1), .double(2.0)], .double(2.0)),
      ([dec("0.1"), .double(0.1)], dec("0.1")), ([.double(0.1), dec("0.10")], .double(0.1)),
      ([dec("-1"), .uint(0)], .uint(0)), ([dec("99999999999999999999.5"), .uint(.max)], dec("99999999999999999999.5")),
      ([.list([dec("1.00"), dec("3.25"), dec("3.250")])], dec("3.25")),
      ([dec("1e-30"), .double(1e-300)], dec("1e-30")), ([dec("0"), .double(1e-300)], .double(1e-300)),
      ([dec("1"), .double(.infinity)], .double(.infinity)),
    ]
    for (args, want) in cases {
      let label = "math.greatest(\(args))"
      switch args.count {
      case 1: assertValue(call("math.greatest", args[0]), want, label)
      case 2: assertValue(call("math.greatest", args[0], args[1]), want, label)
      default: assertValue(variadic("math.greatest", args), want, label)
      }
    }
  }

  func testLeast() {
    let cases: [([Value], Value)] = [
      ([.int(-5)], .int(-5)), ([.int(1), .double(1.0)], .int(1)), ([.int(-3), .int(3)], .int(-3)),
      ([.int(.min), .int(1)], .int(.min)), ([.int(1), .int(3), .int(0)], .int(0)),
      ([.double(5.4), .int(10), .uint(3), .double(-5.0), .int(.max)], .double(-5.0)),
      ([.list([.double(5.4), .int(10), .uint(3), .double(-5.0), .double(3.5)])], .double(-5.0)),
      ([.double(-1.797693e308), .double(1.5)], .double(-1.797693e308)), ([.double(5.5), .double(-7.5)], .double(-7.5)),
      ([.uint(1), .double(1.0)], .uint(1)), ([.uint(18446744073709551615), .uint(1)], .uint(1)),
      ([.double(5.4), .int(10), .uint(3), .uint(1), .uint(.max)], .uint(1)),
      ([.list([.double(5.4), .uint(10), .uint(3), .uint(1), .double(3.5)])], .uint(1)),
      ([dec("2.50"), .int(3), .double(2.6)], dec("2.50")), ([dec("-0.01"), .int(0)], dec("-0.01")),
    ]
    for (args, want) in cases {
      let label = "math.least(\(args))"
      switch args.count {
      case 1: assertValue(call("math.least", args[0]), want, label)
      case 2: assertValue(call("math.least", args[0], args[1]), want, label)
      default: assertValue(variadic("math.least", args), want, label)
      }
    }
  }

  private func variadic(_ name: String, _ args: [Value]) -> Result<Value, EvalError> {
    guard let o = overload(name, args), case .variadic(let f) = o.implementation else {
      return .failure(EvalError(.noSuchOverload, "no variadic overload"))
    }
    do throws(EvalError) { return .success(try f(args)) } catch { return .failure(error) }
  }

  func testGreatestAndLeastErrors() {
    assertError(call("math.greatest", .list([])), .invalidArgument, "'math.greatest' requires at least one argument")
    assertError(call("math.least", .list([.int(1), .string("a")])), .noSuchOverload,
                "no such overload: 'math.least' applied to (int, string)")
    assertError(call("math.greatest", .list([.string("a")])), .noSuchOverload,
                "no such overload: 'math.greatest' applied to (string)")
    assertError(call("math.greatest", .double(.nan), .int(1)), .invalidArgument,
                "NaN values cannot be ordered in 'math.greatest'")
    assertError(call("math.least", .int(1), .double(.nan)), .invalidArgument, "NaN values cannot be ordered in 'math.least'")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.greatestOfOne(.bool(true)) }, .noSuchOverload,
                "no such overload: 'math.greatest' applied to (bool)")
  }

  // MARK: - Rounding

  func testRoundingDoubles() {
    let cases: [(String, Double, Double)] = [
      ("math.ceil", -1.2, -1), ("math.ceil", 1.2, 2), ("math.floor", -1.2, -2), ("math.floor", 1.2, 1),
      ("math.round", -1.6, -2), ("math.round", -1.4, -1), ("math.round", -1.5, -2), ("math.round", 1.2, 1),
      ("math.round", 1.5, 2), ("math.round", .nan, .nan), ("math.trunc", -1.2, -1), ("math.trunc", 1.2, 1),
      ("math.trunc", .nan, .nan), ("math.roundHalfEven", 2.5, 2), ("math.roundHalfEven", -3.5, -4),
    ]
    for (name, x, want) in cases { assertValue(call(name, .double(x)), .double(want), "\(name)(\(x))") }
    assertError(call("math.ceil", .int(1)), .noSuchOverload, "no such overload: 'math.ceil' applied to (int)")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.roundToInteger(.int(1), .up, .ceiling, function: "math.ceil") }, .noSuchOverload,
                "no such overload: 'math.ceil' applied to (int)")
  }

  func testRoundingDecimals() {
    let cases: [(String, String, String)] = [
      ("math.ceil", "-1.2", "-1"), ("math.ceil", "1.2", "2"), ("math.floor", "-1.2", "-2"), ("math.floor", "1.20", "1"),
      ("math.trunc", "-1.7", "-1"), ("math.round", "-1.5", "-2"), ("math.round", "2.5", "3"),
      ("math.roundHalfEven", "2.5", "2"), ("math.roundHalfEven", "-2.5", "-2"), ("math.round", "7", "7"),
    ]
    for (name, x, want) in cases { assertValue(call(name, dec(x)), dec(want), "\(name)(\(x))") }
  }

  func testRoundingToPlaces() {
    let decimalCases: [(String, String, Int64, String)] = [
      ("math.round", "2.345", 2, "2.35"), ("math.round", "-2.345", 2, "-2.35"), ("math.roundHalfEven", "2.345", 2, "2.34"),
      ("math.roundHalfEven", "2.355", 2, "2.36"), ("math.round", "2.3", 2, "2.30"), ("math.round", "1234.5", -2, "1200"),
      ("math.round", "1250", -2, "1300"), ("math.roundHalfEven", "1250", -2, "1200"),
      ("math.round", "2531.25000", 2, "2531.25"), ("math.round", "871.875", 2, "871.88"),
      ("math.round", "5", .min, "0"),
    ]
    for (name, x, places, want) in decimalCases {
      assertValue(call(name, dec(x), .int(places)), dec(want), "\(name)(\(x), \(places))")
    }
    let doubleCases: [(String, Double, Int64, Double)] = [
      ("math.round", 2.675, 2, 2.68), ("math.round", 2.665, 2, 2.67), ("math.roundHalfEven", 2.665, 2, 2.66),
      ("math.round", -2.665, 2, -2.67), ("math.round", 1234.5, -2, 1200), ("math.round", 0.1, 40, 0.1),
      ("math.round", 1e300, 2, 1e300), ("math.round", 1e-300, 2, 0), ("math.round", .infinity, 2, .infinity),
      ("math.round", -0.001, 2, -0.0),
    ]
    for (name, x, places, want) in doubleCases {
      assertValue(call(name, .double(x), .int(places)), .double(want), "\(name)(\(x), \(places))")
    }
    assertValue(call("math.round", .double(.nan), .int(2)), .double(.nan), "math.round(NaN, 2)")
    assertError(call("math.round", dec("1"), .int(39)), .overflow, "decimal overflow in 'math.round' rounding '1' to 39 places")
    assertError(call("math.round", dec("99999999999999999999999999999999999999"), .int(-1)), .overflow,
                "decimal overflow in 'math.round' rounding '99999999999999999999999999999999999999' to -1 places")
  }

  // MARK: - Sign, magnitude, classification

  func testAbsSignSqrt() {
    assertValue(call("math.abs", .uint(1)), .uint(1), "abs 1u")
    assertValue(call("math.abs", .int(-11)), .int(11), "abs -11")
    assertValue(call("math.abs", .double(-11.5)), .double(11.5), "abs -11.5")
    assertValue(call("math.abs", dec("-2.50")), dec("2.50"), "abs -2.50")
    assertError(call("math.abs", .int(.min)), .overflow, "integer overflow in 'math.abs' of '-9223372036854775808'")
    let signs: [(Value, Value)] = [
      (.uint(100), .uint(1)), (.uint(0), .uint(0)), (.int(100), .int(1)), (.int(-11), .int(-1)), (.int(0), .int(0)),
      (.double(100.5), .double(1)), (.double(-32), .double(-1)), (.double(0), .double(0)), (.double(.nan), .double(.nan)),
      (dec("-0.50"), dec("-1")), (dec("0.00"), dec("0")), (dec("12.5"), dec("1")),
    ]
    for (x, want) in signs { assertValue(call("math.sign", x), want, "sign \(x)") }
    assertError(call("math.sign", .bool(true)), .noSuchOverload, "no such overload: 'math.sign' applied to (bool)")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.sign(.bool(true)) }, .noSuchOverload, "no such overload: 'math.sign' applied to (bool)")
    assertValue(call("math.sqrt", .int(16)), .double(4), "sqrt 16")
    assertValue(call("math.sqrt", .uint(2)), .double(2.0.squareRoot()), "sqrt 2u")
    assertValue(call("math.sqrt", .double(-1)), .double(.nan), "sqrt -1")
  }

  func testClassification() {
    assertValue(call("math.isNaN", .double(.nan)), .bool(true), "isNaN")
    assertValue(call("math.isNaN", .double(.infinity)), .bool(false), "isNaN inf")
    assertValue(call("math.isInf", .double(-.infinity)), .bool(true), "isInf")
    assertValue(call("math.isInf", .double(.nan)), .bool(false), "isInf NaN")
    assertValue(call("math.isFinite", .double(1.0 / 1.5)), .bool(true), "isFinite")
    assertValue(call("math.isFinite", .double(.nan)), .bool(false), "isFinite NaN")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.classify(.bool(true), function: "math.isNaN") { $0.isNaN } }, .noSuchOverload,
                "no such overload: 'math.isNaN' applied to (bool)")
  }

  // MARK: - Bits

  func testBits() {
    let cases: [(String, [Value], Value)] = [
      ("math.bitAnd", [.int(1), .int(2)], .int(0)), ("math.bitAnd", [.int(1), .int(-1)], .int(1)),
      ("math.bitAnd", [.uint(1), .uint(3)], .uint(1)), ("math.bitOr", [.int(4), .int(-2)], .int(-2)),
      ("math.bitOr", [.uint(1), .uint(4)], .uint(5)), ("math.bitXor", [.int(4), .int(-2)], .int(-6)),
      ("math.bitXor", [.uint(1), .uint(3)], .uint(2)), ("math.bitNot", [.int(1)], .int(-2)),
      ("math.bitNot", [.int(-1)], .int(0)), ("math.bitNot", [.uint(1)], .uint(18446744073709551614)),
      ("math.bitNot", [.uint(0)], .uint(.max)), ("math.bitShiftLeft", [.int(1), .int(2)], .int(4)),
      ("math.bitShiftLeft", [.int(1), .int(200)], .int(0)), ("math.bitShiftLeft", [.int(-1), .int(200)], .int(0)),
      ("math.bitShiftLeft", [.uint(1), .int(2)], .uint(4)), ("math.bitShiftLeft", [.uint(1), .int(200)], .uint(0)),
      ("math.bitShiftRight", [.int(1024), .int(2)], .int(256)), ("math.bitShiftRight", [.int(1024), .int(64)], .int(0)),
      ("math.bitShiftRight", [.int(-1024), .int(3)], .int(2305843009213693824)),
      ("math.bitShiftRight", [.int(-1024), .int(64)], .int(0)), ("math.bitShiftRight", [.uint(1024), .int(2)], .uint(256)),
      ("math.bitShiftRight", [.uint(1024), .int(200)], .uint(0)),
    ]
    for (name, args, want) in cases {
      let got = args.count == 1 ? call(name, args[0]) : call(name, args[0], args[1])
      assertValue(got, want, "\(name)(\(args))")
    }
    assertError(call("math.bitShiftLeft", .uint(1), .int(-1)), .invalidArgument, "negative offset '-1' in 'math.bitShiftLeft'")
    assertError(call("math.bitShiftRight", .uint(1), .int(-1)), .invalidArgument, "negative offset '-1' in 'math.bitShiftRight'")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.bitwise(.uint(2), .string(""), function: "math.bitAnd") { $0 & $1 } }, .noSuchOverload,
                "no such overload: 'math.bitAnd' applied to (uint, string)")
    assertError(resultOf { () throws(EvalError) in try MathLibrary.shift(.double(4.3), .int(1), left: true) }, .noSuchOverload,
                "no such overload: 'math.bitShiftLeft' applied to (double, int)")
  }

  // MARK: - Declarations

  func testDeclarations() throws {
    let names = MathLibrary.functions.map(\.name)
    XCTAssertEqual(Set(names).count, names.count)
    for expected in ["math.greatest", "math.least", "math.ceil", "math.floor", "math.round", "math.roundHalfEven",
                     "math.trunc", "math.abs", "math.sign", "math.sqrt", "math.isNaN", "math.isInf", "math.isFinite",
                     "math.bitAnd", "math.bitOr", "math.bitXor", "math.bitNot", "math.bitShiftLeft", "math.bitShiftRight"] {
      XCTAssertTrue(names.contains(expected), expected)
    }
    let ids = MathLibrary.functions.flatMap { $0.overloads.map(\.id) }
    XCTAssertEqual(Set(ids).count, ids.count, "overload ids are unique")

    let greatest = try XCTUnwrap(MathLibrary.functions.first { $0.name == "math.greatest" })
    func result(_ id: String) -> CELType? { greatest.overloads.first { $0.id == id }?.result }
    XCTAssertEqual(result("math_greatest_int_int"), .int)
    XCTAssertEqual(result("math_greatest_decimal_decimal"), .decimal)
    XCTAssertEqual(result("math_greatest_int_double"), .dyn)
    XCTAssertEqual(result("math_greatest_list_uint"), .uint)
    XCTAssertEqual(result("math_greatest_list_dyn"), .dyn)
    XCTAssertEqual(result("math_greatest_3_double"), .double)
    XCTAssertEqual(result("math_greatest_16_dyn"), .dyn)
    for o in greatest.overloads {
      if o.params.count >= 3 {
        guard case .variadic = o.implementation else { return XCTFail("\(o.id) is not variadic") }
      }
    }
    XCTAssertEqual(greatest.overloads.map(\.params.count).max(), MathLibrary.maxArguments)
    // Same-typed signatures come before the dyn one, so a first-match resolver keeps the type.
    XCTAssertEqual(overload("math.greatest", [.int(1), .int(2), .int(3)])?.result, .int)
    XCTAssertEqual(overload("math.greatest", [.int(1), .uint(2), .int(3)])?.result, .dyn)
    XCTAssertEqual(overload("math.round", [dec("1.5"), .int(2)])?.id, "math_round_decimal_int")
  }
}

/// The outcome of a throwing call, for assertions.
private func resultOf(_ body: () throws(EvalError) -> Value) -> Result<Value, EvalError> {
  do throws(EvalError) { return .success(try body()) } catch { return .failure(error) }
}
