import PolicySource
import XCTest

@testable import PolicyExpr

/// Prints an expression tree compactly, to compare parses against expected shapes.
///
/// `(f a b)` is a global call, `(.f t a)` a receiver call, `(. a f)` a select, `(has a f)` a
/// presence test, `[a b]` a list, `{k: v}` a map, `(fold x [y] range accu init cond step result)` a
/// comprehension; literals print as `1`, `1u`, `1.5`, `"s"`, `b"s"`, `true`, `null`.
func sExpression(_ e: Expr) -> String {
  switch e.kind {
  case .literal(let literal):
    switch literal {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .uint(let u): return "\(u)u"
    case .double(_, let text): return text
    case .string(let s): return quoted(Array(s.utf8), prefix: "")
    case .bytes(let b): return quoted(b, prefix: "b")
    }
  case .ident(let name):
    return name
  case .select(let operand, let field, let testOnly):
    return "(\(testOnly ? "has" : ".") \(sExpression(operand)) \(field))"
  case .call(let function, let target, let args):
    let head = target.map { ".\(function) \(sExpression($0))" } ?? function
    return "(" + ([head] + args.map(sExpression)).joined(separator: " ") + ")"
  case .list(let elements):
    return "[" + elements.map(sExpression).joined(separator: " ") + "]"
  case .map(let entries):
    return "{" + entries.map { "\(sExpression($0.key)): \(sExpression($0.value))" }.joined(separator: ", ") + "}"
  case .comprehension(let c):
    let vars = [c.iterVar] + (c.iterVar2.map { [$0] } ?? [])
    let parts = ["fold"] + vars + [c.iterRange, c.accuInit].map(sExpression) + [c.accuVar]
      + [c.loopCondition, c.loopStep, c.result].map(sExpression)
    return "(" + parts.joined(separator: " ") + ")"
  }
}

private func quoted(_ bytes: [UInt8], prefix: String) -> String {
  var out = prefix + "\""
  for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F {
        out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  if prefix == "b" && String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes) == false {
    return prefix + "[" + bytes.map { String($0) }.joined(separator: ",") + "]"
  }
  return out + "\""
}

/// `source` without its `1️⃣`…`9️⃣` markers, and each marker's UTF-8 offset in the stripped text.
func strippingMarkers(_ source: String) -> (String, [String: Int32]) {
  let markers = (1...9).map { "\($0)\u{FE0F}\u{20E3}" }
  let patterns = markers.map { Array($0.utf8) }
  let bytes = Array(source.utf8)
  var out: [UInt8] = []
  var offsets: [String: Int32] = [:]
  var i = 0
  scan: while i < bytes.count {
    for (index, pattern) in patterns.enumerated()
    where i + pattern.count <= bytes.count && Array(bytes[i..<i + pattern.count]) == pattern {
      offsets[markers[index]] = Int32(out.count)
      i += pattern.count
      continue scan
    }
    out.append(bytes[i])
    i += 1
  }
  return (String(decoding: out, as: UTF8.self), offsets)
}

/// Asserts that parsing `markedSource` fails with exactly the given messages at the marked offsets.
func assertParseDiagnostics(
  _ markedSource: String, _ expected: [String: String], limits: Limits = .default,
  code: DiagnosticCode = .exprSyntaxError, file: StaticString = #filePath, line: UInt = #line
) {
  let (source, offsets) = strippingMarkers(markedSource)
  let (parsed, diagnostics) = ExprParser.parse(source, limits: limits)
  XCTAssertNil(parsed, "expected no expression for \(source)", file: file, line: line)
  let actual = diagnostics.map { "\($0.range.start): \($0.message)" }
  let wanted = expected.sorted { offsets[$0.key] ?? -1 < offsets[$1.key] ?? -1 }.map {
    "\(offsets[$0.key].map(String.init) ?? "missing marker \($0.key)"): \($0.value)"
  }
  XCTAssertEqual(actual, wanted, "for \(source)", file: file, line: line)
  for d in diagnostics { XCTAssertEqual(d.code, code, "code of '\(d.message)'", file: file, line: line) }
}

