import XCTest
@testable import PolicyExpr

/// CEL's evaluation semantics through the public pipeline (parse, check, plan, evaluate): each
/// case asserts the exact value or the exact runtime error.
final class EvaluationSemanticsTests: XCTestCase {
  /// Errors are values: `&&` and `||` absorb an error when the other side decides the result,
  /// in either order, and propagate it otherwise.
  func testErrorAbsorptionByLogicalOperators() {
    EvaluationSupport.check([
      EvalCase("false && (1/0 > 0)", "false"),
      EvalCase("(1/0 > 0) && false", "false"),
      EvalCase("(1/0 > 0) || true", "true"),
      EvalCase("true || (1/0 > 0)", "true"),
      EvalCase("true && (1/0 > 0)", "error division_by_zero: division by zero"),
      EvalCase("(1/0 > 0) && true", "error division_by_zero: division by zero"),
      EvalCase("(1/0 > 0) || false", "error division_by_zero: division by zero"),
      EvalCase("false || (1/0 > 0)", "error division_by_zero: division by zero"),
      EvalCase("!(1/0 > 0)", "error division_by_zero: division by zero"),
      EvalCase("(1/0 > 0) ? 1 : 2", "error division_by_zero: division by zero"),
      EvalCase("true ? 1 : 1/0", "1"),
      EvalCase("false ? 1/0 : 2", "2"),
      EvalCase("(1/0 > 0) && (1 % 0 > 0) || true", "true"),
      EvalCase("[1, 2].size() == 2 && {\"a\": 1}[\"b\"] == 1", "error no_such_key: no such key: \"b\""),
    ])
  }

  /// Numbers of different kinds compare by value (CEL's heterogeneous equality and ordering).
  func testHeterogeneousNumericComparison() {
    EvaluationSupport.check([
      EvalCase("1 == 1.0", "true"),
      EvalCase("1 == 1u", "true"),
      EvalCase("1u == 1.0", "true"),
      EvalCase("1u < 2", "true"),
      EvalCase("-1 < 1u", "true"),
      EvalCase("1u > -1", "true"),
      EvalCase("2.5 > 2", "true"),
      EvalCase("18446744073709551615u > 9223372036854775807", "true"),
      // As cel-go: an int compared with a double is converted to double (2^63 - 1 becomes 2^63).
      EvalCase("9223372036854775807 < 9223372036854775807.0", "false"),
      EvalCase("9223372036854775807 == 9223372036854775807.0", "true"),
      EvalCase("9007199254740993 == 9007199254740992.0", "true"),
      EvalCase("1 != 1.5", "true"),
      EvalCase("dyn(1) == dyn(1.0)", "true"),
      EvalCase("dyn(1) < dyn(2.5)", "true"),
      EvalCase("0.0/0.0 == 0.0/0.0", "false"),
      EvalCase("0.0/0.0 != 0.0/0.0", "true"),
      EvalCase("0.0/0.0 < 1.0", "false"),
      EvalCase("0.0/0.0 > 1.0", "false"),
      EvalCase("0.0/0.0 <= 0.0/0.0", "false"),
      EvalCase("0.0/0.0 >= 0.0/0.0", "false"),
      EvalCase("x <= x", "false", bindings: ["x": .double(.nan)]),
      EvalCase("x >= x", "false", bindings: ["x": .double(.nan)]),
      EvalCase("1 == 0.0/0.0", "false"),
      EvalCase("[1, 2] == [1.0, 2u]", "true"),
      EvalCase("dyn({1: \"a\"}) == dyn({1u: \"a\"})", "true"),
      EvalCase("{1: \"a\"} == {1u: \"a\"}", "compile: found no matching overload for '_==_' applied to '(map(int, string), map(uint, string))'"),
      EvalCase("1.0 / 0.0", "inf"),
      EvalCase("-1.0 / 0.0 < 0.0", "true"),
      EvalCase("1 == \"1\"", "compile: found no matching overload for '_==_' applied to '(int, string)'"),
      EvalCase("dyn(1) == dyn(\"1\")", "false"),
    ])
  }

