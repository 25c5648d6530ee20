import CSQLite
import Foundation
import XCTest
@testable import PolicyServer

/// A decision log written before tokens existed (schema version 1: no `token` column, no `reloads`
/// table) is read as it is, and migrated in place when a writer opens it.
final class DecisionLogMigrationTests: XCTestCase {
  /// Lays down the version-1 schema with one decision, as proviso wrote it then.
  private func writeVersion1Log(_ path: String) throws {
    var handle: OpaquePointer?
    XCTAssertEqual(sqlite3_open(path, &handle), SQLITE_OK)
    defer { sqlite3_close(handle) }
    let sql = """
      CREATE TABLE decisions(id TEXT PRIMARY KEY, at TEXT NOT NULL, policy TEXT NOT NULL, version TEXT NOT NULL,
        input TEXT NOT NULL, result TEXT NOT NULL, latency_us INTEGER NOT NULL);
      CREATE INDEX decisions_by_policy_at ON decisions(policy, at);
      CREATE INDEX decisions_by_at ON decisions(at);
      CREATE TABLE policy_versions(hash TEXT PRIMARY KEY, policy TEXT NOT NULL, source TEXT NOT NULL, loaded_at TEXT NOT NULL);
      PRAGMA application_id = \(0x5052_5653);
      PRAGMA user_version = 1;
      INSERT INTO decisions VALUES('01OLD0000000000000000000001', '2026-11-28T06:15:34.000000Z', 'limits', 'v1', '{}', '{}', 5);
      """
    XCTAssertEqual(sqlite3_exec(handle, sql, nil, nil, nil), SQLITE_OK)
  }

  func testOldLogIsReadThenMigratedAndKeepsItsDecisions() throws {
    let directory = try temporaryDirectory("migration")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/old.sqlite"
    try writeVersion1Log(path)

    let before = try DecisionLogReader(path: path)
    XCTAssertEqual(try before.decisions(matching: DecisionQuery()).map(\.token), [""], "a reader does not migrate")
    XCTAssertEqual(try before.reloads(), [])

    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: path))
    var record = sampleRecord(2, policy: "limits")
    record.token = "teller"
    try log.append(record)
    try log.recordReload(ReloadRecord(at: 1_795_846_533_000_000, token: "ops", resultsJSON: #"{"reloaded":[]}"#))
    let records = try log.reader.decisions(matching: DecisionQuery())
    XCTAssertEqual(records.map(\.id), ["01OLD0000000000000000000001", record.id])
    XCTAssertEqual(records.map(\.token), ["", "teller"])
    XCTAssertEqual(try log.reader.reloads().map(\.token), ["ops"])
    log.close()

    let reopened = try DecisionLogReader(path: path)
    XCTAssertEqual(try reopened.decisions(matching: DecisionQuery()).map(\.token), ["", "teller"])
  }
}
