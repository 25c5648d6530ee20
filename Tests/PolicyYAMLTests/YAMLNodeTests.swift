import PolicySource
import XCTest

@testable import PolicyYAML

/// YAML 1.2 core schema resolution and the typed accessors.
final class YAMLNodeTests: XCTestCase {
  func testCoreSchemaResolvesPlainScalars() throws {
    let cases: [(String, YAMLValue, UInt)] = [
      ("~", .null, #line), ("null", .null, #line), ("Null", .null, #line), ("NULL", .null, #line),
      ("", .null, #line), ("nULL", .string("nULL"), #line),
      ("true", .bool(true), #line), ("True", .bool(true), #line), ("TRUE", .bool(true), #line),
      ("false", .bool(false), #line), ("False", .bool(false), #line), ("FALSE", .bool(false), #line),
      ("tRUE", .string("tRUE"), #line),
      // YAML 1.1 booleans stay strings.
      ("yes", .string("yes"), #line), ("no", .string("no"), #line), ("on", .string("on"), #line),
      ("off", .string("off"), #line), ("y", .string("y"), #line), ("Yes", .string("Yes"), #line),
      ("0", .int(0), #line), ("42", .int(42), #line), ("-17", .int(-17), #line), ("+5", .int(5), #line),
      ("007", .int(7), #line), ("0x1F", .int(31), #line), ("0o17", .int(15), #line),
      ("0x", .string("0x"), #line), ("0xG", .string("0xG"), #line), ("0o8", .string("0o8"), #line),
      ("0b101", .string("0b101"), #line), ("1_000", .string("1_000"), #line),
      ("9223372036854775808", .float(9223372036854775808), #line),
      ("0.90", .float(0.9), #line), ("1.", .float(1), #line), (".5", .float(0.5), #line),
      ("-1.5e3", .float(-1500), #line), ("1e3", .float(1000), #line), ("1E-2", .float(0.01), #line),
      (".inf", .float(.infinity), #line), ("-.Inf", .float(-.infinity), #line), ("+.INF", .float(.infinity), #line),
      ("1e", .string("1e"), #line), (".", .string("."), #line), ("-.", .string("-."), #line),
      ("1.2.3", .string("1.2.3"), #line), ("inf", .string("inf"), #line), ("nan", .string("nan"), #line),
      ("12:30", .string("12:30"), #line), ("2024-01-01", .string("2024-01-01"), #line),
      ("a > 1", .string("a > 1"), #line),
    ]
    for (text, expected, line) in cases {
      let (doc, diagnostics) = load("v: \(text)\n")
      XCTAssertEqual(diagnostics, [], line: line)
      XCTAssertEqual(doc?.root?["v"]?.resolved, expected, "'\(text)'", line: line)
    }
    let nan = try XCTUnwrap(load("v: .NaN\n").0?.root?["v"]?.double)
    XCTAssertTrue(nan.isNaN)
  }

  func testQuotedAndBlockScalarsAreStrings() {
    let (doc, _) = load("a: 'true'\nb: \"42\"\nc: |\n  null\nd: !!str 42\ne: ! 7\nf: !!int 42\ng: !!int x\nh: !!float 1\n")
    let root = doc?.root
    XCTAssertEqual(root?["a"]?.resolved, .string("true"))
    XCTAssertEqual(root?["b"]?.resolved, .string("42"))
    XCTAssertEqual(root?["c"]?.resolved, .string("null\n"))
    XCTAssertEqual(root?["d"]?.resolved, .string("42"))
    XCTAssertEqual(root?["d"]?.tag, "tag:yaml.org,2002:str")
    XCTAssertEqual(root?["e"]?.resolved, .string("7"))
    XCTAssertEqual(root?["f"]?.resolved, .int(42))
    XCTAssertEqual(root?["g"]?.resolved, .string("x"))
    XCTAssertEqual(root?["h"]?.resolved, .float(1))
  }

  func testTypedAccessors() {
    let (doc, _) = load("n: ~\nb: TRUE\ni: 0x10\nf: 2.5\ns: yes\nl: [1]\n")
    let root = doc?.root
    XCTAssertEqual(root?["n"]?.isNull, true)
    XCTAssertEqual(root?["b"]?.bool, true)
    XCTAssertEqual(root?["i"]?.int, 16)
    XCTAssertEqual(root?["i"]?.double, 16)
    XCTAssertEqual(root?["f"]?.double, 2.5)
    XCTAssertNil(root?["f"]?.int)
    XCTAssertEqual(root?["s"]?.string, "yes")
    XCTAssertNil(root?["s"]?.bool)
    XCTAssertNil(root?["l"]?.resolved)
    XCTAssertEqual(root?["l"]?.kindName, "sequence")
    XCTAssertNil(root?["missing"])
  }

  func testPlainScalarsKeepTheirSourceText() {
    let (doc, _) = load("rate: 0.90\nid: 007\nbig: 1.000000000000000000001\n")
    XCTAssertEqual(doc?.root?["rate"]?.scalar?.value, "0.90")
    XCTAssertEqual(doc?.root?["id"]?.scalar?.value, "007")
    XCTAssertEqual(doc?.root?["big"]?.scalar?.value, "1.000000000000000000001")
  }

  func testSourceTextOfNodes() throws {
    let doc = try XCTUnwrap(load("a: \"0.90\"\nb: !!str 42\nc: |\n  x\n  y\n\nd: [1, 2]\n").0)
    XCTAssertEqual(doc.sourceText(of: doc.root!["a"]!), "\"0.90\"")
    XCTAssertEqual(doc.sourceText(of: doc.root!["b"]!), "!!str 42")
    XCTAssertEqual(doc.sourceText(of: doc.root!["c"]!), "|\n  x\n  y")
    XCTAssertEqual(doc.sourceText(of: doc.root!["d"]!), "[1, 2]")
  }

  func testNumberLikeHelperForTheDecoder() {
    let (doc, _) = load("a: 007\nb: '007'\nc: 0.90\nd: v1\ne: !!str 7\nf: 1e3\ng: .inf\n")
    let root = doc?.root
    XCTAssertEqual(root?["a"]?.isPlainNumberLike, true)
    XCTAssertEqual(root?["b"]?.isPlainNumberLike, false)
    XCTAssertEqual(root?["b"]?.scalar?.looksNumeric, true)
    XCTAssertEqual(root?["c"]?.isPlainNumberLike, true)
    XCTAssertEqual(root?["d"]?.isPlainNumberLike, false)
    XCTAssertEqual(root?["e"]?.isPlainNumberLike, false)
    XCTAssertEqual(root?["f"]?.isPlainNumberLike, true)
    XCTAssertEqual(root?["g"]?.isPlainNumberLike, true)
  }

  func testAliasesExpandToCopies() throws {
    let (doc, diagnostics) = load("base: &b {when: \"a > 1\", then: allow}\nrules: [*b, *b]\n")
    XCTAssertEqual(diagnostics, [])
    let rules = try XCTUnwrap(doc?.root?["rules"]?.sequence)
    XCTAssertEqual(rules.count, 2)
    XCTAssertEqual(rules[0], doc?.root?["base"])
    XCTAssertEqual(rules[1]["then"]?.string, "allow")
  }

  /// `<<: *a` copies the pairs of `a`, except keys the mapping writes itself, wherever written.
  func testMergeKeysMergeMappings() {
    let (doc, diagnostics) = load("a: &a {x: 1, y: 2}\nc: &c {z: 3, x: 9}\nb:\n  y: 20\n  <<: [*a, *c]\n")
    XCTAssertEqual(diagnostics, [])
    XCTAssertNil(doc?.root?["b"]?["<<"])
    XCTAssertEqual(doc?.root?["b"]?["x"]?.int, 1)
    XCTAssertEqual(doc?.root?["b"]?["y"]?.int, 20)
    XCTAssertEqual(doc?.root?["b"]?["z"]?.int, 3)
    // A quoted "<<" is an ordinary key.
    let (quoted, _) = load("a: &a {x: 1}\nb:\n  \"<<\": *a\n")
    XCTAssertEqual(quoted?.root?["b"]?["<<"]?["x"]?.int, 1)
  }
}
