import Dispatch
import PolicySource
import XCTest

@testable import PolicyYAML

/// Each limit crossed: a located diagnostic, quickly, and no crash.
final class YAMLLimitsTests: XCTestCase {
  /// Milliseconds taken by `body`.
  private func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  }

  func testBillionLaughsFailsFastAtTheAlias() {
    let lol = "a: &a [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ", ") + "]\n"
    var text = lol
    for (name, previous) in zip("bcdefghi", "abcdefgh") {
      text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
    }
    var result: (YAMLDocument?, [Diagnostic])!
    let ms = milliseconds { result = load(text) }
    XCTAssertLessThan(ms, 500)
    XCTAssertNil(result.0)
    XCTAssertEqual(DiagnosticRenderer().render(result.1), """
      policy.yaml:4:8: error[yaml_alias_budget]: alias '*c' expands past the limit of 1000 copied nodes
         | d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
         |        ^~
         = hint: write the repeated part out, or use fewer nested aliases
      """)
  }

  func testAliasBudgetCountsCopiedNodes() {
    var limits = Limits()
    limits.maxAliasExpansions = 4
    // Each `*a` copies 3 nodes (the sequence and its two items): the first fits, the second does not.
    let (doc, diagnostics) = load("a: &a [1, 2]\nb: [*a, *a]\n", limits: limits)
    XCTAssertNil(doc)
    XCTAssertEqual(diagnostics.map(\.code), [.yamlAliasBudget])
    XCTAssertEqual(diagnostics.first?.range, SourceRange(start: 21, end: 23))
    XCTAssertNotNil(load("a: &a [1, 2]\nb: [*a]\n", limits: limits).0)
  }

  func testDeepFlowNestingFailsFastWithoutStackOverflow() {
    let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
    var result: (YAMLDocument?, [Diagnostic])!
    let ms = milliseconds { result = load(text) }
    XCTAssertLessThan(ms, 500)
    XCTAssertNil(result.0)
    XCTAssertEqual(result.1.map(\.code), [.yamlNestingLimit])
    XCTAssertEqual(result.1.first?.message, "collections nest deeper than the limit of 64 levels")
    XCTAssertEqual(result.1.first?.range, SourceRange(start: 64, end: 65))
  }

  func testNestingLimitBoundary() {
    let atLimit = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    XCTAssertEqual(load(atLimit).1, [])
    var limits = Limits()
    limits.maxYAMLNesting = 2
    XCTAssertEqual(rendered("rules:\n  - when: x\n    then:\n      - deny\n", limits: limits), """
      policy.yaml:2:5: error[yaml_nesting_limit]: collections nest deeper than the limit of 2 levels
         |   - when: x
         |     ^
      """)
  }

  func testAliasCannotNestPastTheLimit() {
    var limits = Limits()
    limits.maxYAMLNesting = 3
    let (doc, diagnostics) = load("a: &a [[1]]\nb: [*a]\n", limits: limits)
    XCTAssertNil(doc)
    XCTAssertEqual(diagnostics.map(\.code), [.yamlNestingLimit])
  }

  func testFiveMegabyteFileIsTooLarge() {
    let line = "key: value value value value\n"
    let text = String(repeating: line, count: 5 * 1024 * 1024 / line.utf8.count + 1)
    let file = SourceFile(path: "policy.yaml", text: text)  // building the line table is not the loader's time
    var result: (YAMLDocument?, [Diagnostic])!
    let ms = milliseconds { result = YAMLLoader.load(file) }
    XCTAssertLessThan(ms, 500)
    XCTAssertNil(result.0)
    XCTAssertEqual(DiagnosticRenderer().render(result.1), """
      policy.yaml:1:1: error[yaml_too_large]: policy file is \(text.utf8.count) bytes, more than the limit of 4194304
         | key: value value value value
         | ^
         = hint: split the policy into smaller files
      """)
  }
}
