import PolicySource
import XCTest

@testable import PolicyYAML

/// Where scalar values sit in the file: each case marks file offsets with 1️⃣2️⃣3️⃣ and says which
/// byte offset of the value must map to each marker.
final class YAMLScalarLocatorTests: XCTestCase {
  struct Case {
    var source: String
    var path: [Any]
    var value: String
    var style: YAMLNode.Scalar.Style
    /// Value byte offset → marker.
    var offsets: [(Int32, String)]
    var line: UInt

    init(source: String, path: [Any], value: String, style: YAMLNode.Scalar.Style, offsets: [(Int32, String)],
         line: UInt = #line) {
      (self.source, self.path, self.value, self.style, self.offsets, self.line) = (source, path, value, style, offsets, line)
    }
  }

  let cases: [Case] = [
    Case(source: "when: 1️⃣a > 1\n", path: ["when"], value: "a > 1", style: .plain, offsets: [(0, "1️⃣")]),
    Case(source: "when: 1️⃣a > 2️⃣1\n", path: ["when"], value: "a > 1", style: .plain, offsets: [(0, "1️⃣"), (4, "2️⃣")]),
    Case(source: "when: \"1️⃣a > 2️⃣1\"\n", path: ["when"], value: "a > 1", style: .doubleQuoted,
         offsets: [(0, "1️⃣"), (4, "2️⃣")]),
    Case(source: "when: '1️⃣a > 2️⃣1'\n", path: ["when"], value: "a > 1", style: .singleQuoted,
         offsets: [(0, "1️⃣"), (4, "2️⃣")]),
    // `''` is one quote in the value; offsets after it still map exactly.
    Case(source: "when: '1️⃣it''s 2️⃣x'\n", path: ["when"], value: "it's x", style: .singleQuoted,
         offsets: [(0, "1️⃣"), (5, "2️⃣")]),
    // Escapes make exact mapping impossible: everything maps to the opening quote.
    Case(source: "when: 1️⃣\"a\\tb\"\n", path: ["when"], value: "a\tb", style: .doubleQuoted,
         offsets: [(0, "1️⃣"), (2, "1️⃣")]),
    // Multi-byte UTF-8 before a scalar: offsets are bytes, not characters.
    Case(source: "name: \"é\"\nkey: 1️⃣x\n", path: ["key"], value: "x", style: .plain, offsets: [(0, "1️⃣")]),
    Case(source: "name: \"1️⃣é2️⃣ü\"\n", path: ["name"], value: "éü", style: .doubleQuoted,
         offsets: [(0, "1️⃣"), (2, "2️⃣")]),
    Case(source: "name: \"日本😀\"\nkey: '1️⃣x 2️⃣y'\n", path: ["key"], value: "x y", style: .singleQuoted,
         offsets: [(0, "1️⃣"), (2, "2️⃣")]),
    Case(source: "a: !!str 1️⃣\"x\\n\"\n", path: ["a"], value: "x\n", style: .doubleQuoted, offsets: [(1, "1️⃣")]),
    Case(source: "a: {when: 1️⃣x > 1, then: \"2️⃣y\"}\n", path: ["a", "then"], value: "y", style: .doubleQuoted,
         offsets: [(0, "2️⃣")]),
    // A literal block starts on the next line, indentation removed; each line maps to its place.
    Case(source: "when: |\n  1️⃣a +\n  2️⃣b > 3️⃣1\nthen: x\n", path: ["when"], value: "a +\nb > 1\n",
         style: .literal, offsets: [(0, "1️⃣"), (4, "2️⃣"), (8, "3️⃣")]),
    Case(source: "rules:\n  - when: |-\n      1️⃣a &&\n        2️⃣b\n", path: ["rules", 0, "when"],
         value: "a &&\n  b", style: .literal, offsets: [(0, "1️⃣"), (7, "2️⃣")]),
    Case(source: "when: |2\n   1️⃣a\n  2️⃣b\n", path: ["when"], value: " a\nb\n", style: .literal,
         offsets: [(1, "1️⃣"), (3, "2️⃣")]),
    Case(source: "when: |\n  é 1️⃣x\n\n  2️⃣y\n", path: ["when"], value: "é x\n\ny\n", style: .literal,
         offsets: [(3, "1️⃣"), (6, "2️⃣")]),
    // Folded: line breaks become spaces, empty lines become breaks.
    Case(source: "when: >\n  1️⃣a\n  2️⃣b\n\n  3️⃣c\n", path: ["when"], value: "a b\nc\n", style: .folded,
         offsets: [(0, "1️⃣"), (2, "2️⃣"), (4, "3️⃣")]),
    // Multi-line plain scalars fold each line.
    Case(source: "when: 1️⃣a &&\n  2️⃣b ||\n\n  3️⃣c\n", path: ["when"], value: "a && b ||\nc", style: .plain,
         offsets: [(0, "1️⃣"), (5, "2️⃣"), (10, "3️⃣")]),
    Case(source: "when: \"1️⃣a &&\n   2️⃣b\"\n", path: ["when"], value: "a && b", style: .doubleQuoted,
         offsets: [(0, "1️⃣"), (5, "2️⃣")]),
    // Anchors and tags come before the content.
    Case(source: "a: &x !!str 1️⃣42\n", path: ["a"], value: "42", style: .plain, offsets: [(0, "1️⃣")]),
    Case(source: "a: !!str &x\n  1️⃣42\n", path: ["a"], value: "42", style: .plain, offsets: [(0, "1️⃣")]),
    Case(source: "a: &x |\n  1️⃣b\n", path: ["a"], value: "b\n", style: .literal, offsets: [(0, "1️⃣")]),
    // Windows line ends and a byte-order mark.
    Case(source: "a: |\r\n  1️⃣x\r\n  2️⃣y\r\nb: 3️⃣z\r\n", path: ["a"], value: "x\ny\n", style: .literal,
         offsets: [(0, "1️⃣"), (2, "2️⃣")]),
    Case(source: "\u{FEFF}a: 1️⃣b\n", path: ["a"], value: "b", style: .plain, offsets: [(0, "1️⃣")]),
    // Flow collections.
    Case(source: "a: [1️⃣x, \"2️⃣y\"]\n", path: ["a", 1], value: "y", style: .doubleQuoted, offsets: [(0, "2️⃣")]),
  ]

