import Foundation
import PolicyExpr
import PolicyRules
import XCTest

@testable import PolicyStream

/// Paths and loaders shared by the stream tests.
enum StreamFixtures {
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  static var telemetryPolicyPath: String { repositoryRoot.appendingPathComponent("policies/equipment-telemetry.yaml").path }

  /// The bundled stream policy, compiled for streaming.
  static func telemetry(file: StaticString = #filePath, line: UInt = #line) throws -> StreamPolicy {
    let (compiled, diagnostics) = PolicyLoader.load(path: telemetryPolicyPath)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "", file: file, line: line)
    let (policy, more) = StreamPolicy.make(try XCTUnwrap(compiled, file: file, line: line))
    XCTAssertEqual(DiagnosticRenderer().render(more), "", file: file, line: line)
    return try XCTUnwrap(policy, file: file, line: line)
  }

  /// Loads `yaml` written to a fresh temporary folder with `files` beside it.
  static func load(_ yaml: String, files: [String: String] = [:]) throws -> (CompiledPolicy?, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    let path = dir.appendingPathComponent("p.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let (compiled, diagnostics) = PolicyLoader.load(path: path)
    return (compiled, DiagnosticRenderer().render(diagnostics).replacingOccurrences(of: dir.path + "/", with: ""))
  }

  /// One report of the bundled policy's message shape, as JSON.
  static func report(_ device: String, _ t: Int64, lat: Double = 53.615, lon: Double = 9.925, hours: Double = 100, fuel: Double = 1000) -> String {
    #"{"device_id": "\#(device)", "timestamp": \#(t), "location": {"lat": \#(lat), "lon": \#(lon)}, "working_hours": \#(hours), "fuel_consumption": \#(fuel)}"#
  }
}

extension StreamMonitor {
  /// Receives a JSON payload given as text.
  func receive(_ json: String, topic: String? = nil, tick: DurationValue? = nil) -> Result<[AlertEvent], Rejection> {
    var copy = json
    return copy.withUTF8 { receive(payload: UnsafeRawBufferPointer($0), topic: topic, tick: tick) }
  }
}
