import Foundation
import PolicyExpr
import XCTest

/// Runs the CEL conformance suite (cel-spec "simple" tests converted to JSON) against Proviso.
///
/// The folder comes from `CEL_SPEC_DIR`, else `../shared/conformance/cel-spec` beside the package.
/// Tests tagged `needs_proto` are skipped (Proviso has no protobuf messages), as are the entries of
/// `skip-list.txt`, each with its reason. Any other failure fails the test.
final class ConformanceTests: XCTestCase {
  static let files = [
    "basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists", "logic", "macros", "macros2",
    "parse", "plumbing", "string", "timestamps", "namespace", "math_ext", "string_ext",
  ]

  static var specDirectory: URL {
    if let dir = ProcessInfo.processInfo.environment["CEL_SPEC_DIR"] { return URL(fileURLWithPath: dir) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared/conformance/cel-spec")
  }

  func testConformance() throws {
    let dir = Self.specDirectory
    guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("basic.json").path) else {
      print("ConformanceTests: SKIPPED — the CEL conformance data is absent at \(dir.path); set CEL_SPEC_DIR")
      throw XCTSkip("CEL conformance data absent at \(dir.path)")
    }
    let skips = try SkipList.load()
    var rows: [String] = []
    var failures: [String] = []
    var totals = (passed: 0, failed: 0, skipped: 0)
    for name in Self.files {
      let data = try Data(contentsOf: dir.appendingPathComponent("\(name).json"))
      guard case .object(let file) = try JSONReader.parse(Array(data)), case .array(let sections)? = file["sections"] else {
        XCTFail("\(name).json is not a conformance file"); continue
      }
      var passed = 0, failed = 0, skipped = 0
      for case .object(let section) in sections {
        guard case .string(let sectionName)? = section["name"], case .array(let tests)? = section["tests"] else { continue }
        for case .object(let test) in tests {
          guard case .string(let testName)? = test["name"] else { continue }
          let id = "\(name)/\(sectionName)/\(testName)"
          if case .bool(true)? = test["needs_proto"] { skipped += 1; continue }
          if skips[id] != nil { skipped += 1; continue }
          if let problem = ConformanceCase(test).run() {
            failed += 1
            failures.append("\(id): \(problem)")
          } else {
            passed += 1
          }
        }
      }
      rows.append(name.padding(toLength: 14, withPad: " ", startingAt: 0)
        + String(format: " %6d %6d %7d  %5.1f%%", passed, failed, skipped, passed + failed == 0 ? 100 : 100 * Double(passed) / Double(passed + failed)))
      totals.passed += passed; totals.failed += failed; totals.skipped += skipped
    }
    print("file           passed failed skipped  pass rate")
    rows.forEach { print($0) }
    print("total          \(totals.passed) passed, \(totals.failed) failed, \(totals.skipped) skipped")
    for f in failures { print("FAILED \(f)") }
    XCTAssertEqual(failures.count, 0, "conformance failures not on the skip list:\n" + failures.prefix(50).joined(separator: "\n"))
  }
}

/// `skip-list.txt`: `file/section/test  # reason` per line.
enum SkipList {
  static func load() throws -> [String: String] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("skip-list.txt")
    let text = try String(contentsOf: url, encoding: .utf8)
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
      let parts = line.split(separator: "#", maxSplits: 1)
      let id = parts[0].trimmingCharacters(in: .whitespaces)
      let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
      precondition(!reason.isEmpty, "skip-list entry '\(id)' needs a reason")
      out[id] = reason
    }
    return out
  }
}
