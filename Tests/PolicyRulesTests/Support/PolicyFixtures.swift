import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// Helpers shared by the PolicyRules tests: load a policy from text, render its diagnostics, decide
/// one JSON document.
enum PolicyFixtures {
  /// The name every in-memory policy is given, so rendered diagnostics start with `policy.yaml:`.
  static let path = "policy.yaml"

  /// Loads a policy from YAML text.
  static func load(_ yaml: String, path: String = path) -> (CompiledPolicy?, [Diagnostic]) {
    PolicyLoader.load(SourceFile(path: path, text: yaml))
  }

  /// Loads a policy from raw bytes (for non-UTF-8 and size tests).
  static func load(bytes: [UInt8], path: String = path) -> (CompiledPolicy?, [Diagnostic]) {
    PolicyLoader.load(SourceFile(path: path, bytes: bytes))
  }

  /// Every diagnostic of loading `yaml`, rendered without colors.
  static func rendered(_ yaml: String) -> String {
    DiagnosticRenderer().render(load(yaml).1)
  }

  /// Loads a policy that must compile; fails the test with the rendered diagnostics otherwise.
  static func compile(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> CompiledPolicy? {
    let (policy, diagnostics) = load(yaml)
    if policy == nil || diagnostics.hasErrors {
      XCTFail("policy does not compile:\n" + DiagnosticRenderer().render(diagnostics), file: file, line: line)
    }
    return policy
  }

  /// Decodes `json` against the policy's inputs and decides it; fails the test on an input error.
  static func decide(
    _ policy: CompiledPolicy, _ json: String, now: String? = nil, explain: Bool = false,
    file: StaticString = #filePath, line: UInt = #line
  ) -> Decision? {
    switch policy.decodeInput(Array(json.utf8)) {
    case .failure(let errors):
      XCTFail("input rejected: \(errors)", file: file, line: line)
      return nil
    case .success(let input):
      let ts = now.flatMap { try? Timestamp(parsing: $0) }
      if now != nil && ts == nil { XCTFail("bad now '\(now!)'", file: file, line: line) }
      return policy.decide(input, now: ts, explain: explain)
    }
  }

  /// A decision in one compact line: `outcome; failed: a, b; outputs: x=1, y=2; alerts: k; errors: ...`.
  static func summary(_ d: Decision) -> String {
    var parts = [d.outcome.rawValue]
    if !d.reasons.isEmpty { parts.append("failed: " + d.reasons.map { "\($0.id) (\($0.message))" }.joined(separator: ", ")) }
    if !d.adjustments.isEmpty { parts.append("adjusted: " + d.adjustments.map { "\($0.id) (\($0.message))" }.joined(separator: ", ")) }
    if !d.outputs.isEmpty { parts.append("outputs: " + d.outputs.map { "\($0.name)=\($0.value.displayText)" }.joined(separator: ", ")) }
    if !d.alerts.isEmpty { parts.append("alerts: " + d.alerts.map { "\($0.id)[\($0.severity)] \($0.message)" }.joined(separator: ", ")) }
    if !d.errors.isEmpty {
      parts.append("errors: " + d.errors.map { "\($0.source): \($0.message)" + ($0.location.map { " @\($0)" } ?? "") }.joined(separator: "; "))
    }
    return parts.joined(separator: "; ")
  }

  /// The repository root, found from this file's path.
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath)  // .../Tests/PolicyRulesTests/Support/PolicyFixtures.swift
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Whether the engine-bug reproductions should run (`PROVISO_KNOWN_BUGS=1`).
  static var knownBugsEnabled: Bool { ProcessInfo.processInfo.environment["PROVISO_KNOWN_BUGS"] == "1" }

  /// Whether tests should write their actual text to `/tmp/proviso-dump/` (to review new cases).
  static func dump(_ name: String, _ text: String) {
    guard let dir = ProcessInfo.processInfo.environment["PROVISO_DUMP"] else { return }
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let safe = name.map { $0.isLetter || $0.isNumber ? $0 : "_" }
    try? text.write(toFile: dir + "/" + String(safe) + ".txt", atomically: true, encoding: .utf8)
  }
}
