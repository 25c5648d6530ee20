import PolicySource
import XCTest

@testable import PolicyYAML

/// The exact rendered text of every diagnostic the loader emits.
final class YAMLDiagnosticsTests: XCTestCase {
  func testRenderedDiagnostics() {
    let cases: [(source: String, expected: String, line: UInt)] = [
      (
        "a: [1, 2\nb: 3\n",
        """
        policy.yaml:2:2: error[yaml_syntax_error]: did not find expected ',' or ']' while parsing a flow sequence
           | b: 3
           |  ^
           = hint: the construct started on line 1
        """, #line
      ),
      (
        "name: \"é\"\nkey: [1,\n",
        """
        policy.yaml:3:1: error[yaml_syntax_error]: did not find expected node content while parsing a flow node
           | 
           | ^
        """, #line
      ),
      (
        "k: x\u{01}y\n",
        """
        policy.yaml:1:5: error[yaml_syntax_error]: control characters are not allowed (found U+0001)
           | k: x\u{01}y
           |     ^
        """, #line
      ),
      (
        "when: @flag\n",
        """
        policy.yaml:1:7: error[yaml_syntax_error]: found character that cannot start any token while scanning for the next token
           | when: @flag
           |       ^
           = hint: '@' is reserved in YAML and cannot start an unquoted value; quote the value
        """, #line
      ),
      (
        "id: a\nrules: []\nid: b\n",
        """
        policy.yaml:3:1: error[yaml_duplicate_key]: duplicate key 'id'
           | id: b
           | ^~
           = hint: 'id' is first defined on line 1
        """, #line
      ),
      (
        "rules:\n  - when: x\n    then: a\n    when: y\n",
        """
        policy.yaml:4:5: error[yaml_duplicate_key]: duplicate key 'when'
           |     when: y
           |     ^~~~
           = hint: 'when' is first defined on line 2
        """, #line
      ),
      (
        "rules:\n  - require: !receivable.financed\n    then: allow\n",
        """
        policy.yaml:2:14: error[yaml_tag_in_scalar]: '!receivable.financed' is read as a YAML tag, not as the expression
           |   - require: !receivable.financed
           |              ^~~~~~~~~~~~~~~~~~~~
           = hint: quote the expression: "!receivable.financed"
        """, #line
      ),
      (
        "require: !!flag\n",
        """
        policy.yaml:1:10: error[yaml_tag_in_scalar]: '!!flag' is read as a YAML tag, not as the expression
           | require: !!flag
           |          ^~~~~~
           = hint: quote the expression: "!!flag"
        """, #line
      ),
      (
        "rules:\n\t- a\n",
        """
        policy.yaml:2:1: error[yaml_tab_indent]: tab character in indentation
           | \t- a
           | ^
           = hint: indent with spaces; YAML does not allow tabs for indentation
        """, #line
      ),
      (
        "rules:\n  - when: x\n  \t  then: y\n",
        """
        policy.yaml:3:3: error[yaml_tab_indent]: tab character in indentation
           |   \t  then: y
           |   ^
           = hint: indent with spaces; YAML does not allow tabs for indentation
        """, #line
      ),
      (
        "a:\n  b: x\n\t\n  c: y\n",
        """
        policy.yaml:3:1: error[yaml_tab_indent]: tab character in indentation
           | \t
           | ^
           = hint: indent with spaces; YAML does not allow tabs for indentation
        """, #line
      ),
      (
        "a: >\n\tfoo\n",
        """
        policy.yaml:2:1: error[yaml_tab_indent]: tab character in indentation
           | \tfoo
           | ^
           = hint: indent with spaces; YAML does not allow tabs for indentation
        """, #line
      ),
      (
        "when: a ? b : c  # pick one\n",
        """
        policy.yaml:1:13: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'a ? b : c' is read as a YAML mapping
           | when: a ? b : c  # pick one
           |             ^
           = hint: quote the expression: "a ? b : c"
        """, #line
      ),
      (
        "- when: x > 1 ? \"a\" : \"b\"\n",
        """
        policy.yaml:1:21: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'x > 1 ? "a" : "b"' is read as a YAML mapping
           | - when: x > 1 ? "a" : "b"
           |                     ^
           = hint: quote the expression: 'x > 1 ? "a" : "b"'
        """, #line
      ),
      (
        "require: !receivable.financed && x\n",
        """
        policy.yaml:1:10: error[yaml_tag_in_scalar]: '!receivable.financed && x' is read as a YAML tag, not as the expression
           | require: !receivable.financed && x
           |          ^~~~~~~~~~~~~~~~~~~~~~~~~
           = hint: quote the expression: "!receivable.financed && x"
        """, #line
      ),
      (
        "checks:\n  - !a.b || c  # either\n",
        """
        policy.yaml:2:5: error[yaml_tag_in_scalar]: '!a.b || c' is read as a YAML tag, not as the expression
           |   - !a.b || c  # either
           |     ^~~~~~~~~
           = hint: quote the expression: "!a.b || c"
        """, #line
      ),
      (
        "ids: [!x, y]\n",
        """
        policy.yaml:1:7: error[yaml_tag_in_scalar]: '!x' is read as a YAML tag, not as the expression
           | ids: [!x, y]
           |       ^~
           = hint: quote the expression: "!x"
        """, #line
      ),
      (
        "rules:\n  - when: a > 1 &&\n      b ? c : d\n",
        """
        policy.yaml:3:13: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'a > 1 && b ? c : d' is read as a YAML mapping
           |       b ? c : d
           |             ^
           = hint: quote the expression: "a > 1 && b ? c : d"
        """, #line
      ),
      (
        "rules:\n  - {when: a ? b : c, then: deny}\n",
        """
        policy.yaml:2:18: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'a ? b : c' is read as a YAML mapping
           |   - {when: a ? b : c, then: deny}
           |                  ^
           = hint: quote the expression: "a ? b : c"
        """, #line
      ),
      (
        "reason: Note: the receivable is overdue\n",
        """
        policy.yaml:1:13: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'Note: the receivable is overdue' is read as a YAML mapping
           | reason: Note: the receivable is overdue
           |             ^
           = hint: quote the value: "Note: the receivable is overdue"
        """, #line
      ),
      (
        "key: value\n  bad: indent\n",
        """
        policy.yaml:2:6: error[yaml_syntax_error]: mapping values are not allowed in this context
           |   bad: indent
           |      ^
           = hint: quote a value that contains ': ', and line a key up with the keys before it
        """, #line
      ),
      (
        "a: 'unterminated\n",
        """
        policy.yaml:2:1: error[yaml_syntax_error]: found unexpected end of stream while scanning a quoted scalar
           | 
           | ^
           = hint: the construct started on line 1
        """, #line
      ),
      (
        "a: *nope\n",
        """
        policy.yaml:1:4: error[yaml_unknown_anchor]: unknown anchor 'nope'
           | a: *nope
           |    ^~~~~
           = hint: define '&nope' before using '*nope'
        """, #line
      ),
      (
        "a: 1\n---\nb: 2\n",
        """
        policy.yaml:2:1: error[yaml_multiple_documents]: a policy file holds one YAML document, found a second
           | ---
           | ^~~
           = hint: move the second document into its own file
        """, #line
      ),
      (
        "? [a]\n: 1\nb: 2\n",
        """
        policy.yaml:1:3: error[yaml_non_scalar_key]: a mapping key must be a scalar, not a sequence
           | ? [a]
           |   ^~~
        """, #line
      ),
    ]
    for c in cases {
      XCTAssertEqual(rendered(c.source), c.expected, line: c.line)
    }
  }

