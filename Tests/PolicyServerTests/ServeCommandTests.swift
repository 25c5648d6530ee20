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

    // A few more decisions for the log, then a clean stop.
    let lines = try String(contentsOf: Self.root.appendingPathComponent("examples/receivables.jsonl"), encoding: .utf8)
      .split(separator: "\n").prefix(40)
    for line in lines { XCTAssertEqual(client.request("POST", "/v1/decisions/receivable-financing", body: Array(line.utf8))?.status, 200) }
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    XCTAssertTrue(stderr.contains("shutting down"), stderr)

    // `proviso log` shows every answered decision; `proviso replay` compares a stricter version.
    let log = work.appendingPathComponent("log.sqlite").path
    let logged = try Self.run(["log", "--log", log])
    XCTAssertEqual(logged.status, 0)
    XCTAssertEqual(logged.out.split(separator: "\n").count, 41, "one decision before the reload and 40 after")
    let stricter = work.appendingPathComponent("stricter.yaml")
    try source.replacingOccurrences(of: "min_days_to_maturity: 15", with: "min_days_to_maturity: 30")
      .write(to: stricter, atomically: true, encoding: .utf8)
    let replay = try Self.run(["replay", "--log", log, "--policy", stricter.path])
    XCTAssertEqual(replay.status, 0, replay.err)
    XCTAssertTrue(replay.out.contains("replay of 41 logged decisions"), replay.out)
    XCTAssertTrue(replay.out.contains("approved -> declined"), replay.out)
    XCTAssertTrue(replay.out.contains("now failing minimum-maturity"), replay.out)
  }

  func testServeRefusesANonLoopbackAddressWithoutTokens() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("the proviso binary is not built") }
    let result = try Self.run(["serve", Self.root.appendingPathComponent("policies").path, "--host", "0.0.0.0", "--port", "0", "--no-watch"])
    XCTAssertEqual(result.status, 64)
    XCTAssertTrue(result.err.contains("refusing to listen on '0.0.0.0' without --tokens"), result.err)
    let halfTLS = try Self.run(["serve", Self.root.appendingPathComponent("policies").path, "--tls-cert", "/dev/null", "--port", "0", "--no-watch"])
    XCTAssertEqual(halfTLS.status, 64)
    XCTAssertTrue(halfTLS.err.contains("TLS needs both --tls-cert FILE and --tls-key FILE"), halfTLS.err)
    let badTokens = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-tokens-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: badTokens) }
    try "tokens:\n  - name: a\n    sha256: 00\n    scopes: [decide]\n".write(to: badTokens, atomically: true, encoding: .utf8)
    let bad = try Self.run(["serve", Self.root.appendingPathComponent("policies").path, "--tokens", badTokens.path, "--port", "0", "--no-watch"])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.err.contains("\(badTokens.path):3:13: error[token_file_invalid]: sha256 of token 'a' must be 64 hex digits"), bad.err)
  }

  func testServeWithTokensRecordsTheTokenOfEachDecision() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("the proviso binary is not built") }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-tokens-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let tokens = work.appendingPathComponent("tokens.yaml")
    try """
      tokens:
        - {name: teller, sha256: \(Self.sha256("teller-secret")), scopes: [decide], policies: [receivable-financing]}
        - {name: ops, sha256: \(Self.sha256("ops-secret")), scopes: [admin, read]}
      """.write(to: tokens, atomically: true, encoding: .utf8)
    let log = work.appendingPathComponent("log.sqlite").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["serve", Self.root.appendingPathComponent("policies").path, "--port", "0", "--no-watch", "--tokens", tokens.path,
                         "--decision-log", log]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    var line = [UInt8]()
    while let byte = out.fileHandleForReading.readData(ofLength: 1).first, byte != 10 { line.append(byte) }
    let port = try XCTUnwrap(UInt16(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "PORT ", with: "")))
    let client = TestHTTPClient(port: port)
    let body = Array(try String(contentsOf: Self.root.appendingPathComponent("examples/receivables.jsonl"), encoding: .utf8)
      .split(separator: "\n")[0].utf8)
    XCTAssertEqual(client.request("POST", "/v1/decisions/receivable-financing", body: body)?.status, 401)
    XCTAssertEqual(client.request("GET", "/v1/policies", headers: ["Authorization": "Bearer teller-secret"])?.status, 403)
    XCTAssertEqual(client.request("POST", "/v1/decisions/receivable-financing", body: body,
                                  headers: ["Authorization": "Bearer teller-secret"])?.status, 200)
    XCTAssertEqual(client.request("POST", "/v1/reload", headers: ["Authorization": "Bearer ops-secret"])?.status, 200)
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    XCTAssertTrue(stderr.contains("access control on: 2 tokens (teller, ops)"), stderr)
    let logged = try Self.run(["log", "--log", log])
    XCTAssertEqual(logged.out.split(separator: "\n").count, 1, logged.out)
    XCTAssertTrue(logged.out.contains(#""token":"teller""#), logged.out)
    let reloads = try Self.run(["log", "--log", log, "--reloads"])
    XCTAssertTrue(reloads.out.hasPrefix(#"{"reload_at":""#), reloads.out)
    XCTAssertTrue(reloads.out.contains(#""token":"ops","result":{"reloaded":["#), reloads.out)
  }

  /// Runs the CLI to completion and returns its exit status and output.
  static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-out-\(UUID().uuidString)")
    let err = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-err-\(UUID().uuidString)")
    XCTAssertTrue(FileManager.default.createFile(atPath: out.path, contents: nil))
    XCTAssertTrue(FileManager.default.createFile(atPath: err.path, contents: nil))
    defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
  }

  static func sha256(_ text: String) -> String { SHA256.hex(Array(text.utf8)) }
}
