// With DecisionLog.swift, the only files that import CSQLite.
internal import CSQLite
import Foundation
import Synchronization

/// Read access to a decision log through its own connection; also what `proviso log` and `proviso replay` open.
///
/// Calls are serialized on one connection; the callback of ``forEachDecision(matching:_:)`` runs while
/// that connection is held, so it must not call back into the same reader.
public final class DecisionLogReader: Sendable {
  /// The log file's path.
  public let path: String
  private let connection: Mutex<Connection>
  /// The file's schema version: 1 has no token column (a log not yet opened by a writer since tokens came).
  private let schemaVersion: Int64

  /// Opens an existing decision log for reading.
  ///
  /// - Throws: ``DecisionLogError/cannotOpen(path:reason:)`` when the file is missing,
  ///   ``DecisionLogError/notADecisionLog(path:reason:)`` when it is corrupt or another application's.
  public init(path: String) throws(DecisionLogError) {
    self.path = path
    let connection = try Connection(path: path, create: false)
    schemaVersion = try connection.validate(path: path, create: false)
    self.connection = Mutex(connection)
  }

  /// Every recorded `POST /v1/reload`, oldest first (none in a log whose writer predates tokens).
  public func reloads() throws(DecisionLogError) -> [ReloadRecord] {
    guard schemaVersion >= 2 else { return [] }
    return try read { connection throws(SQLiteFailure) -> [ReloadRecord] in
      let statement = try connection.prepare("SELECT at, token, result FROM reloads ORDER BY at, rowid")
      var records: [ReloadRecord] = []
      while try statement.step() {
        records.append(ReloadRecord(at: LogTime.parse(statement.text(0)) ?? 0, token: statement.text(1), resultsJSON: statement.text(2)))
      }
      return records
    }
  }

  /// The decision with `id`, or `nil`.
  public func decision(id: String) throws(DecisionLogError) -> DecisionRecord? {
    var found: DecisionRecord?
    try query("WHERE id = ?1", binding: [.text(id)]) { record in
      found = record
      return false
    }
    return found
  }

  /// Calls `body` with each decision matching `query`, oldest first, until it returns `false`.
  public func forEachDecision(matching query: DecisionQuery, _ body: (DecisionRecord) -> Bool) throws(DecisionLogError) {
    var conditions: [String] = []
    var values: [SQLValue] = []
    if let policy = query.policy {
      values.append(.text(policy))
      conditions.append("policy = ?\(values.count)")
    }
    if let since = query.since {
      values.append(.text(LogTime.format(micros: since)))
      conditions.append("at >= ?\(values.count)")
    }
    if let until = query.until {
      values.append(.text(LogTime.format(micros: until)))
      conditions.append("at < ?\(values.count)")
    }
    var clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    clause += " ORDER BY at, id"
    if let limit = query.limit {
      values.append(.integer(Int64(limit)))
      clause += " LIMIT ?\(values.count)"
    }
    try self.query(clause, binding: values, body)
  }

  /// Every decision matching `query`, oldest first.
  public func decisions(matching query: DecisionQuery) throws(DecisionLogError) -> [DecisionRecord] {
    var records: [DecisionRecord] = []
    try forEachDecision(matching: query) { records.append($0); return true }
    return records
  }

  /// The number of decisions stored.
  public func count() throws(DecisionLogError) -> Int {
    try read { connection throws(SQLiteFailure) in Int(try connection.integer("SELECT count(*) FROM decisions")) }
  }

  /// The stored source of the policy version `hash`, or `nil`.
  public func policyVersion(hash: String) throws(DecisionLogError) -> PolicyVersionRecord? {
    try policyVersionRow("WHERE hash = ?1", hash)
  }

  /// The most recently loaded stored version of `policy`, or `nil`: what start-up can fall back to
  /// when the policy's file is broken.
  public func latestPolicyVersion(policy: String) throws(DecisionLogError) -> PolicyVersionRecord? {
    try policyVersionRow("WHERE policy = ?1 ORDER BY loaded_at DESC, rowid DESC LIMIT 1", policy)
  }

  private func policyVersionRow(_ clause: String, _ value: String) throws(DecisionLogError) -> PolicyVersionRecord? {
    try read { connection throws(SQLiteFailure) -> PolicyVersionRecord? in
      let statement = try connection.prepare("SELECT hash, policy, source, loaded_at FROM policy_versions \(clause)")
      statement.bind(1, value)
      guard try statement.step() else { return nil }
      return PolicyVersionRecord(hash: statement.text(0), policy: statement.text(1), source: statement.text(2),
                                 loadedAt: LogTime.parse(statement.text(3)) ?? 0)
    }
  }

  /// Deletes every decision outside `retention` as of `now` (microseconds since 1970) at once; returns how many.
  public func prune(_ retention: DecisionLog.Retention, now: Int64) throws(DecisionLogError) -> Int {
    do {
      return try connection.withLock { connection throws(SQLiteFailure) in
        var total = 0
        while true {
          let deleted = try PolicyServer.prune(connection, retention, now: now, chunk: 50_000)
          total += deleted
          if deleted < 50_000 { return total }
        }
      }
    } catch {
      throw .writeFailed(reason: error.message)
    }
  }

  private enum SQLValue {
    case text(String)
    case integer(Int64)
  }

  private func query(_ clause: String, binding values: [SQLValue], _ body: (DecisionRecord) -> Bool) throws(DecisionLogError) {
    try read { connection throws(SQLiteFailure) in
      let statement = try connection.prepare(
        "SELECT id, at, policy, version, input, result, latency_us, \(schemaVersion >= 2 ? "token" : "''") FROM decisions \(clause)")
      for (index, value) in values.enumerated() {
        switch value {
        case .text(let text): statement.bind(Int32(index + 1), text)
        case .integer(let integer): statement.bind(Int32(index + 1), integer)
        }
      }
      while try statement.step() {
        let record = DecisionRecord(id: statement.text(0), at: LogTime.parse(statement.text(1)) ?? 0,
                                    policy: statement.text(2), version: statement.text(3), inputJSON: statement.text(4),
                                    resultJSON: statement.text(5), latencyMicros: Int(statement.int64(6)), token: statement.text(7))
        if !body(record) { break }
      }
    }
  }

  private func read<Result>(_ body: (Connection) throws(SQLiteFailure) -> Result) throws(DecisionLogError) -> Result {
    do {
      return try connection.withLock { connection throws(SQLiteFailure) in try body(connection) }
    } catch {
      throw .readFailed(reason: error.message)
    }
  }
}