  /// int and uint arithmetic is checked: every overflow is an `overflow` error, never a wrap.
  func testIntegerOverflow() {
    EvaluationSupport.check([
      EvalCase("9223372036854775807 + 1", "error overflow: integer overflow in '_+_'"),
      EvalCase("-9223372036854775808 - 1", "error overflow: integer overflow in '_-_'"),
      EvalCase("9223372036854775807 * 2", "error overflow: integer overflow in '_*_'"),
      EvalCase("-9223372036854775808 / -1", "error overflow: integer overflow in '_/_'"),
      EvalCase("-9223372036854775808 % -1", "error overflow: integer overflow in '_%_'"),
      EvalCase("-x", "error overflow: integer overflow in '-_'", bindings: ["x": .int(.min)]),
      EvalCase("-(-9223372036854775807)", "9223372036854775807"),
      EvalCase("18446744073709551615u + 1u", "error overflow: integer overflow in '_+_'"),
      EvalCase("0u - 1u", "error overflow: integer overflow in '_-_'"),
      EvalCase("9223372036854775808u * 2u", "error overflow: integer overflow in '_*_'"),
      EvalCase("9223372036854775806 + 1", "9223372036854775807"),
      EvalCase("int(1e19)", "error range: int conversion out of range"),
      EvalCase("int(-1e19)", "error range: int conversion out of range"),
      EvalCase("int(18446744073709551615u)", "error range: int conversion out of range"),
      EvalCase("uint(-1)", "error range: uint conversion out of range"),
      EvalCase("uint(-1.0)", "error range: uint conversion out of range"),
      EvalCase("int(\"9223372036854775808\")", "error range: int conversion of '9223372036854775808' out of range"),
      EvalCase("int(-9.9)", "-9"),
      EvalCase("uint(9223372036854775807)", "9223372036854775807u"),
      EvalCase("int(9223372036854775807u)", "9223372036854775807"),
    ])
  }

  func testDivisionAndModuloByZero() {
    EvaluationSupport.check([
      EvalCase("1 / 0", "error division_by_zero: division by zero"),
      EvalCase("1 % 0", "error division_by_zero: modulus by zero"),
      EvalCase("1u / 0u", "error division_by_zero: division by zero"),
      EvalCase("1u % 0u", "error division_by_zero: modulus by zero"),
      EvalCase("x / y", "error division_by_zero: division by zero", bindings: ["x": .int(5), "y": .int(0)]),
      EvalCase("7 / 2", "3"),
      EvalCase("-7 / 2", "-3"),
      EvalCase("-7 % 2", "-1"),
      EvalCase("7 % -2", "1"),
      EvalCase("1.0 / 0.0", "inf"),
    ])
  }

  func testIndexingAndMembership() {
    EvaluationSupport.check([
      EvalCase("[1, 2, 3][1]", "2"),
      EvalCase("[1, 2, 3][3]", "error range: index out of bounds: 3"),
      EvalCase("[1, 2, 3][-1]", "error range: index out of bounds: -1"),
      EvalCase("[1, 2][1u]", "2"),
      EvalCase("[1, 2][dyn(1.0)]", "2"),
      EvalCase("[1, 2][dyn(1.5)]", "error invalid_argument: invalid list index 1.5"),
      EvalCase("{\"a\": 1}[\"a\"]", "1"),
      EvalCase("{\"a\": 1}[\"b\"]", "error no_such_key: no such key: \"b\""),
      EvalCase("{1: 2}[dyn(1.0)]", "2"),
      EvalCase("{1: \"x\"}[1u]", "\"x\""),
      EvalCase("m.a", "1", bindings: ["m": .map(MapValue(uncheckedKeys: [.string("a")], values: [.int(1)]))]),
      EvalCase("2 in [1, 2]", "true"),
      EvalCase("3 in [1, 2]", "false"),
      EvalCase("2.0 in [1, 2]", "true"),
      EvalCase("\"a\" in {\"a\": 1}", "true"),
      EvalCase("3 in {1: 2}", "false"),
      EvalCase("1u in {1: 2}", "true"),
      EvalCase("\"a\" in []", "false"),
      EvalCase("{\"a\": 1, \"a\": 2}", "error invalid_argument: Failed with repeated key: \"a\""),
    ])
  }