/// Parses `source` and returns its S-expression, failing the test on diagnostics.
func parsedSExpression(_ source: String, macros: Bool = true, file: StaticString = #filePath, line: UInt = #line) -> String? {
  let (parsed, diagnostics) = ExprParser.parse(source, macros: macros)
  XCTAssertEqual(diagnostics.map(\.message), [], "for \(source)", file: file, line: line)
  return parsed.map { sExpression($0.root) }
}

/// Asserts the S-expression of each source in `cases`.
func assertParseShapes(_ cases: [(String, String)], macros: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
  for (source, expected) in cases {
    XCTAssertEqual(parsedSExpression(source, macros: macros, file: file, line: line), expected, "for \(source)", file: file, line: line)
  }
}

final class ParserTests: XCTestCase {
  func testPrecedence() {
    assertParseShapes([
      ("a || b && c", "(_||_ a (_&&_ b c))"),
      ("a && b || c", "(_||_ (_&&_ a b) c)"),
      ("a < b == c", "(_==_ (_<_ a b) c)"),
      ("a + b * c - d", "(_-_ (_+_ a (_*_ b c)) d)"),
      ("a * b / c % d", "(_%_ (_/_ (_*_ a b) c) d)"),
      ("a - b - c", "(_-_ (_-_ a b) c)"),
      ("a in b && c != d", "(_&&_ (@in a b) (_!=_ c d))"),
      ("a <= b || a >= b || a > b", "(_||_ (_||_ (_<=_ a b) (_>=_ a b)) (_>_ a b))"),
      ("a ? b : c ? d : e", "(_?_:_ a b (_?_:_ c d e))"),
      ("a || b ? c + 1 : d", "(_?_:_ (_||_ a b) (_+_ c 1) d)"),
      ("(a + b) * c", "(_*_ (_+_ a b) c)"),
      ("!a && -b < c", "(_&&_ (!_ a) (_<_ (-_ b) c))"),
      ("-a.b[0]", "(-_ (_[_] (. a b) 0))"),
    ])
  }

  func testLogicalChainsAreBalanced() {
    assertParseShapes([
      ("a && b && c && d", "(_&&_ (_&&_ a b) (_&&_ c d))"),
      ("a || b || c", "(_||_ (_||_ a b) c)"),
      ("a || b || c || d || e", "(_||_ (_||_ (_||_ a b) c) (_||_ d e))"),
    ])
  }

  func testUnaryRuns() {
    assertParseShapes([
      ("!a", "(!_ a)"),
      ("!!a", "a"),
      ("!!!a", "(!_ a)"),
      ("-a", "(-_ a)"),
      ("--a", "a"),
      ("-1", "-1"),
      ("- 1", "-1"),
      ("--1", "(-_ -1)"),
      ("---1", "-1"),
      ("-1.5", "-1.5"),
      ("-1u", "(-_ 1u)"),
      ("-9223372036854775808", "-9223372036854775808"),
      ("-1.abs()", "(.abs -1)"),
      ("-(1)", "(-_ 1)"),
      ("!-1", "(!_ -1)"),
      ("!!-1.5", "-1.5"),
    ])
  }

  func testMembersCallsAndIndexes() {
    assertParseShapes([
      ("a.b.c", "(. (. a b) c)"),
      (".a.b", "(. .a b)"),
      ("f()", "(f)"),
      ("f(a, b)", "(f a b)"),
      (".f(a)", "(.f a)"),
      ("a.f()", "(.f a)"),
      ("a.b.f(1, 2).g", "(. (.f (. a b) 1 2) g)"),
      ("a[0][1]", "(_[_] (_[_] a 0) 1)"),
    ])
    // Reserved words may follow a dot.
    assertParseShapes([("a.if", "(. a if)"), ("a.while()", "(.while a)"), ("{'as': 1}.as", "(. {\"as\": 1} as)")])
  }

