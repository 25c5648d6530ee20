import XCTest
@testable import PolicyExpr

/// The core functions through the compiler: conversions, size, type, operators on every kind.
final class CoreLibraryTests: XCTestCase {
  func testIntConversions() {
    EvaluationSupport.check([
      EvalCase("int(\"42\")", "42"), EvalCase("int(\"-42\")", "-42"), EvalCase("int(42u)", "42"),
      EvalCase("int(-42.9)", "-42"), EvalCase("int(42.9)", "42"), EvalCase("int(decimal(\"42.9\"))", "42"),
      EvalCase("int(timestamp(\"1970-01-01T00:01:00Z\"))", "60"),
      EvalCase("int(\" 42\")", "error conversion_error: cannot convert string ' 42' to int"),
      EvalCase("int(\"4.2\")", "error conversion_error: cannot convert string '4.2' to int"),
      EvalCase("int(1e300)", "error range: int conversion out of range"),
      EvalCase("int(9223372036854775807.0)", "error range: int conversion out of range"),
      EvalCase("int(0.0/0.0)", "error range: int conversion out of range"),
    ])
  }

  func testUintAndDoubleConversions() {
    EvaluationSupport.check([
      EvalCase("uint(\"42\")", "42u"), EvalCase("uint(42.7)", "42u"), EvalCase("uint(42)", "42u"),
      EvalCase("uint(1.0e19)", "10000000000000000000u"),
      EvalCase("uint(\"-1\")", "error conversion_error: cannot convert string '-1' to uint"),
      EvalCase("double(\"1.5\")", "1.5"), EvalCase("double(\"1e3\")", "1000.0"), EvalCase("double(42)", "42.0"),
      EvalCase("double(42u)", "42.0"), EvalCase("double(\"NaN\")", "NaN"), EvalCase("double(decimal(\"0.1\"))", "0.1"),
      EvalCase("double(18446744073709551615u)", "1.8446744073709552e+19"),
      EvalCase("double(\"abc\")", "error conversion_error: cannot convert string 'abc' to double"),
    ])
  }

  /// Conversions from double at every edge, as cel-cpp: truncation toward zero, and a range
  /// error for anything the target cannot hold, negative fractions into uint included.
  func testDoubleConversionEdges() {
    let range = { (t: String) in "error range: \(t) conversion out of range" }
    EvaluationSupport.check([
      EvalCase("uint(-0.25)", range("uint")), EvalCase("uint(-0.5)", range("uint")), EvalCase("uint(-1.0)", range("uint")),
      EvalCase("uint(-0.0)", "0u"), EvalCase("uint(0.0)", "0u"), EvalCase("uint(0.999)", "0u"),
      EvalCase("uint(18446744073709549568.0)", "18446744073709549568u"),  // the largest double below 2^64
      EvalCase("uint(18446744073709551616.0)", range("uint")),  // 2^64
      EvalCase("uint(0.0/0.0)", range("uint")), EvalCase("uint(1.0/0.0)", range("uint")), EvalCase("uint(-1.0/0.0)", range("uint")),
      EvalCase("int(-0.0)", "0"), EvalCase("int(-0.5)", "0"), EvalCase("int(0.5)", "0"), EvalCase("int(-1.5)", "-1"),
      EvalCase("int(9223372036854774784.0)", "9223372036854774784"),  // the largest double below 2^63
      EvalCase("int(-9223372036854774784.0)", "-9223372036854774784"),
      EvalCase("int(9223372036854775808.0)", range("int")),  // 2^63
      EvalCase("int(-9223372036854775808.0)", range("int")),  // -2^63, as the conformance suite requires
      EvalCase("int(0.0/0.0)", range("int")), EvalCase("int(1.0/0.0)", range("int")), EvalCase("int(-1.0/0.0)", range("int")),
    ])
  }