  func testHasOnMapsAndRecords() {
    let record = ObjectType(name: "receivable", fields: [
      .init(name: "amount", type: .decimal), .init(name: "note", type: .string, optional: true),
    ])
    let withNote = Value.object(ObjectValue(type: record, fields: [EvaluationSupport.dec("10.00"), .string("n")]))
    let withoutNote = Value.object(ObjectValue(type: record, fields: [EvaluationSupport.dec("10.00"), nil]))
    let types: [String: CELType] = ["r": .object(record)]
    EvaluationSupport.check([
      EvalCase("has({\"a\": 1}.a)", "true"),
      EvalCase("has({\"a\": 1}.b)", "false"),
      EvalCase("has(m.a.b)", "true", bindings: ["m": .map(MapValue(uncheckedKeys: [.string("a")], values: [
        .map(MapValue(uncheckedKeys: [.string("b")], values: [.null]))]))]),
      EvalCase("has(r.note)", "true", bindings: ["r": withNote], types: types),
      EvalCase("has(r.note)", "false", bindings: ["r": withoutNote], types: types),
      EvalCase("has(r.amount)", "true", bindings: ["r": withoutNote], types: types),
      EvalCase("r.amount", "10.00m", bindings: ["r": withoutNote], types: types),
      EvalCase("r.note", "error no_such_field: no such field 'note'", bindings: ["r": withoutNote], types: types),
      EvalCase("has(r.note) && r.note.startsWith(\"X\")", "false", bindings: ["r": withoutNote], types: types),
      EvalCase("has(r.note) ? r.note : \"none\"", "\"none\"", bindings: ["r": withoutNote], types: types),
      EvalCase("has(1)", "compile: invalid argument to has() macro [write has(operand.field)]"),
    ])
  }

  func testComprehensionMacros() {
    EvaluationSupport.check([
      EvalCase("[1, 2, 3].all(x, x > 0)", "true"),
      EvalCase("[1, 2, 3].all(x, x > 1)", "false"),
      EvalCase("[].all(x, x > 1)", "true"),
      EvalCase("[1, 2, 3].exists(x, x > 2)", "true"),
      EvalCase("[1, 2, 3].exists(x, x > 3)", "false"),
      EvalCase("[].exists(x, x > 1)", "false"),
      EvalCase("[1, 2, 3].exists_one(x, x > 2)", "true"),
      EvalCase("[1, 2, 3].exists_one(x, x > 1)", "false"),
      EvalCase("[1, 2, 3].map(x, x * 2)", "[2, 4, 6]"),
      EvalCase("[1, 2, 3].map(x, x > 1, x * 2)", "[4, 6]"),
      EvalCase("[1, 2, 3].filter(x, x != 2)", "[1, 3]"),
      EvalCase("{\"a\": 1, \"b\": 2}.all(k, k != \"\")", "true"),
      EvalCase("{\"a\": 1, \"b\": 2}.map(k, k)", "[\"a\", \"b\"]"),
      EvalCase("{\"a\": 1, \"b\": 2}.filter(k, k == \"b\")", "[\"b\"]"),
      EvalCase("[[1, 2], [3]].map(xs, xs.map(x, x + 1))", "[[2, 3], [4]]"),
      EvalCase("[1, 2].exists(x, [3, 4].exists(y, x + y == 6))", "true"),
      EvalCase("xs.filter(x, x > 1).size()", "2", bindings: ["xs": .list([.int(1), .int(2), .int(3)])]),
      // An error inside the predicate decides the result only when nothing else does.
      EvalCase("[1, 0, 3].all(x, 10 / x > 1)", "error division_by_zero: division by zero"),
      EvalCase("[0, 1].exists(x, 10 / x > 20)", "error division_by_zero: division by zero"),
      EvalCase("[0, 1].all(x, 10 / x > 20)", "false"),
      EvalCase("[1, 0].all(x, 10 / x > 20)", "false"),
      EvalCase("[0, 1].exists(x, 10 / x > 1)", "true"),
      EvalCase("[0, 2].exists(x, x > 1 || 10 / x > 1)", "true"),
      EvalCase("{\"a\": 0, \"b\": 1}.all(k, 10 / {\"a\": 0, \"b\": 1}[k] > 20)", "false"),
      EvalCase("[1, 2].exists_one(x, 1 / 0 > x)", "error division_by_zero: division by zero"),
      EvalCase("[1, 0].map(x, 10 / x)", "error division_by_zero: division by zero"),
      EvalCase("[1, 0].filter(x, 10 / x > 1)", "error division_by_zero: division by zero"),
      EvalCase("[2, 0].all(x, x > 1 && 10 / x > 1)", "false"),
    ])
  }

