import Dispatch
import Foundation
import XCTest
@testable import PolicyServer

/// Runs as a child process of ``DecisionLogCrashTests``: appends from 4 threads and prints each id
/// once its `append` has returned, until it is killed. Does nothing in a normal test run.
final class DecisionLogCrashChild: XCTestCase {
  func testAppendsUntilKilled() throws {
    guard let path = ProcessInfo.processInfo.environment["PROVISO_CRASH_CHILD_LOG"] else { return }
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: path))
    let ids = DecisionIDGenerator()
    let deadline = monotonicSeconds() + 20   // never outlive a parent that failed to kill us
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      while monotonicSeconds() < deadline {
        var record = sampleRecord(0)
        record.id = ids.next()
        guard (try? log.append(record)) != nil else { return }
        let line = Array("ANSWERED \(record.id)\n".utf8)
        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }   // one write: lines never interleave
      }
    }
  }
}

final class DecisionLogCrashTests: XCTestCase {
  func testEveryAnsweredDecisionSurvivesKill9() throws {
    let directory = try temporaryDirectory("crash")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/decisions.sqlite"
    let child = Process()
    child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    child.arguments = ["PolicyServerTests.DecisionLogCrashChild/testAppendsUntilKilled"]
    child.environment = ProcessInfo.processInfo.environment.merging(["PROVISO_CRASH_CHILD_LOG": path]) { $1 }
    let output = Pipe()
    child.standardOutput = output
    child.standardError = FileHandle.nullDevice
    try child.run()
    var received = Data()
    let deadline = monotonicSeconds() + 15
    while monotonicSeconds() < deadline {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      received.append(chunk)
      if received.count(where: { $0 == 0x0A }) >= 2_000 { break }
    }
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    received.append(output.fileHandleForReading.readDataToEndOfFile())
    XCTAssertEqual(child.terminationReason, .uncaughtSignal)
    let answered = String(decoding: received, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
      .filter { $0.hasPrefix("ANSWERED ") && $0.utf8.count == 35 }.map { String($0.dropFirst(9)) }
    XCTAssertGreaterThanOrEqual(answered.count, 2_000)
    XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"), "the killed writer left its WAL behind")

    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: path))   // recovers the WAL
    defer { log.close() }
    let missing = try answered.filter { try log.reader.decision(id: $0) == nil }
    XCTAssertEqual(missing.count, 0, "answered but not in the log, for example \(missing.prefix(3))")
    XCTAssertGreaterThanOrEqual(try log.reader.count(), answered.count)
  }
}