  /// `string(double)` of the non-finite doubles: `inf`, `-inf`, `nan`, as cel-cpp and the Rust
  /// cel crate print them.
  func testStringOfNonFiniteDoubles() {
    EvaluationSupport.check([
      EvalCase("string(1.0 / 0.0)", "\"inf\""), EvalCase("string(-1.0 / 0.0)", "\"-inf\""),
      EvalCase("string(0.0 / 0.0)", "\"nan\""), EvalCase("string(-0.0)", "\"-0\""),
      EvalCase("string(double(\"Infinity\"))", "\"inf\""), EvalCase("string(1e308 * 10.0)", "\"inf\""),
    ])
  }

  func testStringBoolAndBytesConversions() {
    EvaluationSupport.check([
      EvalCase("string(true)", "\"true\""), EvalCase("string(-1)", "\"-1\""), EvalCase("string(1u)", "\"1\""),
      EvalCase("string(1.0)", "\"1\""), EvalCase("string(0.1)", "\"0.1\""), EvalCase("string(1e20)", "\"1e+20\""),
      EvalCase("string(decimal(\"1.50\"))", "\"1.50\""), EvalCase("string(\"s\")", "\"s\""),
      EvalCase("string(timestamp(\"2024-01-01T00:00:00Z\"))", "\"2024-01-01T00:00:00Z\""),
      EvalCase("string(duration(\"1m30s\"))", "\"90s\""),
      EvalCase("string(b\"\\xff\")", "error conversion_error: invalid UTF-8 in bytes converted to string"),
      EvalCase("bool(\"true\")", "true"), EvalCase("bool(\"false\")", "false"), EvalCase("bool(\"TRUE\")", "true"),
      EvalCase("bool(\"yes\")", "error conversion_error: type conversion error from string 'yes' to bool"),
      EvalCase("bytes(\"abc\")", "b\"abc\""), EvalCase("bytes(b\"a\")", "b\"a\""),
    ])
  }

  func testSizeAndType() {
    EvaluationSupport.check([
      EvalCase("size([1, 2])", "2"), EvalCase("size({\"a\": 1})", "1"), EvalCase("[1, 2].size()", "2"),
      EvalCase("{\"a\": 1}.size()", "1"), EvalCase("size(\"\")", "0"), EvalCase("size(\"日本\")", "2"),
      EvalCase("size(b\"\\xe6\\x97\\xa5\")", "3"), EvalCase("type(dyn([]))", "type(list)"), EvalCase("dyn(1)", "1"),
      EvalCase("size(1)", "compile: found no matching overload for 'size' applied to '(int)'"),
    ])
  }

  func testOperatorsOnEveryKind() {
    EvaluationSupport.check([
      EvalCase("!true", "false"), EvalCase("!!false", "false"), EvalCase("1 != 2", "true"),
      EvalCase("[1] + [2]", "[1, 2]"), EvalCase("null == null", "true"), EvalCase("true < false", "false"),
      EvalCase("false < true", "true"), EvalCase("\"a\" > \"B\"", "true"), EvalCase("-(3)", "-3"),
      EvalCase("-(1.5)", "-1.5"), EvalCase("1 + 2 * 3", "7"), EvalCase("(1 + 2) * 3", "9"), EvalCase("10 - 2 - 3", "5"),
      EvalCase("2 < 3 == true", "true"), EvalCase("1 < 2 && 2 < 3 || false", "true"),
      EvalCase("false ? 1 : false ? 2 : 3", "3"),
      EvalCase("true ? false ? 1 : 2 : 3", "compile: unexpected token '?' [expected ':']"), EvalCase("[1, [2, 3]][1][0]", "2"),
      EvalCase("{\"a\": {\"b\": 1}}.a.b", "1"), EvalCase("{\"a\": {\"b\": 1}}[\"a\"][\"b\"]", "1"),
      EvalCase("[1] + [\"a\"]", "compile: found no matching overload for '_+_' applied to '(list(int), list(string))'"),
      EvalCase("null != 1", "compile: found no matching overload for '_!=_' applied to '(null_type, int)'"),
      EvalCase("[1, 2] < [1, 3]", "compile: found no matching overload for '_<_' applied to '(list(int), list(int))'"),
    ])
  }
}
