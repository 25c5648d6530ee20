import XCTest
@testable import PolicyExpr

final class StringLibraryTests: XCTestCase {
  /// Invokes the overload `id` of ``StringLibrary`` on `args`.
  private func call(_ id: String, _ args: Value...) throws(EvalError) -> Value {
    guard let overload = StringLibrary.functions.lazy.flatMap(\.overloads).first(where: { $0.id == id }) else {
      throw EvalError(.noSuchOverload, "test: no overload '\(id)'")
    }
    switch overload.implementation {
    case .unary(let f): return try f(args[0])
    case .binary(let f): return try f(args[0], args[1])
    case .ternary(let f): return try f(args[0], args[1], args[2])
    case .variadic(let f): return try f(args)
    }
  }

  /// A compact rendering of a result for exact comparisons: `"abc"`, `5`, `true`, `["a", "b"]`.
  private func show(_ v: Value) -> String {
    switch v {
    case .string(let s): "\"\(s)\""
    case .int(let i): "\(i)"
    case .uint(let u): "\(u)u"
    case .double(let d): "\(d)"
    case .bool(let b): "\(b)"
    case .bytes(let b): "b\(b)"
    case .list(let items): "[" + items.map(show).joined(separator: ", ") + "]"
    default: "<\(v.kindName)>"
    }
  }

