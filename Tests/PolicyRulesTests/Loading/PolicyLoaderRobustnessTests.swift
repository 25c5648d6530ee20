import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// Hostile and broken policy files: each gives a located error and never a crash or a hang.
final class PolicyLoaderRobustnessTests: XCTestCase {
  struct Case {
    let name: String
    let bytes: [UInt8]
    let expected: String
    init(_ name: String, _ text: String, _ expected: String) {
      self.name = name; self.bytes = Array(text.utf8); self.expected = expected
    }
    init(_ name: String, bytes: [UInt8], _ expected: String) {
      self.name = name; self.bytes = bytes; self.expected = expected
    }
  }

  func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
      let start = Date()
      let (policy, diagnostics) = PolicyFixtures.load(bytes: c.bytes)
      let seconds = Date().timeIntervalSince(start)
      XCTAssertNil(policy, "\(c.name)", file: file, line: line)
      XCTAssertTrue(diagnostics.hasErrors, "\(c.name)", file: file, line: line)
      XCTAssertTrue(diagnostics.allSatisfy { $0.file != nil }, "\(c.name): every diagnostic is located", file: file, line: line)
      XCTAssertLessThan(seconds, 5, "\(c.name) took \(seconds) s", file: file, line: line)
      let text = DiagnosticRenderer().render(diagnostics)
      PolicyFixtures.dump("robust-" + c.name, text)
      XCTAssertEqual(text, c.expected, "case '\(c.name)'", file: file, line: line)
    }
  }

  func testBrokenYAML() {
    run([
      Case("unclosed flow list", "policy: p\nchecks: [\n  {id: a\n", """
        policy.yaml:4:1: error[yaml_syntax_error]: did not find expected ',' or '}' while parsing a flow mapping
           | 
           | ^
           = hint: the construct started on line 3
        """),
      Case("bad indentation", "policy: p\n  description: x\n checks: []\n", """
        policy.yaml:2:14: error[yaml_syntax_error]: mapping values are not allowed in this context
           |   description: x
           |              ^
           = hint: quote a value that contains ': ', and line a key up with the keys before it
        """),
      Case("tab indentation", "policy: p\nchecks:\n\t- id: c1\n\t  require: true\n", """
        policy.yaml:3:1: error[yaml_tab_indent]: tab character in indentation
           | 	- id: c1
           | ^
           = hint: indent with spaces; YAML does not allow tabs for indentation
        """),
      Case("colon in a plain value", "policy: p\noutputs:\n  rent: hours > 0 ? a : b\n", """
        policy.yaml:3:23: error[yaml_colon_in_plain_scalar]: ': ' inside the unquoted value 'hours > 0 ? a : b' is read as a YAML mapping
           |   rent: hours > 0 ? a : b
           |                       ^
           = hint: quote the expression: "hours > 0 ? a : b"
        """),
      Case("duplicate key", "policy: p\ndescription: a\ndescription: b\n", """
        policy.yaml:3:1: error[yaml_duplicate_key]: duplicate key 'description'
           | description: b
           | ^~~~~~~~~~~
           = hint: 'description' is first defined on line 2
        """),
      Case("two documents", "policy: p\n---\npolicy: q\n", """
        policy.yaml:2:1: error[yaml_multiple_documents]: a policy file holds one YAML document, found a second
           | ---
           | ^~~
           = hint: move the second document into its own file
        """),
      Case("unknown anchor", "policy: p\ndescription: *nothing\n", """
        policy.yaml:2:14: error[yaml_unknown_anchor]: unknown anchor 'nothing'
           | description: *nothing
           |              ^~~~~~~~
           = hint: define '&nothing' before using '*nothing'
        """),
    ])
  }

  func testHostileFiles() {
    var bomb = "policy: p\nconstants:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...9 { bomb += "  l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
    var large = "policy: p\n"
    let comment = "# " + String(repeating: "x", count: 98) + "\n"
    large.reserveCapacity(10_500_000)
    while large.utf8.count < 10_000_000 { large += comment }
    let flow = "  deep: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let block = String(repeating: "- ", count: 10_000) + "x"
    let parens = "  x: " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    let nested = "  x: " + String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
    let sum = "  x: " + Array(repeating: "1", count: 9_000).joined(separator: " + ")
    func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }
    run([
      Case("alias bomb", bomb, """
        policy.yaml:5:52: error[yaml_alias_budget]: alias '*l1' expands past the limit of 1000 copied nodes
           |   l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
           |                                                    ^~~
           = hint: write the repeated part out, or use fewer nested aliases
        """),
      Case("10 MB file", large, """
        policy.yaml:1:1: error[yaml_too_large]: policy file is 10000020 bytes, more than the limit of 4194304
           | policy: p
           | ^
           = hint: split the policy into smaller files
        """),
      Case("10000-deep flow nesting", "policy: p\nconstants:\n\(flow)\n", """
        policy.yaml:3:71: error[yaml_nesting_limit]: collections nest deeper than the limit of 64 levels
           | \(flow)
           | \(spaces(70))^
        """),
      Case("10000-deep block nesting", "policy: p\nconstants:\n\(block)\n", """
        policy.yaml:3:127: error[yaml_nesting_limit]: collections nest deeper than the limit of 64 levels
           | \(block)
           | \(spaces(126))^
        """),
      Case("non-UTF-8 bytes", bytes: Array("policy: p\ndescription: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8), """
        policy.yaml:2:17: error[yaml_invalid_utf8]: invalid UTF-8 byte 0xC3
           | description: caf\u{FFFD}(
           |                 ^
           = hint: save the file as UTF-8
        """),
      Case("empty file", "", """
        policy.yaml:1:1: error[policy_missing_key]: policy file is empty
           | 
           | ^
           = hint: start with 'policy: <id>'
        """),
      Case("only a comment", "# nothing here\n", """
        policy.yaml:1:1: error[policy_missing_key]: policy file is empty
           | # nothing here
           | ^
           = hint: start with 'policy: <id>'
        """),
      Case("a list", "- policy: p\n- policy: q\n", """
        policy.yaml:1:1: error[policy_invalid_value]: policy must be a mapping, found a sequence
           | - policy: p
           | ^
        """),
      Case("a scalar", "just text\n", """
        policy.yaml:1:1: error[policy_invalid_value]: policy must be a mapping, found a scalar
           | just text
           | ^~~~~~~~~
        """),
      Case("expression over 16 KiB of parentheses", "policy: p\noutputs:\n\(parens)\n", """
        policy.yaml:3:6: error[expr_limit_exceeded]: expression is 20001 bytes, over the limit of 16384
           | \(parens)
           |      ^
        """),
      Case("expression nested 200 deep", "policy: p\noutputs:\n\(nested)\n", """
        policy.yaml:3:134: error[expr_limit_exceeded]: expression nesting exceeds the limit of 128
           | \(nested)
           | \(spaces(133))^
        """),
      Case("expression over 16 KiB", "policy: p\noutputs:\n\(sum)\n", """
        policy.yaml:3:6: error[expr_limit_exceeded]: expression is 35997 bytes, over the limit of 16384
           | \(sum)
           |      ^
        """),
    ])
  }

  func testMissingFileIsAFileError() {
    let (policy, diagnostics) = PolicyLoader.load(path: "/nonexistent/policy.yaml")
    XCTAssertNil(policy)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), """
      /nonexistent/policy.yaml:1:1: error[policy_file_unreadable]: cannot read '/nonexistent/policy.yaml': no such file
         | 
         | ^
      """)
    XCTAssertEqual(PolicyLoader.policyFiles(at: "/nonexistent/x.yaml"), ["/nonexistent/x.yaml"])
    XCTAssertEqual(PolicyFolder("/nonexistent/x.yaml").files(), .failure(.missing("/nonexistent/x.yaml")))
  }
}
