import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// The golden cases in `Golden/<case>/`: a policy, optional input records, and the exact text
/// expected from loading and dry-running them (see `Golden/README.md`).
final class GoldenTests: XCTestCase {
  static var folder: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden") }

  func testGoldenCases() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent($0).path, isDirectory: &isDirectory) && isDirectory.boolValue
    }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, 5)
    for name in names {
      let dir = Self.folder.appendingPathComponent(name)
      let actual = Self.run(dir, name: name)
      let expectedURL = dir.appendingPathComponent("expected.txt")
      if ProcessInfo.processInfo.environment["PROVISO_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        continue
      }
      let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "<missing expected.txt>"
      XCTAssertEqual(actual, expected, "golden case '\(name)'")
    }
  }

  static func run(_ dir: URL, name: String) -> String {
    let bytes = FileManager.default.contents(atPath: dir.appendingPathComponent("policy.yaml").path).map(Array.init) ?? []
    let (policy, diagnostics) = PolicyLoader.load(SourceFile(path: "Golden/\(name)/policy.yaml", bytes: bytes))
    var out = diagnostics.isEmpty ? "" : DiagnosticRenderer().render(diagnostics) + "\n"
    guard let policy else { return out }
    for (file, format) in [("input.csv", InputRecords.Format.csv), ("input.jsonl", .jsonl), ("input.json", .json)] {
      guard let input = FileManager.default.contents(atPath: dir.appendingPathComponent(file).path) else { continue }
      var options = DryRun.Options()
      options.format = .csv
      var results: [UInt8] = []
      var problems: [String] = []
      var summary = DryRun.run(policy, input: Array(input), format: format, options: options,
                               emit: { results += $0 }, problem: { problems.append($0) })
      summary.seconds = 0
      out += "--- results\n" + String(decoding: results, as: UTF8.self)
      out += "--- problems\n" + problems.map { $0 + "\n" }.joined()
      out += "--- summary\n" + summary.render() + "\n"
    }
    return out
  }
}
