import Foundation
import Synchronization
import XCTest
@testable import PolicyServer

/// A log that cannot write says so once per episode on stderr, keeps `/ready` at 503 until writes
/// succeed again, and says so once when they do; decisions meanwhile answer 503.
final class DecisionLogFailureTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws { directory = try temporaryDirectory("failure") }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  /// Runs `body` with file descriptor 2 redirected to a file; returns what was written to it.
  private func capturingStandardError(_ body: () throws -> Void) throws -> String {
    let path = directory + "/stderr.txt"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    XCTAssertGreaterThanOrEqual(fd, 0)
    let saved = dup(2)
    dup2(fd, 2)
    do {
      defer {
        dup2(saved, 2)
        close(saved)
        close(fd)
      }
      try body()
    }
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  private func decide(_ service: DecisionService<FakeEngine>) -> HTTPResponse {
    service.handle(HTTPRequest(method: "POST", path: "/v1/decisions/limits",
      headers: HTTPFields([HTTPField(name: "content-type", value: "application/json")]), body: Array(#"{"amount": 5}"#.utf8)))
  }

  private func ready(_ service: DecisionService<FakeEngine>) -> HTTPResponse {
    service.handle(HTTPRequest(method: "GET", path: "/ready"))
  }

  /// Polls `/ready` until it answers `status` (the writer's probe runs every 50 ms here).
  private func waitForReady(_ service: DecisionService<FakeEngine>, status: Int) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if ready(service).status == status { return true }
      usleep(10_000)
    }
    return false
  }

  func testFailureEpisodesPrintOneLineEachWayAndGateReadiness() throws {
    let faults = DecisionLogFaults()
    var stderr = ""
    var answers: [Int] = []
    stderr = try capturingStandardError {
      let log = try DecisionLog(configuration: DecisionLog.Configuration(
        path: directory + "/decisions.sqlite", failureProbeSeconds: 0.05, faults: faults))
      defer { log.close() }
      let service = DecisionService(engine: FakeEngine(), log: log)
      XCTAssertEqual(decide(service).status, 200)
      XCTAssertEqual(ready(service).status, 200)
      for (episode, failures) in [5, 2].enumerated() {
        faults.failWrites = true
        for _ in 0..<failures {
          let answer = decide(service)
          answers.append(answer.status)
          XCTAssertTrue(String(decoding: answer.body, as: UTF8.self).contains("attempt to write a readonly database"),
                        String(decoding: answer.body, as: UTF8.self))
        }
        XCTAssertFalse(log.isWritable)
        let notReady = ready(service)
        XCTAssertEqual(notReady.status, 503)
        XCTAssertEqual(String(decoding: notReady.body, as: UTF8.self),
                       #"{"code":"unavailable","message":"the decision log cannot be written","errors":[]}"#)
        usleep(200_000)  // several failing probes: still no more lines
        faults.failWrites = false
        XCTAssertTrue(waitForReady(service, status: 200), "episode \(episode) did not end")
        XCTAssertTrue(log.isWritable)
        XCTAssertEqual(decide(service).status, 200)
      }
      XCTAssertEqual(try log.reader.count(), 3, "only the decisions answered 200 are in the log")
    }
    XCTAssertEqual(answers, [503, 503, 503, 503, 503, 503, 503])
    let lines = stderr.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 4, stderr)
    guard lines.count == 4 else { return }
    let path = directory + "/decisions.sqlite"
    XCTAssertEqual(lines[0], "proviso: decision log '\(path)': write failed: attempt to write a readonly database; 1 record not written; decisions answer 503 and /ready is not ready until writes succeed")
    XCTAssertEqual(lines[1], "proviso: decision log '\(path)': writes succeed again; 5 records were not written during the failure")
    XCTAssertTrue(lines[2].contains("write failed: attempt to write a readonly database; 1 record not written"), lines[2])
    XCTAssertEqual(lines[3], "proviso: decision log '\(path)': writes succeed again; 2 records were not written during the failure")
  }

  func testARecordsOwnFaultIsNotAnEpisode() throws {
    let lines = Mutex<[String]>([])
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite",
      report: { line in lines.withLock { $0.append(line) } }))
    defer { log.close() }
    try log.append(sampleRecord(1))
    XCTAssertThrowsError(try log.append(sampleRecord(1)))  // duplicate id: fails alone
    try log.append(sampleRecord(2))
    XCTAssertTrue(log.isWritable)
    XCTAssertEqual(lines.withLock { $0 }, [])
  }

  /// A real full disk: the log on a 1 MiB tmpfs (needs root and mount; skipped otherwise) whose free
  /// space a ballast file takes up. SQLite's "database or disk is full" starts the episode; deleting
  /// the ballast ends it at the writer's next probe.
  func testAFullDiskIsOneEpisode() throws {
    let mountPoint = directory + "/tiny"
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    guard getuid() == 0, run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) else {
      throw XCTSkip("needs root and mount(8) to make a tiny filesystem")
    }
    defer { _ = run("/bin/umount", [mountPoint]) }
    let lines = Mutex<[String]>([])
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: mountPoint + "/decisions.sqlite",
      failureProbeSeconds: 0.05, report: { line in lines.withLock { $0.append(line) } }))
    defer { log.close() }
    try log.append(sampleRecord(0))
    // Fill the filesystem, then append until SQLite runs out of room.
    let ballast = mountPoint + "/ballast"
    let fd = open(ballast, O_WRONLY | O_CREAT, 0o600)
    let chunk = [UInt8](repeating: 0x61, count: 4096)
    while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    close(fd)
    var failures = 0
    let bulky = String(repeating: "x", count: 16_384)
    for n in 1...200 where failures < 3 {
      var record = sampleRecord(n)
      record.inputJSON = "{\"pad\":\"\(bulky)\"}"
      do { try log.append(record) } catch { failures += 1 }
    }
    XCTAssertEqual(failures, 3, "the disk never filled")
    XCTAssertFalse(log.isWritable)
    XCTAssertEqual(lines.withLock { $0.count }, 1)
    XCTAssertTrue(lines.withLock { $0.first ?? "" }.contains("write failed: database or disk is full"), lines.withLock { $0.first ?? "" })
    try FileManager.default.removeItem(atPath: ballast)
    let deadline = Date().addingTimeInterval(10)
    while !log.isWritable && Date() < deadline { usleep(10_000) }
    XCTAssertTrue(log.isWritable)
    try log.append(sampleRecord(1_000))
    let reported = lines.withLock { $0 }
    XCTAssertEqual(reported.count, 2, "\(reported)")
    XCTAssertTrue(reported.last?.hasSuffix("writes succeed again; 3 records were not written during the failure") == true, "\(reported)")
  }

  /// Runs `tool` with `arguments`; whether it exited 0.
  private func run(_ tool: String, _ arguments: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }
}
