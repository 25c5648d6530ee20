import PolicySource
import XCTest
@testable import PolicyExpr

/// Proviso's decimal rules end to end: literals in a decimal context are exact, ints mix exactly,
/// doubles never mix silently, scales follow SQL, rounding is explicit.
final class DecimalEvaluationTests: XCTestCase {
  private let amount: [String: Value] = ["amount": EvaluationSupport.dec("250000")]
  private let decimalAmount: [String: CELType] = ["amount": .decimal]

  /// The money example of the brief: the literal is read from its text, the product keeps scale 2.
  func testLiteralInDecimalContextIsExact() throws {
    var env = Environment()
    env.declare("amount", .decimal)
    let (program, diagnostics) = Compiler(environment: env).compile("amount * 0.90")
    XCTAssertEqual(diagnostics, [])
    let p = try XCTUnwrap(program)
    XCTAssertEqual(p.resultType, .decimal)
    guard case .decimal(let d) = try p.evaluate(amount, in: env) else { return XCTFail("not a decimal") }
    XCTAssertEqual(d.description, "225000.00")
  }

  /// Literal-only arithmetic beside a decimal is decimal arithmetic as a whole: every literal in
  /// it (ints too) is an exact decimal, so a haircut reads the way it is written.
  func testLiteralArithmeticBesideADecimalIsDecimal() {
    EvaluationSupport.check([
      EvalCase("amount * (1 - 0.05)", "237500.00m", bindings: amount, types: decimalAmount),
      EvalCase("(1 - 0.05) * amount", "237500.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount * (1 - 0.05) * (1 + 0.1)", "261250.000m", bindings: amount, types: decimalAmount),
      EvalCase("amount > 0.1 + 0.2", "true", bindings: amount, types: decimalAmount),
      EvalCase("decimal(\"0.3\") == 0.1 + 0.2", "true"),
      EvalCase("amount * (1 / 4 + 0.5)", "187500.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -(1 - 0.5)", "-125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("[amount, 1 - 0.25]", "[250000m, 0.75m]", bindings: amount, types: decimalAmount),
      EvalCase("true ? 1 - 0.25 : amount", "0.75m", bindings: amount, types: decimalAmount),
      // Without a decimal beside it, arithmetic of literals is CEL's, where int and double never mix.
      EvalCase("0.1 + 0.2 == 0.3", "false"),
      EvalCase("1 - 0.05", "compile: found no matching overload for '_-_' applied to '(int, double)' [an int never mixes with a double: write 1 as 1.0]"),
    ])
  }

  func testDecimalArithmetic() {
    EvaluationSupport.check([
      EvalCase("amount * 0.90", "225000.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount * 0.9", "225000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount - 0.01", "249999.99m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -0.5", "-125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("0.90 * amount", "225000.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount * 0.1 * 0.1", "2500.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount + 1e-2", "250000.01m", bindings: amount, types: decimalAmount),
      EvalCase("[amount].map(x, x * 0.5)", "[125000.0m]", bindings: amount, types: decimalAmount),
      EvalCase("amount > 249999.999", "true", bindings: amount, types: decimalAmount),
      EvalCase("decimal(\"1\") + 1u", "compile: found no matching overload for '_+_' applied to '(decimal, uint)'"),
      EvalCase("0.1 + 0.2 == 0.3", "false"),
      EvalCase("decimal(\"0.1\") + decimal(\"0.2\") == decimal(\"0.3\")", "true"),
      EvalCase("decimal(\"0.1\") + 0.2 == 0.3", "true"),
      EvalCase("decimal(\"0.1\") + decimal(\"0.2\")", "0.3m"),
      EvalCase("decimal(\"1.50\") + 2", "3.50m"),
      EvalCase("decimal(\"1.50\") * 3", "4.50m"),
      EvalCase("2 * decimal(\"1.5\")", "3.0m"),
      EvalCase("decimal(\"1.5\") + 0.25", "1.75m"),
      EvalCase("decimal(\"10\") - -0.5", "10.5m"),
      EvalCase("decimal(\"1.25\") * decimal(\"1.5\")", "1.875m"),
      EvalCase("decimal(\"7.5\") % 2", "1.5m"),
      EvalCase("-decimal(\"1.5\")", "-1.5m"),
      EvalCase("decimal(\"1.50\") == decimal(\"1.5\")", "true"),
      EvalCase("decimal(\"1.5\") == 1.5", "true"),
      EvalCase("decimal(\"2.0\") == 2", "true"),
      EvalCase("decimal(\"2\") > 1", "true"),
      EvalCase("1 < decimal(\"1.5\")", "true"),
      EvalCase("decimal(\"1.5\") >= 1.50", "true"),
      EvalCase("amount > 100000", "true", bindings: amount, types: decimalAmount),
      EvalCase("amount <= 250000.00", "true", bindings: amount, types: decimalAmount),
    ])
  }

  func testDecimalDivision() {
    EvaluationSupport.check([
      EvalCase("decimal(\"225000.00\") / 2", "112500.00m"),
      EvalCase("decimal(\"1\") / 4", "0.25m"),
      EvalCase("decimal(\"1\") / decimal(\"0.5\")", "2m"),
      EvalCase("decimal(\"1\") / decimal(\"3\")", "0.3333333333333333333333333333m"),
      EvalCase("decimal(\"2\") / decimal(\"3\")", "0.6666666666666666666666666667m"),
      EvalCase("decimal(\"1\") / 0", "error division_by_zero: division by zero"),
      EvalCase("decimal(\"1\") % 0", "error division_by_zero: division by zero"),
    ])
  }

  func testRounding() {
    EvaluationSupport.check([
      EvalCase("math.round(decimal(\"2.345\"), 2)", "2.35m"),
      EvalCase("math.round(decimal(\"2.335\"), 2)", "2.34m"),
      EvalCase("math.round(decimal(\"-2.345\"), 2)", "-2.35m"),
      EvalCase("math.round(decimal(\"2.3\"), 2)", "2.30m"),
      EvalCase("math.round(decimal(\"2.5\"))", "3m"),
      EvalCase("math.round(decimal(\"1234.5\"), -2)", "1200m"),
      EvalCase("math.roundHalfEven(decimal(\"2.345\"), 2)", "2.34m"),
      EvalCase("math.roundHalfEven(decimal(\"2.355\"), 2)", "2.36m"),
      EvalCase("math.roundHalfEven(decimal(\"2.5\"))", "2m"),
      EvalCase("math.round(amount * 0.0375, 2)", "9375.00m", bindings: amount, types: decimalAmount),
      EvalCase("math.round(decimal(\"10\") / 3, 2)", "3.33m"),
      EvalCase("math.trunc(decimal(\"-2.7\"))", "-2m"),
      EvalCase("math.floor(decimal(\"-2.1\"))", "-3m"),
      EvalCase("math.ceil(decimal(\"2.1\"))", "3m"),
      EvalCase("math.abs(decimal(\"-2.10\"))", "2.10m"),
    ])
  }

  func testOverflowIsAnError() {
    let big = "decimal(\"99999999999999999999999999999999999999\")"
    EvaluationSupport.check([
      EvalCase("\(big) + 1", "error overflow: decimal overflow in '_+_'"),
      EvalCase("\(big) * 10", "error overflow: decimal overflow in '_*_'"),
      EvalCase("-\(big) - 1", "error overflow: decimal overflow in '_-_'"),
      EvalCase("\(big) / decimal(\"0.1\")", "error overflow: decimal overflow in '_/_'"),
      EvalCase("decimal(\"999999999999999999999999999999999999999\")", "error conversion_error: cannot convert \"999999999999999999999999999999999999999\" to decimal"),
    ])
  }

  func testConversions() {
    EvaluationSupport.check([
      EvalCase("decimal(0.1)", "0.1m"),
      EvalCase("decimal(1.5)", "1.5m"),
      EvalCase("decimal(2.0)", "2m"),
      EvalCase("decimal(rate)", "0.035m", bindings: ["rate": .double(0.035)]),
      EvalCase("decimal(\"12.50\")", "12.50m"),
      EvalCase("decimal(\"1e3\")", "1000m"),
      EvalCase("decimal(\"abc\")", "error conversion_error: cannot convert \"abc\" to decimal"),
      EvalCase("decimal(\".5\")", "error conversion_error: cannot convert \".5\" to decimal"),
      EvalCase("decimal(42)", "42m"),
      EvalCase("decimal(42u)", "42m"),
      EvalCase("decimal(-7)", "-7m"),
      EvalCase("double(decimal(\"1.25\"))", "1.25"),
      EvalCase("int(decimal(\"1.99\"))", "1"),
      EvalCase("int(decimal(\"-1.99\"))", "-1"),
      EvalCase("string(decimal(\"1.50\"))", "\"1.50\""),
      EvalCase("type(decimal(\"1\"))", "type(decimal)"),
    ])
  }

  /// JSON carries money as strings with their places, so no reader turns it into a double.
  func testMoneyIsPrintedAsStringsInJSON() {
    XCTAssertEqual(JSONWriter.string(EvaluationSupport.dec("225000.00")), "\"225000.00\"")
    XCTAssertEqual(JSONWriter.string(.list([EvaluationSupport.dec("0.10"), .double(0.1)])), "[\"0.10\",0.1]")
  }

  /// A double *variable* never mixes with a decimal: the checker rejects it with a hint.
  func testDoubleVariableMixedWithDecimalIsATypeError() {
    let hint = "money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal"
    EvaluationSupport.check([
      EvalCase("d * rate", "compile: found no matching overload for '_*_' applied to '(decimal, double)' [\(hint)]",
               types: ["d": .decimal, "rate": .double]),
      EvalCase("d + 1.0 * rate", "compile: found no matching overload for '_+_' applied to '(decimal, double)' [\(hint)]",
               types: ["d": .decimal, "rate": .double]),
      EvalCase("d * decimal(rate)", "0.500m", bindings: ["d": EvaluationSupport.dec("1.00"), "rate": .double(0.5)],
               types: ["d": .decimal, "rate": .double]),
    ])
  }

  /// Every documented spelling of a literal works beside a decimal: `.5`, a sign with or without
  /// a space, a parenthesized negation (even nested), in calls, conditionals and lists.
  func testLiteralFormsInADecimalContext() {
    EvaluationSupport.check([
      EvalCase("amount * .5", "125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -.5", "-125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount * - 0.5", "-125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -(0.5)", "-125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -(-(0.5))", "125000.0m", bindings: amount, types: decimalAmount),
      EvalCase("amount * -(- 0.25)", "62500.00m", bindings: amount, types: decimalAmount),
      EvalCase("amount + -(0.01)", "249999.99m", bindings: amount, types: decimalAmount),
      EvalCase("false ? amount : -(0.50)", "-0.50m", bindings: amount, types: decimalAmount),
      EvalCase("[amount, -(0.25), .5]", "[250000m, -0.25m, 0.5m]", bindings: amount, types: decimalAmount),
      EvalCase("amount * 1.50e-2", "3750.0000m", bindings: amount, types: decimalAmount),
      EvalCase("amount * 1.5e1", "3750000m", bindings: amount, types: decimalAmount),
      EvalCase("amount * 000.10", "25000.00m", bindings: amount, types: decimalAmount),
    ])
  }

  /// A literal beside a decimal has at most 38 significant digits, trailing zeros included: one
  /// more is a located compile error, never a silently shortened value.
  func testThirtyEightDigitLiteralLimit() {
    let one = ["one": EvaluationSupport.dec("1")], oneType: [String: CELType] = ["one": .decimal]
    let zeros37 = String(repeating: "0", count: 37)
    let message = "needs 39 digits as a decimal; a decimal holds at most 38 significant digits (trailing zeros count: they carry the places)"
    EvaluationSupport.check([
      EvalCase("one * 1.\(zeros37)", "1.\(zeros37)m", bindings: one, types: oneType),
      EvalCase("one * 1.\(zeros37)0", "compile: number literal '1.\(zeros37)0' \(message)", bindings: one, types: oneType),
      EvalCase("one * 1.\(zeros37)1", "compile: number literal '1.\(zeros37)1' \(message)", bindings: one, types: oneType),
      EvalCase("one * -(1.\(zeros37)0)", "compile: number literal '1.\(zeros37)0' \(message)", bindings: one, types: oneType),
      EvalCase("one * - 1.\(zeros37)0", "compile: number literal '-1.\(zeros37)0' \(message)", bindings: one, types: oneType),
      EvalCase("one * 0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678m",
               bindings: one, types: oneType),
      EvalCase("one * 000000000000.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678m",
               bindings: one, types: oneType),
      EvalCase("one * 1e37", "1\(zeros37)m", bindings: one, types: oneType),
      EvalCase("one * 1e38", "compile: number literal '1e38' \(message)", bindings: one, types: oneType),
      EvalCase("one * 1e-39", "compile: number literal '1e-39' has 39 decimal places; a decimal holds at most 38",
               bindings: one, types: oneType),
    ])
    // The error points at the literal.
    var env = Environment()
    env.declare("one", .decimal)
    let (program, diagnostics) = Compiler(environment: env).compile("one * -(1.\(zeros37)0)")
    XCTAssertNil(program)
    XCTAssertEqual(diagnostics.map(\.range), [SourceRange(start: 8, end: 8 + 40)])
  }

  /// The division rule of docs/language.md §4 at its edges, end to end.
  func testDivisionRuleAtItsEdges() {
    EvaluationSupport.check([
      EvalCase("decimal(\"9999999999999999999999999999.9999999999\") / 6", "1666666666666666666666666667m"),
      EvalCase("decimal(\"1.0000000000000000000000000001\") / 2", "0.50000000000000000000000000005m"),
      EvalCase("decimal(\"1.0000000000000000000000000000000000001\") / 2", "0.50000000000000000000000000000000000005m"),
      EvalCase("decimal(\"1\") / 1099511627776", "0.00000000000090949470177292823791503906m"),
      EvalCase("decimal(\"10.00\") / 4", "2.50m"),
    ])
  }
}
