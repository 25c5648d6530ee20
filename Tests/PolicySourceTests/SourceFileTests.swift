import PolicySource
import XCTest

final class SourceFileTests: XCTestCase {
  func testLocationsAreOneBasedAndCountScalars() {
    let file = SourceFile(path: "p.yaml", text: "a: 1\nname: \"é\" # é\nlast")
    XCTAssertEqual(file.location(of: 0), SourceLocation(line: 1, column: 1))
    XCTAssertEqual(file.location(of: 5), SourceLocation(line: 2, column: 1))
    // "é" is two UTF-8 bytes but one column: the byte after it is column 9.
    let afterAccent = Int32(Array("a: 1\nname: \"é".utf8).count)
    XCTAssertEqual(file.location(of: afterAccent), SourceLocation(line: 2, column: 9))
    XCTAssertEqual(file.lineText(2), "name: \"é\" # é")
    XCTAssertEqual(file.lineText(3), "last")
    XCTAssertEqual(file.location(of: 10_000), SourceLocation(line: 3, column: 5), "offsets past the end clamp")
  }

  func testCarriageReturnsAreNotPartOfTheLine() {
    let file = SourceFile(path: "p.yaml", text: "a: 1\r\nb: 2\r\n")
    XCTAssertEqual(file.lineText(1), "a: 1")
    XCTAssertEqual(file.location(of: 6), SourceLocation(line: 2, column: 1))
  }

  func testMappingsMoveExpressionRangesIntoTheFile() {
    // A `|` block: the expression's second line starts at file offset 40.
    let mapping = SourceMapping(segments: [.init(expression: 0, file: 20), .init(expression: 8, file: 40)])
    XCTAssertEqual(mapping.fileOffset(3), 23)
    XCTAssertEqual(mapping.fileOffset(10), 42)
    XCTAssertEqual(mapping.fileRange(SourceRange(start: 9, end: 12)), SourceRange(start: 41, end: 44))
    XCTAssertEqual(SourceMapping.collapsed(to: 7).fileRange(SourceRange(start: 3, end: 9)), SourceRange(at: 7))
    XCTAssertEqual(SourceMapping.contiguous(at: 100).fileOffset(5), 105)
  }
}

final class DiagnosticRendererTests: XCTestCase {
  func testRendersLocationCodeSourceLineCaretAndHint() {
    let file = SourceFile(path: "policies/p.yaml", text: "checks:\n  - require: recievable.amount > 0\n")
    let start = Int32(Array("checks:\n  - require: ".utf8).count)
    let d = Diagnostic(.error, code: "expr_check_error", message: "undeclared reference to 'recievable'",
                       range: SourceRange(start: start, end: start + 10), file: file, hint: "did you mean 'receivable'?")
    XCTAssertEqual(DiagnosticRenderer().render(d), """
      policies/p.yaml:2:14: error[expr_check_error]: undeclared reference to 'recievable'
         |   - require: recievable.amount > 0
         |              ^~~~~~~~~~
         = hint: did you mean 'receivable'?
      """)
  }

  func testSortsByPositionAndTruncatesPastTheLimit() {
    let file = SourceFile(path: "p.yaml", text: String(repeating: "x\n", count: 200))
    let many = (0..<150).reversed().map { i in
      Diagnostic(.error, code: "policy_invalid_value", message: "problem \(i)", range: SourceRange(at: Int32(i * 2)), file: file)
    }
    let text = DiagnosticRenderer(limit: Limits.default.maxDiagnostics).render(many)
    let headers = text.split(separator: "\n").filter { $0.hasPrefix("p.yaml:") }
    XCTAssertEqual(headers.count, 100)
    XCTAssertEqual(headers.first, "p.yaml:1:1: error[policy_invalid_value]: problem 0")
    XCTAssertTrue(text.hasSuffix("50 more errors were truncated"))
  }

  func testDiagnosticsWithoutAFileHaveNoSnippet() {
    let d = Diagnostic(.warning, code: "x", message: "something", range: SourceRange(at: 0))
    XCTAssertEqual(DiagnosticRenderer().render(d), "warning[x]: something")
  }
}

final class UTF8ValidationTests: XCTestCase {
  func check(_ bytes: [UInt8], at i: Int = 0) -> UTF8Validation.Sequence {
    bytes.withUnsafeBufferPointer { UTF8Validation.sequence($0, at: i) }
  }

  func testValidAndInvalidSequences() {
    XCTAssertEqual(check(Array("é".utf8)), .valid(end: 2))
    XCTAssertEqual(check(Array("😀".utf8)), .valid(end: 4))
    XCTAssertEqual(check([0xC0, 0x80]), .invalid(at: 0), "overlong")
    XCTAssertEqual(check([0xED, 0xA0, 0x80]), .invalid(at: 1), "a surrogate")
    XCTAssertEqual(check([0xF4, 0x90, 0x80, 0x80]), .invalid(at: 1), "above U+10FFFF")
    XCTAssertEqual(check([0x80]), .invalid(at: 0), "a stray continuation byte")
    XCTAssertEqual(check([0xE2, 0x82]), .truncated)
  }
}