  func testListsAndMaps() {
    assertParseShapes([
      ("[]", "[]"),
      ("[1]", "[1]"),
      ("[1, 2,]", "[1 2]"),
      ("[[1], [2, 3]]", "[[1] [2 3]]"),
      ("{}", "{}"),
      ("{'a': 1, 2: [3],}", "{\"a\": 1, 2: [3]}"),
      ("{a: b}", "{a: b}"),
    ])
  }

  func testLiterals() {
    assertParseShapes([
      ("0", "0"),
      ("123", "123"),
      ("0x1F", "31"),
      ("0xff", "255"),
      ("9223372036854775807", "9223372036854775807"),
      ("12u", "12u"),
      ("12U", "12u"),
      ("0x1Fu", "31u"),
      ("18446744073709551615u", "18446744073709551615u"),
      ("1.5", "1.5"),
      (".5", ".5"),
      ("1e3", "1e3"),
      ("1E-3", "1E-3"),
      ("2.5e+10", "2.5e+10"),
      ("true", "true"),
      ("false", "false"),
      ("null", "null"),
    ])
    let (parsed, _) = ExprParser.parse("1.25e2")
    guard case .literal(.double(let value, let text))? = parsed?.root.kind else { return XCTFail("not a double") }
    XCTAssertEqual(value, 125)
    XCTAssertEqual(text, "1.25e2")
  }

  func testIntegerBoundaries() {
    assertParseDiagnostics("1️⃣9223372036854775808", ["1️⃣": "int literal '9223372036854775808' is out of range"])
    assertParseDiagnostics("1️⃣-9223372036854775809", ["1️⃣": "int literal '-9223372036854775809' is out of range"])
    assertParseDiagnostics("1️⃣18446744073709551616u", ["1️⃣": "uint literal '18446744073709551616u' is out of range"])
    assertParseDiagnostics("1️⃣0x8000000000000000", ["1️⃣": "int literal '0x8000000000000000' is out of range"])
    assertParseDiagnostics("1️⃣1e400", ["1️⃣": "double literal '1e400' is out of range"])
    assertParseShapes([("-0x8000000000000000", "-9223372036854775808"), ("0xFFFFFFFFFFFFFFFFu", "18446744073709551615u")])
  }

