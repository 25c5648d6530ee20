import Dispatch
import Foundation
import PolicySource
import XCTest

@testable import PolicyYAML

/// Loading whole policy files from `Fixtures/`.
final class YAMLFixtureTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  private func fixture(_ name: String) throws -> SourceFile {
    let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
    return SourceFile(path: name, bytes: Array(data))
  }

  func testLoadsTwoHundredLinePolicy() throws {
    let file = try fixture("policy_200_lines.yaml")
    let (doc, diagnostics) = YAMLLoader.load(file)
    XCTAssertEqual(diagnostics, [])
    let root = try XCTUnwrap(doc?.root)
    XCTAssertEqual(root["policy"]?.string, "receivable-financing")
    XCTAssertEqual(root["constants"]?["advance_rate"]?.scalar?.value, "0.90")
    XCTAssertEqual(node(root, ["checks", 0, "owner"])?.string, "credit-risk")  // merged from `<<: *base_check`
    XCTAssertEqual(node(root, ["tables", 0, "rows", 0, 2])?.double, 1.30)
    let fee = try XCTUnwrap(node(root, ["let", "fee"])?.scalar)
    XCTAssertEqual(fee.value, "receivable.amount * annual_rate\n  * days_to_maturity / 360\n")
    // `days_to_maturity` on the block's second line maps to its place in the file.
    let days = try XCTUnwrap(Array(fee.value.utf8).firstIndex(of: UInt8(ascii: "d")))
    let offset = fee.mapping.fileOffset(Int32(days))
    XCTAssertEqual(file.location(of: offset), SourceLocation(line: 25, column: 9))
    // Without escapes, every scalar maps exactly.
    var stack = [root]
    while let n = stack.popLast() {
      switch n.kind {
      case .scalar(let s): XCTAssertNil(s.mapping.collapsedTo, s.value)
      case .sequence(let items): stack += items
      case .mapping(let pairs): stack += pairs.flatMap { [$0.key, $0.value] }
      }
    }
  }

  /// Seeded random edits of the fixture: never a crash, every range and mapping inside the file,
  /// every exact mapping agreeing with the file byte for byte at each segment start.
  func testMutatedPoliciesNeverCrash() throws {
    let base = try fixture("policy_200_lines.yaml").bytes
    let pieces = [":", "!", "\t", "\n", "\"", "'", "|", ">", "&a ", "*a", "[", "]", "{", "#", "- ", ": ", " ? ", "é",
                  "\r\n", "|-\n", "\\", "''", "!!str ", "---\n", "@"].map { Array($0.utf8) }
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int) -> Int {
      seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
      return Int(seed % UInt64(n))
    }
    for _ in 0..<150 {
      var b = base
      for _ in 0...next(3) {
        let at = next(b.count + 1)
        switch next(3) {
        case 0: b.insert(contentsOf: pieces[next(pieces.count)], at: at)
        case 1: if at < b.count { b.remove(at: at) }
        default: if at < b.count { b[at] = UInt8(next(256)) }
        }
      }
      let (doc, diagnostics) = YAMLLoader.load(SourceFile(path: "m.yaml", bytes: b))
      XCTAssertTrue(doc != nil || diagnostics.hasErrors)
      var stack = doc?.root.map { [$0] } ?? []
      while let n = stack.popLast() {
        XCTAssertTrue(n.range.start >= 0 && n.range.end <= Int32(b.count))
        switch n.kind {
        case .scalar(let s):
          let value = Array(s.value.utf8)
          for segment in s.mapping.segments where Int(segment.expression) < value.count {
            XCTAssertEqual(value[Int(segment.expression)], b[Int(segment.file)])
          }
        case .sequence(let items): stack += items
        case .mapping(let pairs): stack += pairs.flatMap { [$0.key, $0.value] }
        }
      }
    }
  }

  func testTwoHundredLinePolicyLoadsQuickly() throws {
    let file = try fixture("policy_200_lines.yaml")
    _ = YAMLLoader.load(file)
    let runs = 20
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<runs { _ = YAMLLoader.load(file) }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
    // Debug builds are ~10x slower than release, where this takes well under 1 ms.
    XCTAssertLessThan(ms, 20, "\(ms) ms per load")
  }
}
