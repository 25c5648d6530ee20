import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import PolicyServer

/// A fresh directory per test, removed afterwards.
func temporaryDirectory(_ name: String) throws -> String {
  let path = NSTemporaryDirectory() + "proviso-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

func sampleRecord(_ number: Int, policy: String = "receivable-financing", at: Int64? = nil) -> DecisionRecord {
  DecisionRecord(id: String(format: "01TEST%020d", number), at: at ?? 1_795_846_533_000_000 + Int64(number) * 1_000_000,
                 policy: policy, version: "sha256:abc", inputJSON: "{\"n\":\(number)}",
                 resultJSON: "{\"decision\":\"approved\"}", latencyMicros: 40 + number)
}

final class DecisionLogTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws { directory = try temporaryDirectory("log") }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  private func openLog(_ configuration: ((inout DecisionLog.Configuration) -> Void)? = nil) throws -> DecisionLog {
    var settings = DecisionLog.Configuration(path: directory + "/decisions.sqlite")
    configuration?(&settings)
    return try DecisionLog(configuration: settings)
  }

  func testWritesAndReadsByIdPolicyAndTimeRange() throws {
    let log = try openLog()
    defer { log.close() }
    for number in 1...6 { try log.append(sampleRecord(number, policy: number % 2 == 0 ? "leasing" : "receivable-financing")) }
    XCTAssertEqual(try log.reader.decision(id: sampleRecord(3).id), sampleRecord(3))
    XCTAssertNil(try log.reader.decision(id: "nope"))
    XCTAssertEqual(try log.reader.decisions(matching: DecisionQuery(policy: "leasing")).map(\.id),
                   [2, 4, 6].map { sampleRecord($0).id })
    let range = DecisionQuery(since: sampleRecord(2).at, until: sampleRecord(5).at)
    XCTAssertEqual(try log.reader.decisions(matching: range).map(\.id), [2, 3, 4].map { sampleRecord($0).id })
    XCTAssertEqual(try log.reader.decisions(matching: DecisionQuery(policy: "leasing", since: sampleRecord(3).at, limit: 1)).map(\.id),
                   [sampleRecord(4).id])
    XCTAssertEqual(try log.reader.count(), 6)
  }

  func testJSONLineEmbedsInputAndResultAsJSON() {
    XCTAssertEqual(sampleRecord(1).jsonLine,
                   #"{"id":"01TEST00000000000000000001","at":"2026-11-28T06:15:34.000000Z","policy":"receivable-financing","version":"sha256:abc","token":null,"input":{"n":1},"result":{"decision":"approved"},"latency_us":41}"#)
    var named = sampleRecord(1)
    named.token = "teller"
    XCTAssertTrue(named.jsonLine.contains(#""version":"sha256:abc","token":"teller","input":"#), named.jsonLine)
  }

  func testRecordIsReadableFromASecondConnectionAsSoonAsAppendReturns() throws {
    let log = try openLog()
    defer { log.close() }
    for number in 1...20 {
      try log.append(sampleRecord(number))
      let other = try DecisionLogReader(path: log.configuration.path)
      XCTAssertEqual(try other.decision(id: sampleRecord(number).id), sampleRecord(number))
    }
  }

  func testPolicySourceIsStoredOncePerHash() throws {
    let log = try openLog()
    defer { log.close() }
    try log.recordPolicyVersion(PolicyVersionRecord(hash: "h1", policy: "p", source: "policy: p\n", loadedAt: 1_000_000))
    try log.recordPolicyVersion(PolicyVersionRecord(hash: "h1", policy: "p", source: "changed", loadedAt: 2_000_000))
    XCTAssertEqual(try log.reader.policyVersion(hash: "h1"),
                   PolicyVersionRecord(hash: "h1", policy: "p", source: "policy: p\n", loadedAt: 1_000_000))
    XCTAssertNil(try log.reader.policyVersion(hash: "h2"))
    try log.recordPolicyVersion(PolicyVersionRecord(hash: "h3", policy: "p", source: "policy: p # v3\n", loadedAt: 3_000_000))
    try log.recordPolicyVersion(PolicyVersionRecord(hash: "q1", policy: "q", source: "policy: q\n", loadedAt: 4_000_000))
    XCTAssertEqual(try log.reader.latestPolicyVersion(policy: "p")?.hash, "h3")
    XCTAssertEqual(try log.reader.latestPolicyVersion(policy: "q")?.source, "policy: q\n")
    XCTAssertNil(try log.reader.latestPolicyVersion(policy: "r"))
  }

  func testDuplicateIdFailsAloneAndClosedLogRefusesAppends() throws {
    let log = try openLog()
    try log.append(sampleRecord(1))
    XCTAssertThrowsError(try log.append(sampleRecord(1))) { error in
      XCTAssertEqual("\(error)", "decision log write failed: UNIQUE constraint failed: decisions.id")
    }
    try log.append(sampleRecord(2))
    log.close()
    XCTAssertThrowsError(try log.append(sampleRecord(3))) { error in XCTAssertEqual("\(error)", "decision log is closed") }
    log.close()
    XCTAssertEqual(try DecisionLogReader(path: log.configuration.path).count(), 2)
  }

  func testRetentionByRowsAndByAge() throws {
    let log = try openLog()
    defer { log.close() }
    let now = LogTime.nowMicros()
    for number in 1...10 { try log.append(sampleRecord(number, at: now - Int64(11 - number) * 3_600_000_000)) }
    XCTAssertEqual(try log.reader.prune(DecisionLog.Retention(maxRows: 7), now: now), 3)
    XCTAssertEqual(try log.reader.decisions(matching: DecisionQuery()).map(\.id), (4...10).map { sampleRecord($0).id })
    // Records 4…10 are 7…1 hours old; keep under 3.5 hours.
    XCTAssertEqual(try log.reader.prune(DecisionLog.Retention(maxAgeSeconds: 12_600), now: now), 4)
    XCTAssertEqual(try log.reader.decisions(matching: DecisionQuery()).map(\.id), (8...10).map { sampleRecord($0).id })
  }

  func testWriterPrunesPeriodicallyInChunks() throws {
    let log = try openLog {
      $0.retention = DecisionLog.Retention(maxRows: 5)
      $0.retentionIntervalSeconds = 0.02
      $0.retentionChunkRows = 4
    }
    defer { log.close() }
    for number in 1...30 { try log.append(sampleRecord(number)) }
    let deadline = monotonicSeconds() + 5
    while try log.reader.count() > 5, monotonicSeconds() < deadline { usleep(10_000) }
    XCTAssertEqual(try log.reader.decisions(matching: DecisionQuery()).map(\.id), (26...30).map { sampleRecord($0).id })
  }

  func testReopensALogClosedWithoutCheckpointAndAfterClose() throws {
    let path = directory + "/decisions.sqlite"
    let log = try openLog()
    for number in 1...5 { try log.append(sampleRecord(number)) }
    // Copy the files while the WAL still holds the commits: what a killed process leaves behind.
    let copy = directory + "/copy.sqlite"
    for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix) }
    XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0, 0)
    log.close()
    let recovered = try DecisionLog(configuration: DecisionLog.Configuration(path: copy))
    XCTAssertEqual(try recovered.reader.count(), 5)
    try recovered.append(sampleRecord(6))
    recovered.close()
    let reopened = try openLog()
    defer { reopened.close() }
    XCTAssertEqual(try reopened.reader.count(), 5)
  }

  func testCorruptForeignAndMissingFilesGiveClearErrors() throws {
    let garbage = directory + "/garbage.sqlite"
    _ = FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x5A, count: 8_192))
    XCTAssertThrowsError(try DecisionLog(configuration: DecisionLog.Configuration(path: garbage))) { error in
      XCTAssertEqual("\(error)", "'\(garbage)' is not a decision log: file is not a database")
    }
    // A real SQLite file whose application id (header bytes 68…71) is another program's, or unset.
    let ours = directory + "/ours.sqlite"
    try DecisionLog(configuration: DecisionLog.Configuration(path: ours)).close()
    var bytes = try XCTUnwrap(FileManager.default.contents(atPath: ours))
    for (applicationID, reason) in [(UInt8(1), "its application id is 1"), (UInt8(0), "it holds another application's tables")] {
      bytes.replaceSubrange(68..<72, with: [0, 0, 0, applicationID])
      let foreign = directory + "/foreign-\(applicationID).sqlite"
      _ = FileManager.default.createFile(atPath: foreign, contents: bytes)
      XCTAssertThrowsError(try DecisionLogReader(path: foreign)) { error in
        XCTAssertEqual("\(error)", "'\(foreign)' is not a decision log: \(reason)")
      }
    }
    let missing = directory + "/missing.sqlite"
    XCTAssertThrowsError(try DecisionLogReader(path: missing)) { error in
      XCTAssertEqual("\(error)", "cannot open decision log '\(missing)': unable to open database file")
    }
    let readOnlyDirectory = "/proc/proviso-cannot-create/decisions.sqlite"
    XCTAssertThrowsError(try DecisionLog(configuration: DecisionLog.Configuration(path: readOnlyDirectory))) { error in
      XCTAssertEqual("\(error)", "cannot open decision log '\(readOnlyDirectory)': unable to open database file")
    }
  }

  func testWALStaysBoundedUnderContinuousWritesAndCloseEmptiesIt() throws {
    let log = try openLog { $0.walRestartPages = 64 }   // 256 KiB
    let path = log.configuration.path
    let big = String(repeating: "x", count: 2_000)
    let ids = DecisionIDGenerator()
    let done = DispatchSemaphore(value: 0)
    let failures = Atomic<Int>(0)
    var largestWAL = 0
    for round in 0..<20 {
      for _ in 0..<50 {   // 50 appends in flight at once, about 100 KiB
        var record = sampleRecord(0)
        record.id = ids.next()
        record.inputJSON = "\"\(big)\""
        try log.append(record) { error in
          if error != nil { failures.add(1, ordering: .relaxed) }
          done.signal()
        }
      }
      for _ in 0..<50 { XCTAssertEqual(done.wait(timeout: .now() + 5), .success) }
      let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
      largestWAL = max(largestWAL, size)
      _ = round
    }
    XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    XCTAssertEqual(try log.reader.count(), 1_000)
    XCTAssertLessThan(largestWAL, 2 << 20, "about 2 MB written; the WAL restarts past 256 KiB")
    log.close()
    let after = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    XCTAssertEqual(after, 0, "close checkpoints and empties the WAL")
    XCTAssertEqual(try DecisionLogReader(path: path).count(), 1_000)
  }

  func testBackgroundCheckpointerCopiesTheWALIntoTheDatabaseWhileOpen() throws {
    let log = try openLog()
    defer { log.close() }
    let path = log.configuration.path
    func size(_ file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
    let empty = size(path)
    let big = String(repeating: "y", count: 1_000)
    for number in 1...200 {
      var record = sampleRecord(number)
      record.inputJSON = "\"\(big)\""
      try log.append(record)
    }
    let deadline = monotonicSeconds() + 3
    while size(path) < empty + 200_000, monotonicSeconds() < deadline { usleep(10_000) }
    XCTAssertGreaterThan(size(path), empty + 200_000, "200 KB of records reached the database file, not only the WAL")
  }

  func testEightConcurrentWritersAllCommit() throws {
    let log = try openLog()
    defer { log.close() }
    let ids = DecisionIDGenerator()
    let failures = Atomic<Int>(0)
    let perWriter = 250
    let started = monotonicSeconds()
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<perWriter {
        var record = sampleRecord(0)
        record.id = ids.next()
        do { try log.append(record) } catch { failures.add(1, ordering: .relaxed) }
      }
    }
    let seconds = monotonicSeconds() - started
    XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    XCTAssertEqual(try log.reader.count(), 8 * perWriter)
    XCTAssertEqual(log.queueDepth, 0)
    print("decision log: \(8 * perWriter) appends from 8 threads in \(String(format: "%.3f", seconds)) s (debug build)")
  }
}