  func testNumberEdges() {
    // `1.` is not a double: it is 1 followed by a member access.
    assertParseDiagnostics("1.1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("11️⃣e", ["1️⃣": "unexpected token 'e'"])
    assertParseShapes([("1.e3()", "(.e3 1)")])
  }

  func testStringsAndEscapes() {
    assertParseShapes([
      (#"'abc'"#, #""abc""#),
      (#""abc""#, #""abc""#),
      (#"'a"b'"#, #""a\"b""#),
      ("'''a'b\n'''", #""a'b\n""#),
      (#""""a""b""""#, #""a\"\"b""#),
      (#"'\a\b\f\n\r\t\v\\\'\"\`\?'"#, #""\x07\x08\x0c\n\x0d\x09\x0b\\'\"`?""#),
      (#"'\x41\X42\101\u0043\U00000044'"#, #""ABACD""#),
      (#"'\xe9'"#, #""é""#),
      (#"'\u00e9\U0001F600'"#, "\"é😀\""),
      (#"r'\n\x'"#, #""\\n\\x""#),
      (#"R"\""#, #""\\""#),
      ("r'''a\\'''", #""a\\""#),
      ("'héllo 😀'", "\"héllo 😀\""),
    ])
  }

  func testBytes() {
    assertParseShapes([
      (#"b'abc'"#, #"b"abc""#),
      (#"B"\x41\101""#, #"b"AA""#),
      (#"b'\n'"#, #"b"\n""#),
      (#"br'\n'"#, #"b"\\n""#),
      (#"BR'''x'''"#, #"b"x""#),
      (#"b'\xff\377\000'"#, "b[255,255,0]"),
      ("b'é'", "b\"é\""),
    ])
  }

  func testStringErrors() {
    assertParseDiagnostics(#"'a1️⃣\q'"#, ["1️⃣": #"invalid escape sequence '\q'"#])
    assertParseDiagnostics(#"'1️⃣\x4'"#, ["1️⃣": #"invalid escape sequence '\x4'"#])
    assertParseDiagnostics(#"'1️⃣\u12g4'"#, ["1️⃣": #"invalid escape sequence '\u12'"#])
    assertParseDiagnostics(#"'1️⃣\8'"#, ["1️⃣": #"invalid escape sequence '\8'"#])
    assertParseDiagnostics(#"'1️⃣\47'"#, ["1️⃣": #"invalid escape sequence '\4'"#])
    assertParseDiagnostics(#"'1️⃣\01'"#, ["1️⃣": #"invalid escape sequence '\01'"#])
    assertParseDiagnostics(#"'1️⃣\uD800'"#, ["1️⃣": #"invalid unicode code point '\uD800'"#])
    assertParseDiagnostics(#"'1️⃣\U00110000'"#, ["1️⃣": #"invalid unicode code point '\U00110000'"#])
    assertParseDiagnostics(#"b'1️⃣\u0041'"#, ["1️⃣": #"unicode escape '\u0041' is not allowed in a bytes literal"#])
    assertParseDiagnostics(#"'1️⃣\q 2️⃣\z'"#, ["1️⃣": #"invalid escape sequence '\q'"#, "2️⃣": #"invalid escape sequence '\z'"#])
    assertParseDiagnostics("1️⃣'abc", ["1️⃣": "unterminated string literal"])
    assertParseDiagnostics("1️⃣'ab\nc'", ["1️⃣": "unterminated string literal"])
    assertParseDiagnostics("f(1️⃣'''abc'')", ["1️⃣": "unterminated string literal"])
    assertParseDiagnostics("x + 1️⃣'é", ["1️⃣": "unterminated string literal"])
  }

  func testSyntaxErrors() {
    assertParseDiagnostics("a +1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("(a + b1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("a + b1️⃣)", ["1️⃣": "unexpected token ')'"])
    assertParseDiagnostics("a 1️⃣b", ["1️⃣": "unexpected token 'b'"])
    assertParseDiagnostics("1️⃣)", ["1️⃣": "unexpected token ')'"])
    assertParseDiagnostics("a1️⃣.1", ["1️⃣": "unexpected token '.1'"])
    assertParseDiagnostics("a.1️⃣+", ["1️⃣": "unexpected token '+'"])
    assertParseDiagnostics("a1️⃣.5", ["1️⃣": "unexpected token '.5'"])
    assertParseDiagnostics("a ? b 1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("a ? b 1️⃣? c : d : e", ["1️⃣": "unexpected token '?'"])
    assertParseDiagnostics("!1️⃣-a", ["1️⃣": "unexpected token '-'"])
    assertParseDiagnostics("-1️⃣!a", ["1️⃣": "unexpected token '!'"])
    assertParseDiagnostics("a 1️⃣= b", ["1️⃣": "unexpected character '='"])
    assertParseDiagnostics("a 1️⃣& b", ["1️⃣": "unexpected character '&'"])
    assertParseDiagnostics("a 1️⃣@ b", ["1️⃣": "unexpected character '@'"])
    assertParseDiagnostics("a + 1️⃣é", ["1️⃣": "unexpected character 'é'"])
    assertParseDiagnostics("f(a, 1️⃣)", ["1️⃣": "unexpected token ')'"])
    assertParseDiagnostics("[1️⃣,]", ["1️⃣": "unexpected token ','"])
    assertParseDiagnostics("{1: 2 1️⃣3: 4}", ["1️⃣": "unexpected token '3'"])
    assertParseDiagnostics("{1 1️⃣2}", ["1️⃣": "unexpected token '2'"])
    assertParseDiagnostics("(f)1️⃣(x)", ["1️⃣": "unexpected token '('"])
    assertParseDiagnostics("1️⃣", ["1️⃣": "unexpected end of expression"])
  }

  func testRenderedInAFile() {
    let source = "rate > 0.5 &&\n  (a + )"
    let (_, diagnostics) = ExprParser.parse(source)
    let file = SourceFile(path: "<expr>", text: source)
    let rendered = DiagnosticRenderer().render(diagnostics.map { $0.located(in: file, mapping: .identity) })
    XCTAssertEqual(rendered, """
      <expr>:2:8: error[expr_syntax_error]: unexpected token ')'
         |   (a + )
         |        ^
         = hint: expected an expression
      """)
  }

  func testErrorsRecoverPerArgument() {
    assertParseDiagnostics("f(a 1️⃣b, c +2️⃣)", ["1️⃣": "unexpected token 'b'", "2️⃣": "unexpected token ')'"])
    assertParseDiagnostics("[1 1️⃣2, 3, 4 2️⃣5]", ["1️⃣": "unexpected token '2'", "2️⃣": "unexpected token '5'"])
    assertParseDiagnostics("{1️⃣for: 1, 2: 2️⃣}", ["1️⃣": "reserved identifier 'for'", "2️⃣": "unexpected token '}'"])
    // One mistake, one error: no cascade to the closers after it.
    assertParseDiagnostics("f(g(h(1️⃣]))) + 1", ["1️⃣": "unexpected token ']'"])
    assertParseDiagnostics("f(a,, b)".replacingOccurrences(of: ",,", with: ",1️⃣,"), ["1️⃣": "unexpected token ','"])
  }

  func testOneMistakeGivesOneError() {
    assertParseDiagnostics("f(a, b1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("[1, 21️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("{'a': 11️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("a.b.1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("a 1️⃣b c d", ["1️⃣": "unexpected token 'b'"])
    assertParseDiagnostics("x == 1️⃣'abc) && y", ["1️⃣": "unterminated string literal"])
    assertParseDiagnostics("f(1️⃣@) + g(1)", ["1️⃣": "unexpected character '@'"])
    assertParseDiagnostics("(a 1️⃣b) + (c d)", ["1️⃣": "unexpected token 'b'"])
    assertParseDiagnostics("a + 1️⃣* b", ["1️⃣": "unexpected token '*'"])
    assertParseDiagnostics("[1️⃣'abc\ndef', 1]", ["1️⃣": "unterminated string literal"])
    assertParseDiagnostics("f(a 1️⃣b @ 'x, c)", ["1️⃣": "unexpected token 'b'"])
  }

  func testOptionalSyntaxIsUnsupported() {
    assertParseDiagnostics("m1️⃣.?k", ["1️⃣": "unsupported syntax '.?'"])
    assertParseDiagnostics("m1️⃣[?0]", ["1️⃣": "unsupported syntax '[?'"])
    assertParseDiagnostics("[1️⃣?a, 2️⃣?b]", ["1️⃣": "unsupported syntax '?'", "2️⃣": "unsupported syntax '?'"])
    assertParseDiagnostics("{1️⃣?'k': v}", ["1️⃣": "unsupported syntax '?'"])
  }

  func testReservedWords() {
    for word in ["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
      "package", "namespace", "return", "var", "void", "while"]
    {
      assertParseDiagnostics("1️⃣\(word) + 1", ["1️⃣": "reserved identifier '\(word)'"])
    }
    assertParseDiagnostics("1️⃣if(x)", ["1️⃣": "reserved identifier 'if'"])
    assertParseDiagnostics("a in1️⃣", ["1️⃣": "unexpected end of expression"])
    assertParseDiagnostics("1️⃣in", ["1️⃣": "unexpected token 'in'"])
  }

  func testAccumulatorIsNotAnIdentifier() {
    assertParseDiagnostics("1️⃣@result", ["1️⃣": "unexpected character '@'"])
  }

  func testMessageConstruction() {
    assertParseDiagnostics("1️⃣Foo{a: 1} && 2️⃣x.Y{}", [
      "1️⃣": "message construction is not supported", "2️⃣": "message construction is not supported",
    ])
    assertParseDiagnostics("1️⃣.google.Foo{a: Bar{}}.b", ["1️⃣": "message construction is not supported"])
    assertParseDiagnostics("f()1️⃣{}", ["1️⃣": "unexpected token '{'"])
  }

  func testCommentsAndWhitespace() {
    assertParseShapes([
      ("a // comment\n + b", "(_+_ a b)"),
      ("\t\r\n\u{0C} a", "a"),
      ("a // only a comment", "a"),
    ])
  }

  func testRangesAndIDs() {
    let source = "a.b + f(-1, 'x')"
    let (parsed, diagnostics) = ExprParser.parse(source)
    XCTAssertEqual(diagnostics, [])
    guard let parsed else { return XCTFail("no parse") }
    var seen: [Int32] = []
    func walk(_ e: Expr) {
      seen.append(e.id.rawValue)
      let r = parsed.range(of: e.id)
      let text = String(decoding: Array(source.utf8)[Int(r.start)..<Int(r.end)], as: UTF8.self)
      switch e.kind {
      case .ident("a"): XCTAssertEqual(text, "a")
      case .select: XCTAssertEqual(text, "a.b")
      case .literal(.int(-1)): XCTAssertEqual(text, "-1")
      case .literal(.string): XCTAssertEqual(text, "'x'")
      case .call("f", _, let args):
        XCTAssertEqual(text, "f(-1, 'x')")
        args.forEach(walk)
      case .call("_+_", _, let args):
        XCTAssertEqual(text, source)
        args.forEach(walk)
      default: XCTFail("unexpected node \(e)")
      }
      if case .select(let operand, _, _) = e.kind { walk(operand) }
    }
    walk(parsed.root)
    XCTAssertEqual(seen.sorted(), Array(0..<Int32(parsed.ranges.count)))
  }

  func testMacrosOffKeepsCalls() {
    assertParseShapes([
      ("has(a.b)", "(has (. a b))"),
      ("l.all(x, x > 0)", "(.all l x (_>_ x 0))"),
    ], macros: false)
  }
}

/// Macro expansions, compared with cel-go's shapes (`parser/macro.go`, `ext/comprehensions.go`).
final class ParserMacroTests: XCTestCase {
  func testHas() {
    assertParseShapes([("has(a.b)", "(has a b)"), ("has(a.b.c)", "(has (. a b) c)"), ("has(a.`b-c`)", "(has a b-c)")])
    assertParseDiagnostics("1️⃣has(a)", ["1️⃣": "invalid argument to has() macro"])
    assertParseDiagnostics("1️⃣has(a[0])", ["1️⃣": "invalid argument to has() macro"])
    // Not a macro with another arity, or as a method.
    assertParseShapes([("has(a.b, c)", "(has (. a b) c)"), ("x.has(a.b)", "(.has x (. a b))")])
  }

  func testQuantifiers() {
    assertParseShapes([
      ("l.all(x, x > 0)", "(fold x l true @result (@not_strictly_false @result) (_&&_ @result (_>_ x 0)) @result)"),
      ("l.exists(x, p)", "(fold x l false @result (@not_strictly_false (!_ @result)) (_||_ @result p) @result)"),
      ("l.exists_one(x, p)", "(fold x l 0 @result true (_?_:_ p (_+_ @result 1) @result) (_==_ @result 1))"),
      ("l.existsOne(x, p)", "(fold x l 0 @result true (_?_:_ p (_+_ @result 1) @result) (_==_ @result 1))"),
    ])
  }

  func testMapAndFilter() {
    assertParseShapes([
      ("l.map(x, x * 2)", "(fold x l [] @result true (_+_ @result [(_*_ x 2)]) @result)"),
      ("l.map(x, x > 1, x * 2)", "(fold x l [] @result true (_?_:_ (_>_ x 1) (_+_ @result [(_*_ x 2)]) @result) @result)"),
      ("l.filter(x, x > 1)", "(fold x l [] @result true (_?_:_ (_>_ x 1) (_+_ @result [x]) @result) @result)"),
    ])
  }

  func testTwoVariableForms() {
    assertParseShapes([
      ("m.all(k, v, v > 0)", "(fold k v m true @result (@not_strictly_false @result) (_&&_ @result (_>_ v 0)) @result)"),
      ("m.exists(k, v, p)", "(fold k v m false @result (@not_strictly_false (!_ @result)) (_||_ @result p) @result)"),
      ("m.existsOne(k, v, p)", "(fold k v m 0 @result true (_?_:_ p (_+_ @result 1) @result) (_==_ @result 1))"),
      ("l.transformList(i, v, v + i)", "(fold i v l [] @result true (_+_ @result [(_+_ v i)]) @result)"),
      ("l.transformList(i, v, p, v)", "(fold i v l [] @result true (_?_:_ p (_+_ @result [v]) @result) @result)"),
      ("m.transformMap(k, v, v + 1)", "(fold k v m {} @result true (cel.@mapInsert @result k (_+_ v 1)) @result)"),
      ("m.transformMap(k, v, p, v)", "(fold k v m {} @result true (_?_:_ p (cel.@mapInsert @result k v) @result) @result)"),
    ])
  }

  func testNestedMacros() {
    assertParseShapes([
      ("l.all(x, x.exists(y, y))",
       "(fold x l true @result (@not_strictly_false @result) (_&&_ @result (fold y x false @result (@not_strictly_false (!_ @result)) (_||_ @result y) @result)) @result)"),
    ])
  }

  func testNotMacrosWithOtherArities() {
    assertParseShapes([
      ("l.all(x)", "(.all l x)"),
      ("all(l, x, p)", "(all l x p)"),
      ("l.filter(i, v, p)", "(.filter l i v p)"),
      ("l.map(a, b, c, d)", "(.map l a b c d)"),
    ])
  }

  func testIterationVariableErrors() {
    assertParseDiagnostics("l.all(1️⃣x.y, true)", ["1️⃣": "argument must be a simple name"])
    assertParseDiagnostics("l.map(1️⃣1, 2)", ["1️⃣": "argument must be a simple name"])
    assertParseDiagnostics("l.filter(1️⃣.x, true)", ["1️⃣": "argument must be a simple name"])
    assertParseDiagnostics("m.transformMap(k, 1️⃣f(), v)", ["1️⃣": "argument must be a simple name"])
    assertParseDiagnostics("m.all(k, 1️⃣k, true)", ["1️⃣": "duplicate variable name 'k'"])
    // An error inside the arguments is the only one reported.
    assertParseDiagnostics("has(a 1️⃣b)", ["1️⃣": "unexpected token 'b'"])
    assertParseDiagnostics("l.all(x, 1️⃣)", ["1️⃣": "unexpected token ')'"])
  }

  func testSynthesizedNodesCarryTheCallRange() throws {
    let source = "x + l.exists(v, v == 1)"
    let (parsed, diagnostics) = ExprParser.parse(source)
    XCTAssertEqual(diagnostics, [])
    let p = try XCTUnwrap(parsed)
    guard case .call(_, _, let args) = p.root.kind, case .comprehension(let c) = args[1].kind else {
      return XCTFail("not a comprehension: \(sExpression(p.root))")
    }
    let call = SourceRange(start: 4, end: 23)
    XCTAssertEqual(p.range(of: args[1].id), call)
    for synthesized in [c.accuInit, c.loopCondition, c.result] { XCTAssertEqual(p.range(of: synthesized.id), call) }
    XCTAssertEqual(p.range(of: c.iterRange.id), SourceRange(start: 4, end: 5))
    guard case .call(_, _, let stepArgs) = c.loopStep.kind else { return XCTFail("step") }
    XCTAssertEqual(p.range(of: stepArgs[1].id), SourceRange(start: 16, end: 22))
    // Ids are unique and within the dense table.
    var ids = Set<Int32>()
    func visit(_ e: Expr) {
      XCTAssertTrue(ids.insert(e.id.rawValue).inserted, "duplicate id \(e.id)")
      XCTAssertLessThan(Int(e.id.rawValue), p.ranges.count)
      switch e.kind {
      case .literal, .ident: break
      case .select(let operand, _, _): visit(operand)
      case .call(_, let target, let args): target.map(visit); args.forEach(visit)
      case .list(let elements): elements.forEach(visit)
      case .map(let entries): entries.forEach { visit($0.key); visit($0.value) }
      case .comprehension(let c): [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(visit)
      }
    }
    visit(p.root)
  }
}
