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
    XCTAssertEqual(node(root, ["checks", 0, "<<", "owner"])?.string, "credit-risk")
    XCTAssertEqual(node(root, ["tables", 0, "rows", 0, 2])?.double, 1.30)
    let fee = try XCTUnwrap(node(root, ["let", "fee"])?.scalar)
    XCTAssertEqual(fee.value, "receivable.amount * annual_rate\n  * days_to_maturity / 360\n")
    // `days_to_maturity` on the block's second line maps to its place in the file.
    let days = try XCTUnwrap(Array(fee.value.utf8).firstIndex(of: UInt8(ascii: "d")))
    let offset = fee.mapping.fileOffset(Int32(days))
    XCTAssertEqual(file.location(of: offset), SourceLocation(line: 25, column: 9))
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