  /// cel-go's two-variable comprehensions: index and element of a list, key and value of a map.
  func testTwoVariableMacros() {
    EvaluationSupport.check([
      EvalCase("[1, 2, 3].all(i, x, x > i)", "true"),
      EvalCase("[10, 20].exists(i, x, i == 1 && x == 20)", "true"),
      EvalCase("[1, 2, 3].existsOne(x, x == 2)", "true"),
      EvalCase("{\"a\": 1, \"b\": 2}.all(k, v, v > 0)", "true"),
      EvalCase("{\"a\": 1, \"b\": 2}.exists_one(k, v, k == \"a\" && v == 1)", "true"),
      EvalCase("[1, 2, 3].transformList(i, x, x * i)", "[0, 2, 6]"),
      EvalCase("[1, 2, 3].transformList(i, x, i > 0, x * 10)", "[20, 30]"),
      EvalCase("{\"a\": 1, \"b\": 2}.transformMap(k, v, v * 10)", "{\"a\": 10, \"b\": 20}"),
      EvalCase("{\"a\": 1, \"b\": 2}.transformMap(k, v, k == \"a\", v + 1)", "{\"a\": 2}"),
      EvalCase("[1, 2].all(x, x, x > 0)", "compile: duplicate variable name 'x'"),
    ])
  }

  func testStringAndBytesOperations() {
    EvaluationSupport.check([
      EvalCase("\"abc\".size()", "3"),
      EvalCase("size(\"héllo\")", "5"),
      EvalCase("size(b\"abc\")", "3"),
      EvalCase("\"abc\" + \"def\"", "\"abcdef\""),
      EvalCase("b\"ab\" + b\"c\"", "b\"abc\""),
      EvalCase("\"abc\".contains(\"b\")", "true"),
      EvalCase("\"abc\".startsWith(\"ab\")", "true"),
      EvalCase("\"abc\".endsWith(\"bc\")", "true"),
      EvalCase("\"abc\" < \"abd\"", "true"),
      EvalCase("b\"a\" < b\"b\"", "true"),
      EvalCase("\"abc\".matches(\"^a.c$\")", "true"),
      EvalCase("matches(\"abc\", \"^b\")", "false"),
      EvalCase("\"Hello\".upperAscii()", "\"HELLO\""),
      EvalCase("\"Hello\".lowerAscii()", "\"hello\""),
      EvalCase("\" x \".trim()", "\"x\""),
      EvalCase("\"a,b,c\".split(\",\")", "[\"a\", \"b\", \"c\"]"),
      EvalCase("[\"a\", \"b\"].join(\"-\")", "\"a-b\""),
      EvalCase("\"hello\".substring(1, 3)", "\"el\""),
      EvalCase("\"hello\".charAt(1)", "\"e\""),
      EvalCase("\"hello\".indexOf(\"l\")", "2"),
      EvalCase("\"hello\".lastIndexOf(\"l\")", "3"),
      EvalCase("\"hello\".replace(\"l\", \"L\")", "\"heLLo\""),
      EvalCase("\"hello\".reverse()", "\"olleh\""),
      EvalCase("\"%s is %d\".format([\"x\", 5])", "\"x is 5\""),
      EvalCase("string(b\"abc\")", "\"abc\""),
      EvalCase("bytes(\"abc\")", "b\"abc\""),
      EvalCase("string(1.5)", "\"1.5\""),
      EvalCase("\"a\" + 1", "compile: found no matching overload for '_+_' applied to '(string, int)'"),
    ])
  }

