import Foundation
import XCTest

/// Runs `scripts/lsp-e2e` (pytest-lsp against the built `proviso lsp`) when python3 and
/// pytest-lsp are installed; skips with the reason otherwise.
final class EndToEndTests: XCTestCase {
  static var root: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  func testARealLSPClientDrivesTheServer() throws {
    let binary = Self.root.appendingPathComponent(".build/debug/proviso").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw XCTSkip("SKIPPED end-to-end LSP test: \(binary) is not built (swift build)")
    }
    let process = Process()
    process.executableURL = Self.root.appendingPathComponent("scripts/lsp-e2e")
    process.environment = ProcessInfo.processInfo.environment.merging(["PROVISO_BIN": binary]) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 77 {
      throw XCTSkip("SKIPPED end-to-end LSP test: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    XCTAssertEqual(process.terminationStatus, 0, text)
    XCTAssertTrue(text.contains(" passed"), text)
  }
}
