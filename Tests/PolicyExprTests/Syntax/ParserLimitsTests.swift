import Foundation
import PolicySource
import XCTest

@testable import PolicyExpr

/// Every parser limit crossed, with a located diagnostic, quickly and without deep recursion.
final class ParserLimitsTests: XCTestCase {
  /// Limits that let huge inputs reach the nesting checks.
  private var bigInput: Limits {
    var limits = Limits()
    limits.maxExpressionBytes = 4 << 20
    return limits
  }

  private let nestingMessage = "expression nesting exceeds the limit of 128"

  /// The pathological inputs: name, source, and the offset where the limit is crossed.
  private var pathological: [(String, String, Int32)] {
    let n = 100_000
    return [
      ("parens", String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n), 128),
      ("negations", String(repeating: "-(", count: n / 2) + "1" + String(repeating: ")", count: n / 2), 128),
      ("bangs", String(repeating: "!", count: n) + "true", 128),
      ("minuses", String(repeating: "-", count: n) + "x", 128),
      ("selects", "a" + String(repeating: ".b", count: n), 1 + 2 * 127),
      ("lists", String(repeating: "[", count: n) + String(repeating: "]", count: n), 128),
      ("maps", String(repeating: "{0:", count: n) + "0" + String(repeating: "}", count: n), 3 * 128),
      ("calls", String(repeating: "f(", count: n) + String(repeating: ")", count: n), 1 + 2 * 128),
      ("indexes", "a" + String(repeating: "[0]", count: n), 1 + 3 * 127),
      ("index nesting", String(repeating: "a[", count: n) + "0" + String(repeating: "]", count: n), 1 + 2 * 128),
      ("method chain", "a" + String(repeating: ".f()", count: n), 1 + 4 * 127),
      ("ternaries", String(repeating: "a ? b : ", count: n / 8) + "c", 2 + 8 * 128),
      ("additions", "1" + String(repeating: " + 1", count: n), 2 + 4 * 127),
    ]
  }

  func testExpressionBytes() {
    var limits = Limits()
    limits.maxExpressionBytes = 10
    let (parsed, diagnostics) = ExprParser.parse("a + bb + ccc", limits: limits)
    XCTAssertNil(parsed)
    XCTAssertEqual(diagnostics, [
      Diagnostic(
        code: .exprLimitExceeded, message: "expression is 12 bytes, over the limit of 10", range: SourceRange(at: 0)),
    ])
    XCTAssertNotNil(ExprParser.parse("a + bb + c", limits: limits).0)
  }

  func testMegabyteExpressionFailsFast() {
    let source = String(repeating: "a + ", count: 1 << 18) + "a"
    let start = Date()
    let (parsed, diagnostics) = ExprParser.parse(source)
    XCTAssertLessThan(Date().timeIntervalSince(start), 0.05)
    XCTAssertNil(parsed)
    XCTAssertEqual(diagnostics.map(\.message), ["expression is 1048577 bytes, over the limit of 16384"])
    XCTAssertEqual(diagnostics.first?.code, .exprLimitExceeded)
  }

  func testPathologicalNestingIsLocatedAndFast() {
    for (name, source, offset) in pathological {
      let start = Date()
      let (parsed, diagnostics) = ExprParser.parse(source, limits: bigInput)
      XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, name)
      XCTAssertNil(parsed, name)
      XCTAssertEqual(diagnostics.map { "\($0.range.start): \($0.message)" }, ["\(offset): \(nestingMessage)"], name)
      XCTAssertEqual(diagnostics.map(\.code), [.exprLimitExceeded], name)
    }
  }

  func testPathologicalNestingOnSmallStack() {
    let inputs = pathological
    let limits = bigInput
    let done = expectation(description: "parsed on a 512 KB stack")
    let failures = LockedList()
    let thread = Thread {
      for (name, source, _) in inputs {
        let (parsed, diagnostics) = ExprParser.parse(source, limits: limits)
        if parsed != nil || diagnostics.count != 1 { failures.append(name) }
      }
      done.fulfill()
    }
    thread.stackSize = 512 << 10
    thread.start()
    wait(for: [done], timeout: 30)
    XCTAssertEqual(failures.items, [])
  }

  func testNestingJustUnderTheLimitParses() {
    var limits = Limits()
    limits.maxExpressionNesting = 10
    let cases = [
      String(repeating: "(", count: 10) + "1" + String(repeating: ")", count: 10),
      String(repeating: "[", count: 10) + String(repeating: "]", count: 10),
      String(repeating: "!", count: 10) + "x",
      "a" + String(repeating: ".b", count: 9),
      "1" + String(repeating: " + 1", count: 9),
    ]
    for source in cases {
      let (parsed, diagnostics) = ExprParser.parse(source, limits: limits)
      XCTAssertNotNil(parsed, source)
      XCTAssertEqual(diagnostics, [], source)
    }
  }

  func testOneLevelOverTheLimitFails() {
    var limits = Limits()
    limits.maxExpressionNesting = 10
    let cases = [
      String(repeating: "(", count: 11) + "1" + String(repeating: ")", count: 11),
      String(repeating: "[", count: 11) + String(repeating: "]", count: 11),
      String(repeating: "!", count: 11) + "x",
      "a" + String(repeating: ".b", count: 10),
      "1" + String(repeating: " + 1", count: 10),
    ]
    for source in cases {
      let (parsed, diagnostics) = ExprParser.parse(source, limits: limits)
      XCTAssertNil(parsed, source)
      XCTAssertEqual(diagnostics.map(\.message), ["expression nesting exceeds the limit of 10"], source)
    }
  }

  func testLongLogicalChainsStayShallow() {
    // 2,000 conjuncts are balanced into a tree of height 12, well under the nesting limit.
    let source = Array(repeating: "a", count: 2_000).joined(separator: " && ")
    let (parsed, diagnostics) = ExprParser.parse(source)
    XCTAssertEqual(diagnostics, [])
    XCTAssertNotNil(parsed)
  }

  func testNestingErrorsAreMarked() {
    var limits = Limits()
    limits.maxExpressionNesting = 3
    assertParseDiagnostics("(((1️⃣((1)))))", ["1️⃣": "expression nesting exceeds the limit of 3"], limits: limits, code: .exprLimitExceeded)
    assertParseDiagnostics("a.b.c1️⃣.d", ["1️⃣": "expression nesting exceeds the limit of 3"], limits: limits, code: .exprLimitExceeded)
    assertParseDiagnostics("!!!1️⃣!x", ["1️⃣": "expression nesting exceeds the limit of 3"], limits: limits, code: .exprLimitExceeded)
  }
}

/// A thread-safe list of names (for collecting failures on another thread).
private final class LockedList: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [String] = []
  func append(_ item: String) { lock.withLock { storage.append(item) } }
  var items: [String] { lock.withLock { storage } }
}

extension ParserLimitsTests {
  func testHardNestingLimitHoldsWhateverTheLimits() {
    var limits = bigInput
    limits.maxExpressionNesting = 1_000_000
    let source = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let (parsed, diagnostics) = ExprParser.parse(source, limits: limits)
    XCTAssertNil(parsed)
    XCTAssertEqual(diagnostics.map { "\($0.range.start): \($0.message)" }, ["1000: expression nesting exceeds the limit of 1000"])
  }
}