  func testTimestampsAndDurations() {
    EvaluationSupport.check([
      EvalCase("timestamp(\"2024-02-28T12:00:00Z\") + duration(\"24h\")", "\"2024-02-29T12:00:00Z\""),
      EvalCase("timestamp(\"2024-03-01T00:00:00Z\") - timestamp(\"2024-02-28T00:00:00Z\")", "\"172800s\""),
      EvalCase("timestamp(\"2024-03-01T00:00:00Z\") - duration(\"1h\")", "\"2024-02-29T23:00:00Z\""),
      EvalCase("duration(\"1h30m\").getMinutes()", "90"),
      EvalCase("duration(\"1h\") + duration(\"30m\") == duration(\"90m\")", "true"),
      EvalCase("days(2).getDays()", "2"),
      EvalCase("hours(2) == duration(\"2h\")", "true"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getFullYear()", "2024"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getMonth()", "1"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getDayOfMonth()", "28"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getDate()", "29"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getDayOfWeek()", "4"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getDayOfYear()", "59"),
      EvalCase("timestamp(\"2024-02-29T10:20:30Z\").getHours(\"+05:30\")", "15"),
      EvalCase("timestamp(\"2024-03-01T01:00:00Z\").getDate(\"America/Sao_Paulo\")", "29"),
      EvalCase("timestamp(\"2024-01-01T00:00:00Z\") < timestamp(\"2024-01-02T00:00:00Z\")", "true"),
      EvalCase("int(timestamp(\"1970-01-01T00:01:00Z\"))", "60"),
      EvalCase("timestamp(60)", "\"1970-01-01T00:01:00Z\""),
      EvalCase("string(duration(\"90s\"))", "\"90s\""),
      EvalCase("timestamp(\"bad\")",
               "error invalid_argument: invalid timestamp 'bad', expected RFC 3339 text such as '2009-02-13T23:31:30Z'"),
      EvalCase("timestamp(\"9999-12-31T23:59:59Z\") + duration(\"1s\")",
               "error range: timestamp '9999-12-31T23:59:59Z' + duration '1s' out of range"),
      EvalCase("at + days(30) > due", "true", bindings: [
        "at": .timestamp(Timestamp(seconds: 1_700_000_000)), "due": .timestamp(Timestamp(seconds: 1_700_000_000))]),
    ])
  }

  func testTypeValues() {
    EvaluationSupport.check([
      EvalCase("type(1)", "type(int)"),
      EvalCase("type(1u) == uint", "true"),
      EvalCase("type(\"a\") == string", "true"),
      EvalCase("type(1.5) == double", "true"),
      EvalCase("type([1])", "type(list)"),
      EvalCase("type({})", "type(map)"),
      EvalCase("type(null)", "type(null_type)"),
      EvalCase("type(decimal(\"1\")) == decimal", "true"),
      EvalCase("type(type(1))", "type(type)"),
      EvalCase("type(timestamp(0)) == google.protobuf.Timestamp", "true"),
      EvalCase("type(duration(\"1s\")) == google.protobuf.Duration", "true"),
      EvalCase("type(dyn(1)) == int", "true"),
      EvalCase("type(1) == type(2)", "true"),
      EvalCase("type(dyn(1)) == uint", "false"),
    ])
  }

  /// `dyn` values dispatch on their runtime kind.
  func testDynamicDispatch() {
    let mixed: Value = .list([.int(1), .string("a"), .double(2.5)])
    EvaluationSupport.check([
      EvalCase("dyn(1) + dyn(2)", "3"),
      EvalCase("dyn(\"a\") + dyn(\"b\")", "\"ab\""),
      EvalCase("dyn([1]) + dyn([2])", "[1, 2]"),
      EvalCase("dyn(1) + dyn(2.0)", "error no_such_overload: no such overload: '_+_' applied to (int, double)"),
      EvalCase("xs[0] + 1", "2", bindings: ["xs": mixed]),
      EvalCase("xs[1] + \"b\"", "\"ab\"", bindings: ["xs": mixed]),
      EvalCase("xs[2] * 2.0", "5.0", bindings: ["xs": mixed]),
      EvalCase("xs[1] * 2", "error no_such_overload: no such overload: '_*_' applied to (string, int)", bindings: ["xs": mixed]),
      EvalCase("xs.size()", "3", bindings: ["xs": mixed]),
      EvalCase("xs.exists(x, type(x) == string)", "true", bindings: ["xs": mixed]),
      EvalCase("[1, \"a\"][1] == \"a\"", "true"),
      EvalCase("{\"a\": 1, 2: \"b\"}[2]", "\"b\""),
    ])
  }
}
