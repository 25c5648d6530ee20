import PolicySource
import XCTest

@testable import PolicyYAML

final class YAMLLoaderTests: XCTestCase {
  func testLoadsMappingsSequencesAndScalars() throws {
    let (doc, diagnostics) = load("""
      id: credit-line
      rules:
        - when: "amount > 10"
          then: deny
        - [a, 'b', 3]
      """)
    XCTAssertEqual(diagnostics, [])
    let root = try XCTUnwrap(doc?.root)
    XCTAssertEqual(root["id"]?.string, "credit-line")
    XCTAssertEqual(node(root, ["rules", 0, "when"])?.scalar?.style, .doubleQuoted)
    XCTAssertEqual(node(root, ["rules", 0, "when"])?.string, "amount > 10")
    XCTAssertEqual(node(root, ["rules", 0, "then"])?.string, "deny")
    XCTAssertEqual(node(root, ["rules", 1])?.sequence?.count, 3)
    XCTAssertEqual(node(root, ["rules", 1, 1])?.scalar?.style, .singleQuoted)
    XCTAssertEqual(node(root, ["rules", 1, 2])?.int, 3)
    XCTAssertEqual(root.mapping?.map { $0.key.scalar?.value }, ["id", "rules"])
  }

  func testEmptyFileHasNoRoot() {
    let (doc, diagnostics) = load("# only a comment\n")
    XCTAssertNotNil(doc)
    XCTAssertNil(doc?.root)
    XCTAssertEqual(diagnostics, [])
  }

  func testDiagnostics() {
    let cases: [(String, String, UInt)] = [
      (
        "a: [1, 2\nb: 3\n",
        """
        policy.yaml:2:2: error[yaml_syntax_error]: did not find expected ',' or ']' while parsing a flow sequence
           | b: 3
           |  ^
           = hint: the construct started on line 1
        """, #line
      ),
    ]
    for (source, expected, line) in cases {
      XCTAssertEqual(rendered(source), expected, line: line)
    }
  }
}