  func testScalarMappings() throws {
    for c in cases {
      let (text, markers) = marked(c.source)
      let (doc, diagnostics) = load(text)
      XCTAssertEqual(diagnostics, [], line: c.line)
      let scalar = try XCTUnwrap(node(doc?.root, c.path)?.scalar, line: c.line)
      XCTAssertEqual(scalar.value, c.value, line: c.line)
      XCTAssertEqual(scalar.style, c.style, line: c.line)
      for (offset, marker) in c.offsets {
        XCTAssertEqual(scalar.mapping.fileOffset(offset), markers[marker], "value offset \(offset)", line: c.line)
      }
    }
  }

  func testNodeRanges() throws {
    let (text, m) = marked("1️⃣name: \"é\"\n2️⃣key: 3️⃣&a !t [x, y]4️⃣\nlist:\n  5️⃣- a\n  - b\n")
    let (doc, _) = load(text)
    let root = try XCTUnwrap(doc?.root)
    XCTAssertEqual(root.range.start, m["1️⃣"])
    XCTAssertEqual(root.mapping?[1].key.range, SourceRange(start: m["2️⃣"]!, end: m["2️⃣"]! + 3))
    XCTAssertEqual(root["key"]?.range, SourceRange(start: m["3️⃣"]!, end: m["4️⃣"]!))
    XCTAssertEqual(root["key"]?.tag, "!t")
    // A block collection ends where its last item ends.
    XCTAssertEqual(root["list"]?.range.start, m["5️⃣"])
    XCTAssertEqual(root["list"]?.range.end, Int32(text.utf8.count - 1))
  }

  func testBlockScalarRangeEndsAtItsLastCharacter() throws {
    let (text, m) = marked("a: 1️⃣|\n  x\n  y2️⃣\n\n\nb: 1\n")
    let (doc, _) = load(text)
    XCTAssertEqual(doc?.root?["a"]?.range, SourceRange(start: m["1️⃣"]!, end: m["2️⃣"]!))
  }

  func testDiagnosticFromExpressionMapsIntoFile() throws {
    let (text, m) = marked("rules:\n  - when: |\n      a > 1 &&\n      1️⃣b.c\n")
    let file = SourceFile(path: "policy.yaml", text: text)
    let (doc, _) = YAMLLoader.load(file)
    let scalar = try XCTUnwrap(node(doc?.root, ["rules", 0, "when"])?.scalar)
    let inExpression = Diagnostic(code: "expr_check_error", message: "undeclared reference to 'b'",
                                  range: SourceRange(start: 9, end: 12))
    let located = inExpression.located(in: file, mapping: scalar.mapping)
    XCTAssertEqual(located.range, SourceRange(start: m["1️⃣"]!, end: m["1️⃣"]! + 3))
    XCTAssertEqual(DiagnosticRenderer().render(located), """
      policy.yaml:4:7: error[expr_check_error]: undeclared reference to 'b'
         |       b.c
         |       ^~~
      """)
  }
}