  private func expectError(_ message: String, _ kind: EvalError.Kind? = nil, _ f: () throws -> Value,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try f(), file: file, line: line) { error in
      let e = error as! EvalError
      XCTAssertEqual(e.message, message, file: file, line: line)
      if let kind { XCTAssertEqual(e.kind, kind, file: file, line: line) }
    }
  }

  private func map(_ pairs: [(Value, Value)]) -> Value {
    guard case .success(let m) = MapValue.make(keys: pairs.map(\.0), values: pairs.map(\.1)) else {
      XCTFail("bad test map")
      return .null
    }
    return .map(m)
  }

  func testOverloadIDsAreUniqueAndArityMatches() {
    let overloads = StringLibrary.functions.flatMap(\.overloads)
    XCTAssertEqual(Set(overloads.map(\.id)).count, overloads.count)
    for o in overloads {
      let arity = switch o.implementation { case .unary: 1; case .binary: 2; case .ternary: 3; case .variadic: o.params.count }
      XCTAssertEqual(arity, o.params.count, o.id)
    }
  }

  /// cel-spec string.json: size, starts_with, ends_with, contains, concatenation, bytes_concat.
  func testCoreFunctions() throws {
    let sizes: [(String, Int64)] = [("", 0), ("A", 1), ("ÿ", 1), ("four", 4), ("πέντε", 5), ("🐱😀", 2)]
    for (s, n) in sizes {
      XCTAssertEqual(show(try call("size_string", .string(s))), "\(n)")
      XCTAssertEqual(show(try call("string_size", .string(s))), "\(n)")
    }
    XCTAssertEqual(show(try call("size_bytes", .bytes([0x61, 0xFF, 0]))), "3")
    let prefix: [(String, String, Bool)] = [("foobar", "foo", true), ("foobar", "bar", false), ("", "foo", false),
                                            ("foobar", "", true), ("", "", true), ("завтра", "за", true), ("🐱😀😛", "🐱", true)]
    for (s, p, want) in prefix { XCTAssertEqual(show(try call("starts_with_string", .string(s), .string(p))), "\(want)") }
    let suffix: [(String, String, Bool)] = [("foobar", "bar", true), ("foobar", "foo", false), ("", "foo", false),
                                            ("foobar", "", true), ("", "", true), ("forté", "té", true), ("🐱😀😛", "😛", true)]
    for (s, p, want) in suffix { XCTAssertEqual(show(try call("ends_with_string", .string(s), .string(p))), "\(want)") }
    let contains: [(String, String, Bool)] = [("hello", "he", true), ("hello", "", true), ("hello", "ol", false),
                                              ("abababc", "ababc", true), ("Straße", "aß", true), ("🐱😀😁", "😀", true),
                                              ("", "something", false), ("", "", true)]
    for (s, p, want) in contains { XCTAssertEqual(show(try call("contains_string", .string(s), .string(p))), "\(want)") }
    XCTAssertEqual(show(try call("add_string", .string("r"), .string("ôle"))), "\"rôle\"")
    XCTAssertEqual(show(try call("add_bytes", .bytes([0x61]), .bytes([0xFF]))), "b[97, 255]")
  }

  /// cel-spec conversions.json: string, bytes, int/uint/double from strings, bool.
  func testConversions() throws {
    XCTAssertEqual(show(try call("int64_to_string", .int(-456))), "\"-456\"")
    XCTAssertEqual(show(try call("uint64_to_string", .uint(9876))), "\"9876\"")
    let doubles: [(Double, String)] = [(123.456, "123.456"), (-4.5e-3, "-0.0045"), (1e6, "1e+06"), (123456, "123456"),
                                       (1234567, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (0, "0"),
                                       (-0.0, "-0"), (1.5e300, "1.5e+300"), (.infinity, "inf"), (-.infinity, "-inf"),
                                       (.nan, "nan"), (.leastNonzeroMagnitude, "5e-324"), (100, "100")]
    for (d, text) in doubles { XCTAssertEqual(show(try call("double_to_string", .double(d))), "\"\(text)\"", "\(d)") }
    XCTAssertEqual(show(try call("bool_to_string", .bool(true))), "\"true\"")
    XCTAssertEqual(show(try call("bytes_to_string", .bytes([0x61, 0x62, 0x63]))), "\"abc\"")
    XCTAssertEqual(show(try call("bytes_to_string", .bytes([0xC3, 0xBF]))), "\"ÿ\"")
    expectError("invalid UTF-8 in bytes converted to string", .conversion) { try self.call("bytes_to_string", .bytes([0, 0xFF])) }
    XCTAssertEqual(show(try call("string_to_bytes", .string("ÿ"))), "b[195, 191]")
    XCTAssertEqual(show(try call("string_to_int64", .string("987"))), "987")
    XCTAssertEqual(show(try call("string_to_int64", .string("-9223372036854775808"))), "-9223372036854775808")
    expectError("int conversion of '9223372036854775808' out of range", .outOfRange) { try self.call("string_to_int64", .string("9223372036854775808")) }
    expectError("cannot convert string ' 1' to int", .conversion) { try self.call("string_to_int64", .string(" 1")) }
    expectError("cannot convert string '1.0' to int") { try self.call("string_to_int64", .string("1.0")) }
    XCTAssertEqual(show(try call("string_to_uint64", .string("300"))), "300u")
    expectError("cannot convert string '-1' to uint") { try self.call("string_to_uint64", .string("-1")) }
    let parsed: [(String, String)] = [("0", "0.0"), ("-0.0", "-0.0"), ("123.456", "123.456"), ("6.02214e23", "6.02214e+23"),
                                      ("-84.32e7", "-843200000.0"), ("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf"),
                                      ("-inf", "-inf"), (".5", "0.5")]
    for (text, want) in parsed { XCTAssertEqual(show(try call("string_to_double", .string(text))), want, text) }
    expectError("double conversion of '1e400' out of range") { try self.call("string_to_double", .string("1e400")) }
    expectError("cannot convert string '1 ' to double") { try self.call("string_to_double", .string("1 ")) }
    expectError("cannot convert string '' to double") { try self.call("string_to_double", .string("")) }
    for t in ["1", "t", "true", "TRUE", "True"] { XCTAssertEqual(show(try call("string_to_bool", .string(t))), "true") }
    for f in ["0", "f", "false", "FALSE", "False"] { XCTAssertEqual(show(try call("string_to_bool", .string(f))), "false") }
    expectError("type conversion error from string 'TrUe' to bool", .conversion) { try self.call("string_to_bool", .string("TrUe")) }
  }

  /// cel-spec string_ext.json: char_at, index_of, last_index_of, ascii_casing, replace, split,
  /// substring, trim, join, reverse, value_errors.
  func testStringsExtension() throws {
    func s(_ x: String) -> Value { .string(x) }
    func i(_ x: Int64) -> Value { .int(x) }
    let cases: [(String, [Value], String)] = [
      ("string_char_at_int", [s("tacocat"), i(3)], "\"o\""), ("string_char_at_int", [s("tacocat"), i(7)], "\"\""),
      ("string_char_at_int", [s("©αT"), i(1)], "\"α\""),
      ("string_index_of_string", [s("tacocat"), s("")], "0"), ("string_index_of_string", [s("tacocat"), s("ac")], "1"),
      ("string_index_of_string", [s("tacocat"), s("none")], "-1"), ("string_index_of_string_int", [s("tacocat"), s(""), i(3)], "3"),
      ("string_index_of_string_int", [s("tacocat"), s("a"), i(3)], "5"), ("string_index_of_string_int", [s("tacocat"), s("at"), i(3)], "5"),
      ("string_index_of_string", [s("ta©o©αT"), s("©")], "2"), ("string_index_of_string_int", [s("ta©o©αT"), s("©"), i(3)], "4"),
      ("string_index_of_string_int", [s("ta©o©αT"), s("©αT"), i(3)], "4"), ("string_index_of_string_int", [s("ta©o©αT"), s("©α"), i(5)], "-1"),
      ("string_index_of_string_int", [s("hello wello"), s("ello"), i(6)], "7"), ("string_index_of_string", [s(""), s("a")], "-1"),
      ("string_last_index_of_string", [s(""), s("@@")], "-1"), ("string_last_index_of_string", [s("tacocat"), s("")], "7"),
      ("string_last_index_of_string", [s("tacocat"), s("at")], "5"), ("string_last_index_of_string_int", [s("tacocat"), s(""), i(3)], "3"),
      ("string_last_index_of_string_int", [s("tacocat"), s("a"), i(3)], "1"), ("string_last_index_of_string", [s("ta©o©αT"), s("©")], "4"),
      ("string_last_index_of_string_int", [s("ta©o©αT"), s("©"), i(3)], "2"), ("string_last_index_of_string_int", [s("ta©o©αT"), s("©α"), i(4)], "4"),
      ("string_last_index_of_string_int", [s("hello wello"), s("ello"), i(6)], "1"),
      ("string_last_index_of_string", [s("hello wello"), s("hello wello")], "0"),
      ("string_last_index_of_string_int", [s("bananananana"), s("nana"), i(7)], "6"),
      ("string_lower_ascii", [s("TacoCÆt Xii")], "\"tacocÆt xii\""), ("string_upper_ascii", [s("tacoCαt")], "\"TACOCαT\""),
      ("string_replace_string_string", [s("{0} days {0} hours"), s("{0}"), s("2")], "\"2 days 2 hours\""),
      ("string_replace_string_string_int", [s("{0} days {0} hours"), s("{0}"), s("2"), i(1)], "\"2 days {0} hours\""),
      ("string_replace_string_string_int", [s("hello"), s("l"), s("L"), i(0)], "\"hello\""),
      ("string_replace_string_string", [s("1 ©αT taco"), s("αT"), s("o©α")], "\"1 ©o©α taco\""),
      ("string_replace_string_string", [s("ab©"), s(""), s("-")], "\"-a-b-©-\""),
      ("string_replace_string_string_int", [s("ab©"), s(""), s("-"), i(2)], "\"-a-b©\""),
      ("string_split_string", [s("hello world"), s(" ")], "[\"hello\", \"world\"]"),
      ("string_split_string_int", [s("hello world events!"), s(" "), i(0)], "[]"),
      ("string_split_string_int", [s("hello world events!"), s(" "), i(1)], "[\"hello world events!\"]"),
      ("string_split_string_int", [s("hello world events!"), s(" "), i(2)], "[\"hello\", \"world events!\"]"),
      ("string_split_string_int", [s("o©o©o©o"), s("©"), i(-1)], "[\"o\", \"o\", \"o\", \"o\"]"),
      ("string_split_string", [s("a©b"), s("")], "[\"a\", \"©\", \"b\"]"),
      ("string_split_string_int", [s("a©b"), s(""), i(2)], "[\"a\", \"©b\"]"),
      ("string_split_string", [s(""), s(",")], "[\"\"]"), ("string_split_string", [s(""), s("")], "[]"),
      ("string_substring_int", [s("tacocat"), i(4)], "\"cat\""), ("string_substring_int", [s("tacocat"), i(7)], "\"\""),
      ("string_substring_int_int", [s("tacocat"), i(0), i(4)], "\"taco\""), ("string_substring_int_int", [s("tacocat"), i(4), i(4)], "\"\""),
      ("string_substring_int_int", [s("ta©o©αT"), i(2), i(6)], "\"©o©α\""), ("string_substring_int_int", [s("ta©o©αT"), i(7), i(7)], "\"\""),
      ("string_trim", [s(" \u{0C}\n\r\t\u{0B}text  ")], "\"text\""), ("string_trim", [s("\u{85}\u{A0}\u{1680}text")], "\"text\""),
      ("string_trim", [s("text\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2006}\u{2007}\u{2008}\u{2009}")], "\"text\""),
      ("string_trim", [s("\u{200A}text\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}")], "\"text\""),
      ("string_trim", [s("\u{180E}text\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}")], "\"\u{180E}text\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\""),
      ("string_trim", [s("  ")], "\"\""),
      ("list_join", [.list([s("x"), s("y")])], "\"xy\""), ("list_join_string", [.list([s("x"), s("y")]), s("-")], "\"x-y\""),
      ("list_join", [.list([])], "\"\""), ("list_join_string", [.list([]), s("-")], "\"\""),
      ("string_reverse", [s("")], "\"\""), ("string_reverse", [s("☺")], "\"☺\""), ("string_reverse", [s("Ta©oCαt")], "\"tαCo©aT\""),
    ]
    for (id, args, want) in cases {
      let got: Value
      switch args.count {
      case 1: got = try call(id, args[0])
      case 2: got = try call(id, args[0], args[1])
      case 3: got = try call(id, args[0], args[1], args[2])
      default: got = try call(id, args[0], args[1], args[2], args[3])
      }
      XCTAssertEqual(show(got), want, "\(id)(\(args.map(show).joined(separator: ", ")))")
    }
    expectError("index out of range: 30", .outOfRange) { try self.call("string_char_at_int", s("tacocat"), i(30)) }
    expectError("index out of range: -1") { try self.call("string_char_at_int", s("tacocat"), i(-1)) }
    expectError("index out of range: 30") { try self.call("string_index_of_string_int", s("tacocat"), s("a"), i(30)) }
    expectError("index out of range: -1") { try self.call("string_last_index_of_string_int", s("tacocat"), s("a"), i(-1)) }
    expectError("index out of range: 30") { try self.call("string_last_index_of_string_int", s("tacocat"), s("a"), i(30)) }
    expectError("index out of range: 40") { try self.call("string_substring_int", s("tacocat"), i(40)) }
    expectError("index out of range: -1") { try self.call("string_substring_int", s("tacocat"), i(-1)) }
    expectError("index out of range: 50") { try self.call("string_substring_int_int", s("tacocat"), i(1), i(50)) }
    expectError("index out of range: 49") { try self.call("string_substring_int_int", s("tacocat"), i(49), i(50)) }
    expectError("invalid substring range. start: 4, end: 3") { try self.call("string_substring_int_int", s("tacocat"), i(4), i(3)) }
    expectError("join: list element 1 is int, expected string") { try self.call("list_join", .list([s("a"), i(1)])) }
    expectError("no such overload: 'charAt' applied to (int, int)", .noSuchOverload) { try self.call("string_char_at_int", i(42), i(2)) }
    expectError("no such overload: 'replace' applied to (string, string, string, bool)") {
      try self.call("string_replace_string_string_int", s("42"), s("2"), s("1"), .bool(false))
    }
  }

  /// cel-spec string_ext.json: quote.
  func testQuote() throws {
    let cases: [(String, String)] = [
      ("first\nsecond", #""first\nsecond""#), ("bell\u{07}", #""bell\a""#), ("\u{08}backspace", #""\bbackspace""#),
      ("\u{0C}form feed", #""\fform feed""#), ("carriage \r return", #""carriage \r return""#),
      ("horizontal tab\t", #""horizontal tab\t""#), ("vertical \u{0B} tab", #""vertical \v tab""#),
      (#"double \\ slash"#, #""double \\\\ slash""#), (#"two escape sequences \a\n"#, #""two escape sequences \\a\\n""#),
      ("verbatim", #""verbatim""#), (#"ends with \"#, #""ends with \\""#), (#"\ starts with"#, #""\\ starts with""#),
      ("printable unicode😀", "\"printable unicode😀\""), ("mid string \" quote", #""mid string \" quote""#),
      ("single-quote with \"double quote\"", #""single-quote with \"double quote\"""#),
      ("завтра", "\"завтра\""), ("🐱😀😛", "\"🐱😀😛\""), ("", "\"\""),
    ]
    for (input, want) in cases { XCTAssertEqual(show(try call("strings_quote", .string(input))), "\"\(want)\"", input) }
  }

  func testSizeLimits() throws {
    let half = String(repeating: "x", count: 600_000)
    expectError("result of '_+_' would be 1200000 bytes, over the limit of 1048576", .sizeLimit) {
      try self.call("add_string", .string(half), .string(half))
    }
    expectError("result of 'replace' would be 6000000 bytes, over the limit of 1048576", .sizeLimit) {
      try self.call("string_replace_string_string", .string(half), .string("x"), .string("0123456789"))
    }
    expectError("result of 'join' would be 1200001 bytes, over the limit of 1048576", .sizeLimit) {
      try self.call("list_join_string", .list([.string(half), .string(half)]), .string("-"))
    }
    expectError("result of 'strings.quote' would be 1200002 bytes, over the limit of 1048576", .sizeLimit) {
      try self.call("strings_quote", .string(String(repeating: "\n", count: 600_000)))
    }
    XCTAssertThrowsError(try call("string_format", .string("%s%s"), .list([.string(half), .string(half)]))) { error in
      XCTAssertEqual((error as! EvalError).kind, .sizeLimit)
    }
  }

  /// cel-spec string_ext.json: format and format_errors (all but the proto-message cases).
  func testFormat() throws {
    func fmt(_ template: String, _ args: [Value]) throws(EvalError) -> String {
      guard case .string(let out) = try call("string_format", .string(template), .list(args)) else { return "<not a string>" }
      return out
    }
    let ts = Value.timestamp(try Timestamp(parsing: "2023-02-03T23:31:20Z"))
    let cases: [(String, [Value], String)] = [
      ("no substitution", [], "no substitution"),
      ("str is %s and some more", [.string("filler")], "str is filler and some more"),
      ("%% and also %%", [], "% and also %"), ("%%%s%%", [.string("text")], "%text%"),
      ("%s%%", [.string("percent on the right")], "percent on the right%"),
      ("%d %d %d, %s %s %s", [.int(1), .int(2), .int(3), .string("A"), .string("B"), .string("C")], "1 2 3, A B C"),
      ("%.3f", [.double(1.2345)], "1.234"), ("this is 5 in binary: %b", [.int(5)], "this is 5 in binary: 101"),
      ("%b", [.uint(64)], "1000000"), ("%b", [.bool(true)], "1"), ("%b", [.int(-5)], "-101"),
      ("%o", [.int(11)], "13"), ("%o", [.uint(65535)], "177777"),
      ("%x is 20 in hexadecimal", [.int(30)], "1e is 20 in hexadecimal"), ("%X", [.int(30)], "1E"), ("%x", [.int(-30)], "-1e"),
      ("%X", [.uint(6000)], "1770"), ("%x", [.string("Hello world!")], "48656c6c6f20776f726c6421"),
      ("%X", [.string("Hello world!")], "48656C6C6F20776F726C6421"), ("%x", [.bytes(Array("byte string".utf8))], "6279746520737472696e67"),
      ("%.6e", [.double(1052.032911275)], "1.052033e+03"), ("%f", [.double(2.71828)], "2.718280"),
      ("%f", [.int(2)], "2.000000"), ("%f", [.uint(3)], "3.000000"), ("%e", [.double(2.71828)], "2.718280e+00"),
      ("%e", [.int(2)], "2.000000e+00"), ("%e", [.uint(3)], "3.000000e+00"),
      ("%e", [.double(.nan)], "NaN"), ("%e", [.double(.infinity)], "Infinity"), ("%e", [.double(-.infinity)], "-Infinity"),
      ("%d", [.double(.nan)], "NaN"), ("%d", [.double(.infinity)], "Infinity"), ("%f", [.double(-.infinity)], "-Infinity"),
      ("%d", [.uint(64)], "64"), ("%s", [.null], "null"), ("%s", [.int(999_999_999_999)], "999999999999"),
      ("%s", [.bytes(Array("xyz".utf8))], "xyz"), ("%s", [.type(.string)], "string"), ("%s", [ts], "2023-02-03T23:31:20Z"),
      ("%s", [.duration(try DurationValue(parsing: "1h45m47s"))], "6347s"),
      ("%s", [.list([.string("abc"), .double(3.14), .null, .list([.int(9), .int(8), .int(7), .int(6)]), ts])],
       "[abc, 3.14, null, [9, 8, 7, 6], 2023-02-03T23:31:20Z]"),
      ("%s", [map([(.string("key1"), .bytes(Array("xyz".utf8))), (.string("key5"), .null),
                   (.string("key2"), .duration(DurationValue(seconds: 7200))), (.string("key4"), .bool(true)),
                   (.string("key3"), .double(2.71828))])],
       "{key1: xyz, key2: 7200s, key3: 2.71828, key4: true, key5: null}"),
      ("%s", [map([(.int(1), .string("value1")), (.uint(2), .string("value2")), (.bool(true), .double(.nan))])],
       "{1: value1, 2: value2, true: NaN}"),
      ("%s", [map([(.string("strKey"), .string("x")), (.int(6), .duration(DurationValue(seconds: 422))), (.bool(true), .int(42))])],
       "{6: 422s, strKey: x, true: 42}"),
      ("%s, %s", [.bool(true), .bool(false)], "true, false"), ("%s, %s", [.int(32), .double(56.8)], "32, 56.8"),
      ("%s", [.list([.double(.nan), .double(.infinity), .double(-.infinity)])], "[NaN, Infinity, -Infinity]"),
      ("%s", [.double(1e21)], "1000000000000000000000"), ("%s", [.double(1e-7)], "0.0000001"),
      ("%.0f", [.double(123.0)], "123"), ("%.0f", [.double(3.5001)], "4"), ("%.0f", [.double(3.4999)], "3"),
      ("%.0f", [.double(1.5)], "2"), ("%.0f", [.double(2.5)], "2"), ("%.3f", [.double(123.4999)], "123.500"),
      ("%.3f", [.double(123.4994)], "123.499"), ("%.3f", [.double(-123.4999)], "-123.500"),
      ("%.3f", [.double(-123.4994)], "-123.499"), ("%.5f", [.double(-1.2)], "-1.20000"),
      ("%.2f", [.decimal(DecimalNumber(parsing: "2.675")!)], "2.68"), ("%.2f", [.decimal(DecimalNumber(parsing: "2.665")!)], "2.66"),
      ("%.3f", [.decimal(DecimalNumber(parsing: "12")!)], "12.000"), ("%s", [.decimal(DecimalNumber(parsing: "225000.5")!)], "225000.5"),
      ("ünïcode %s ✓", [.string("é")], "ünïcode é ✓"),
    ]
    for (template, args, want) in cases { XCTAssertEqual(try fmt(template, args), want, template) }

    let errors: [(String, [Value], String)] = [
      ("%a", [.int(1)], "could not parse formatting clause: unrecognized formatting clause \"a\""),
      ("%d %d %d", [.int(0), .int(1)], "index 2 out of range"),
      ("string is %b", [.string("abc")], "error during formatting: only integers and bools can be formatted as binary, was given string"),
      ("%d", [.duration(DurationValue(seconds: 1802))], "error during formatting: decimal clause can only be used on integers, was given google.protobuf.Duration"),
      ("octal: %o", [.string("a string")], "error during formatting: octal clause can only be used on integers, was given string"),
      ("double is %x", [.double(0.5)], "error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given double"),
      ("double is %E", [.double(0.5)], "could not parse formatting clause: unrecognized formatting clause \"E\""),
      ("null: %d", [.null], "error during formatting: decimal clause can only be used on integers, was given null_type"),
      ("null: %e", [.null], "error during formatting: scientific clause can only be used on doubles, was given null_type"),
      ("null: %f", [.null], "error during formatting: fixed-point clause can only be used on doubles, was given null_type"),
      ("null: %X", [.null], "error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given null_type"),
      ("null: %b", [.null], "error during formatting: only integers and bools can be formatted as binary, was given null_type"),
      ("null: %o", [.null], "error during formatting: octal clause can only be used on integers, was given null_type"),
      ("%s", [.optional(OptionalBox(nil))], "error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given optional_type"),
      ("%", [.int(1)], "unexpected end of string"),
      ("%.3", [.double(1)], "could not parse formatting clause: error while parsing precision: could not find end of precision specifier"),
      ("%.500f", [.double(1)], "could not parse formatting clause: error while parsing precision: precision 500 exceeds maximum allowed precision 100"),
      ("%é", [.int(1)], "could not parse formatting clause: unrecognized formatting clause \"é\""),
    ]
    for (template, args, message) in errors {
      expectError(message, .invalidArgument) { try self.call("string_format", .string(template), .list(args)) }
    }
  }
}