  func testInvalidUTF8IsLocatedAtTheFirstBadByte() {
    let cases: [(bytes: [UInt8], offset: Int32, message: String, line: UInt)] = [
      (Array("name: caf".utf8) + [0xE9] + Array("\nx: 1\n".utf8), 9, "invalid UTF-8 byte 0xE9", #line),
      (Array("a: ".utf8) + [0x80], 3, "invalid UTF-8 byte 0x80", #line),
      (Array("a: ".utf8) + [0xC0, 0xAF], 3, "invalid UTF-8 byte 0xC0", #line),  // overlong
      (Array("a: é".utf8) + [0xED, 0xA0, 0x80], 5, "invalid UTF-8 byte 0xED", #line),  // surrogate
      (Array("a: é".utf8) + [0xF4, 0x90, 0x80, 0x80], 5, "invalid UTF-8 byte 0xF4", #line),  // > U+10FFFF
      (Array("a: ".utf8) + [0xE2, 0x82], 3, "invalid UTF-8 byte 0xE2", #line),  // truncated
      ([0xFF, 0xFE, 0x61, 0x00], 0, "invalid UTF-8 byte 0xFF", #line),  // UTF-16
    ]
    for c in cases {
      let (doc, diagnostics) = YAMLLoader.load(SourceFile(path: "policy.yaml", bytes: c.bytes))
      XCTAssertNil(doc, line: c.line)
      XCTAssertEqual(diagnostics.map(\.code), [.yamlInvalidUTF8], line: c.line)
      XCTAssertEqual(diagnostics.first?.message, c.message, line: c.line)
      XCTAssertEqual(diagnostics.first?.range, SourceRange(start: c.offset, end: c.offset + 1), line: c.line)
    }
    let file = SourceFile(path: "policy.yaml", bytes: Array("name: caf".utf8) + [0xE9] + Array("\nx: 1\n".utf8))
    XCTAssertEqual(DiagnosticRenderer().render(YAMLLoader.load(file).1), """
      policy.yaml:1:10: error[yaml_invalid_utf8]: invalid UTF-8 byte 0xE9
         | name: caf\u{FFFD}
         |          ^
         = hint: save the file as UTF-8
      """)
  }

  func testDocumentSurvivesRecoverableErrors() throws {
    let (doc, diagnostics) = load("a: 1\nb: !x.y\na: 2\nc: *none\n")
    XCTAssertEqual(diagnostics.map(\.code), [.yamlTagInScalar, .yamlDuplicateKey, .yamlUnknownAnchor])
    let root = try XCTUnwrap(doc?.root)
    // The first of duplicate keys is kept.
    XCTAssertEqual(root["a"]?.int, 1)
    XCTAssertEqual(root.mapping?.map { $0.key.scalar?.value }, ["a", "b", "c"])
  }

  func testValidTabsAreNotReported() {
    // Tabs inside a block scalar's content, and as separation inside a line, are valid YAML.
    let (doc, diagnostics) = load("a: |\n  x\n  \ty\nb:\tc\n")
    XCTAssertEqual(diagnostics, [])
    XCTAssertEqual(doc?.root?["a"]?.string, "x\n\ty\n")
    XCTAssertEqual(doc?.root?["b"]?.string, "c")
  }
}
