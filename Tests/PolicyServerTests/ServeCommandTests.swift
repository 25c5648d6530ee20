import Foundation
import PolicySource
import XCTest

/// `proviso serve` as a process: starts on an ephemeral loopback port, decides, reloads on SIGHUP,
/// and shuts down cleanly on SIGTERM with the decision log flushed.
final class ServeCommandTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let binary = root.appendingPathComponent(".build/debug/proviso").path

  func testServeDecidesReloadsOnSIGHUPAndStopsOnSIGTERM() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
      throw XCTSkip("the proviso binary is not built at \(Self.binary); run `swift build --product proviso` first")
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-serve-\(UUID().uuidString)")
    let policies = work.appendingPathComponent("policies")
    try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let source = try String(contentsOf: Self.root.appendingPathComponent("policies/receivable-financing.yaml"), encoding: .utf8)
    try source.write(to: policies.appendingPathComponent("receivable-financing.yaml"), atomically: true, encoding: .utf8)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["serve", policies.path, "--port", "0", "--no-watch", "--decision-log", work.appendingPathComponent("log.sqlite").path]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    defer { if process.isRunning { process.terminate() } }

    // The first line on stdout is `PORT n`.
    var line = [UInt8]()
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      let byte = out.fileHandleForReading.readData(ofLength: 1)
      guard let b = byte.first else { break }
      if b == 10 { break }
      line.append(b)
    }
    let text = String(decoding: line, as: UTF8.self)
    let port = try XCTUnwrap(UInt16(text.replacingOccurrences(of: "PORT ", with: "")), "expected 'PORT n', got '\(text)'")
    let client = TestHTTPClient(port: port)

    let body = try String(contentsOf: Self.root.appendingPathComponent("examples/receivables.jsonl"), encoding: .utf8)
      .split(separator: "\n")[0]
    let decision = try XCTUnwrap(client.request("POST", "/v1/decisions/receivable-financing", body: Array(body.utf8)))
    XCTAssertEqual(decision.status, 200)
    XCTAssertTrue(decision.body.contains(#""decision":"approved""#), decision.body)
    XCTAssertTrue(decision.body.contains(#""advance":"291600.00""#), decision.body)

    // A change picked up by SIGHUP (the watcher is off): the new version answers.
    try (source + "\n# revised\n").write(to: policies.appendingPathComponent("receivable-financing.yaml"), atomically: true, encoding: .utf8)
    kill(process.processIdentifier, SIGHUP)
    var reloaded = false
    for _ in 0..<100 where !reloaded {
      Thread.sleep(forTimeInterval: 0.05)
      reloaded = client.request("GET", "/v1/policies")?.body.contains(Self.sha256(source + "\n# revised\n")) == true
    }
    XCTAssertTrue(reloaded, "SIGHUP reloads the folder")

    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    XCTAssertTrue(stderr.contains("shutting down"), stderr)
  }

  static func sha256(_ text: String) -> String { SHA256.hex(Array(text.utf8)) }
}
