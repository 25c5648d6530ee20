// The only file that imports CSQLite: SQLite's types and calls never leave it.
internal import CSQLite
import Dispatch
import Foundation
import Synchronization

/// The durable decision log: every answered decision, and each policy version's source once per hash,
/// in one SQLite file in WAL mode.
///
/// ``append(_:)`` enqueues a record and blocks until the writer thread has committed the batch that
/// holds it: the writer takes everything queued, writes it in one transaction, and wakes the whole
/// batch (group commit). So writes are batched off the request path, yet a decision whose `append`
/// returned is in the file; with ``Durability/processCrash`` it survives `kill -9`, with
/// ``Durability/powerLoss`` a power cut too. WAL checkpoints (which `fsync`) run on a third thread,
/// not in the commit path; the writer only restarts the WAL once it passes
/// ``Configuration/walRestartPages``. Old decisions are deleted in small chunks between batches
/// according to ``Retention``. Reads go through ``reader``, a second connection.
public final class DecisionLog: Sendable {
  /// The configuration the log was opened with.
  public let configuration: Configuration
  /// A connection for queries, separate from the writer's.
  public let reader: DecisionLogReader
  private let queue = GroupCommitQueue<LogWrite>()
  private let writerExited = DispatchSemaphore(value: 0)
  private let checkpointer: Checkpointer
  private let closed = Atomic<Bool>(false)

  /// Opens (creating when missing) the log at ``Configuration/path`` and starts its writer thread.
  ///
  /// A log left by a killed process opens normally: SQLite replays its WAL.
  /// - Throws: ``DecisionLogError/notADecisionLog(path:reason:)`` for a corrupt or foreign file,
  ///   ``DecisionLogError/cannotOpen(path:reason:)`` when the file cannot be created or opened.
  public init(configuration: Configuration) throws(DecisionLogError) {
    self.configuration = configuration
    let checkpointing = CheckpointLock()
    let writer = try LogWriter(configuration: configuration, checkpointing: checkpointing)
    reader = try DecisionLogReader(path: configuration.path)
    checkpointer = try Checkpointer(path: configuration.path, checkpointing: checkpointing)
    let queue = self.queue
    let exited = writerExited
    Thread.detachNewThread {
      writer.run(queue)
      exited.signal()
    }
  }

  deinit { close() }

  /// Records waiting for, or inside, the current group commit.
  public var queueDepth: Int { queue.depth }

  /// Writes `record` and returns once it is committed.
  ///
  /// - Throws: ``DecisionLogError/writeFailed(reason:)`` when its batch (or the record: a duplicate id)
  ///   could not be written, ``DecisionLogError/closed`` after ``close()``.
  public func append(_ record: DecisionRecord) throws(DecisionLogError) {
    try queue.submit(.decision(record))
  }

  /// Enqueues `record` and returns at once; `completion` runs on the writer thread once the record is
  /// committed (`nil`) or failed. For callers that must not block, such as a suspended HTTP request.
  ///
  /// - Throws: ``DecisionLogError/closed`` after ``close()``; `completion` is then not called.
  public func append(_ record: DecisionRecord, completion: @escaping @Sendable (DecisionLogError?) -> Void) throws(DecisionLogError) {
    try queue.enqueue(.decision(record), completion: completion)
  }

  /// Records a `POST /v1/reload` (who asked and what it answered); returns once committed.
  public func recordReload(_ reload: ReloadRecord) throws(DecisionLogError) {
    try queue.submit(.reload(reload))
  }

  /// Stores a policy version's source under its hash, unless that hash is already stored; returns once committed.
  public func recordPolicyVersion(_ version: PolicyVersionRecord) throws(DecisionLogError) {
    try queue.submit(.policyVersion(version))
  }

  /// Commits what is queued, stops the writer and closes its connection (which checkpoints the WAL).
  /// Later appends throw ``DecisionLogError/closed``. A second call does nothing.
  ///
  /// Must not be called from an append's completion (it runs on the writer thread this waits for).
  public func close() {
    guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
    checkpointer.stop()
    queue.close()
    writerExited.wait()
  }
}

/// One item for the writer thread.
enum LogWrite: Sendable {
  case decision(DecisionRecord)
  case policyVersion(PolicyVersionRecord)
  case reload(ReloadRecord)
}

/// proviso's SQLite `application_id` ('PRVS'), which marks a file as a decision log.
private let applicationID: Int64 = 0x5052_5653

/// Version 1 had no `token` column and no `reloads` table; ``migrations`` bring older files up to date.
private let schemaVersion: Int64 = 2

private let schema = """
  CREATE TABLE decisions(id TEXT PRIMARY KEY, at TEXT NOT NULL, policy TEXT NOT NULL, version TEXT NOT NULL,
    input TEXT NOT NULL, result TEXT NOT NULL, latency_us INTEGER NOT NULL, token TEXT NOT NULL DEFAULT '');
  CREATE INDEX decisions_by_policy_at ON decisions(policy, at);
  CREATE INDEX decisions_by_at ON decisions(at);
  CREATE TABLE policy_versions(hash TEXT PRIMARY KEY, policy TEXT NOT NULL, source TEXT NOT NULL, loaded_at TEXT NOT NULL);
  CREATE TABLE reloads(at TEXT NOT NULL, token TEXT NOT NULL, result TEXT NOT NULL);
  PRAGMA application_id = \(applicationID);
  PRAGMA user_version = \(schemaVersion);
  """

/// The SQL that takes a log from `user_version` N to N + 1, by N. Old rows get an empty token.
private let migrations: [Int64: String] = [
  1: """
    ALTER TABLE decisions ADD COLUMN token TEXT NOT NULL DEFAULT '';
    CREATE TABLE reloads(at TEXT NOT NULL, token TEXT NOT NULL, result TEXT NOT NULL);
    PRAGMA user_version = 2;
    """,
]

/// A failed SQLite call: its result code and message.
private struct SQLiteFailure: Error {
  var code: Int32
  var message: String
}

/// One SQLite connection, used by one thread at a time (the writer thread, or under a `Mutex`).
private final class Connection: @unchecked Sendable {
  let handle: OpaquePointer

  init(path: String, create: Bool) throws(DecisionLogError) {
    var handle: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
    let code = sqlite3_open_v2(path, &handle, flags, nil)
    guard code == SQLITE_OK, let handle else {
      let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
      sqlite3_close_v2(handle)
      throw .cannotOpen(path: path, reason: reason)
    }
    self.handle = handle
    sqlite3_busy_timeout(handle, 5_000)
  }

  deinit { sqlite3_close_v2(handle) }

  var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

  func execute(_ sql: String) throws(SQLiteFailure) {
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    guard code == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? errorMessage
      sqlite3_free(message)
      throw SQLiteFailure(code: code, message: text)
    }
  }

  func prepare(_ sql: String) throws(SQLiteFailure) -> Statement {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard code == SQLITE_OK, let statement else { throw SQLiteFailure(code: code, message: errorMessage) }
    return Statement(handle: statement, connection: self)
  }

  /// The single integer a query returns.
  func integer(_ sql: String) throws(SQLiteFailure) -> Int64 {
    let statement = try prepare(sql)
    guard try statement.step() else { throw SQLiteFailure(code: SQLITE_ERROR, message: "no row from '\(sql)'") }
    return statement.int64(0)
  }

  /// Checks that the file is a decision log (or empty, when `create`, and then lays down the schema);
  /// with `create` (the writer) an older schema is migrated. Returns the schema version.
  @discardableResult
  func validate(path: String, create: Bool) throws(DecisionLogError) -> Int64 {
    do {
      let id = try integer("PRAGMA application_id")
      if id == applicationID {
        var version = try integer("PRAGMA user_version")
        if version > schemaVersion {
          throw DecisionLogError.notADecisionLog(path: path, reason: "its schema version \(version) is newer than this proviso's \(schemaVersion)")
        }
        while create, version < schemaVersion, let step = migrations[version] {
          try execute("BEGIN IMMEDIATE; \(step) COMMIT;")
          version = try integer("PRAGMA user_version")
        }
        return version
      }
      if id != 0 { throw DecisionLogError.notADecisionLog(path: path, reason: "its application id is \(id)") }
      let tables = try integer("SELECT count(*) FROM sqlite_master")
      if tables > 0 { throw DecisionLogError.notADecisionLog(path: path, reason: "it holds another application's tables") }
      guard create else { throw DecisionLogError.notADecisionLog(path: path, reason: "it is empty") }
      try execute("BEGIN IMMEDIATE; \(schema) COMMIT;")
      return schemaVersion
    } catch let failure as SQLiteFailure {
      if failure.code == SQLITE_NOTADB || failure.code == SQLITE_CORRUPT {
        throw .notADecisionLog(path: path, reason: failure.message)
      }
      throw .cannotOpen(path: path, reason: failure.message)
    } catch let error as DecisionLogError {
      throw error
    } catch {
      throw .cannotOpen(path: path, reason: "\(error)")
    }
  }
}

/// A prepared statement, finalized when released.
private final class Statement {
  let handle: OpaquePointer
  let connection: Connection

  init(handle: OpaquePointer, connection: Connection) {
    self.handle = handle
    self.connection = connection
  }

  deinit { sqlite3_finalize(handle) }

  func bind(_ index: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
      guard let base = bytes.baseAddress, !bytes.isEmpty else {
        _ = csqlite_bind_text(handle, index, "", 0)   // a nil pointer would bind NULL
        return
      }
      _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { csqlite_bind_text(handle, index, $0, Int32(bytes.count)) }
    }
  }

  func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

  /// Runs the statement one step: `true` when a row is available, `false` when done.
  func step() throws(SQLiteFailure) -> Bool {
    let code = sqlite3_step(handle)
    if code == SQLITE_ROW { return true }
    if code == SQLITE_DONE { return false }
    throw SQLiteFailure(code: code, message: connection.errorMessage)
  }

  func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  func text(_ column: Int32) -> String {
    guard let bytes = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
}

/// Deletes up to `chunk` decisions outside `retention` (older than the age limit, or beyond the newest
/// `maxRows`) in one statement each; returns how many were deleted.
private func prune(_ connection: Connection, _ retention: DecisionLog.Retention, now: Int64, chunk: Int) throws(SQLiteFailure) -> Int {
  var deleted = 0
  if let maxAge = retention.maxAgeSeconds {
    let statement = try connection.prepare(
      "DELETE FROM decisions WHERE rowid IN (SELECT rowid FROM decisions WHERE at < ?1 ORDER BY at LIMIT ?2)")
    statement.bind(1, LogTime.format(micros: now - Int64(maxAge) * 1_000_000))
    statement.bind(2, Int64(chunk))
    _ = try statement.step()
    deleted += Int(sqlite3_changes(connection.handle))
  }
  if let maxRows = retention.maxRows {
    let statement = try connection.prepare(
      "DELETE FROM decisions WHERE rowid IN (SELECT rowid FROM decisions ORDER BY rowid DESC LIMIT ?2 OFFSET ?1)")
    statement.bind(1, Int64(max(0, maxRows)))
    statement.bind(2, Int64(chunk))
    _ = try statement.step()
    deleted += Int(sqlite3_changes(connection.handle))
  }
  return deleted
}

/// The writer thread's connection and statements; created on the opening thread, then used only by the writer thread.
private final class LogWriter: @unchecked Sendable {
  let configuration: DecisionLog.Configuration
  let connection: Connection
  let insertDecision: Statement
  let insertVersion: Statement
  let insertReload: Statement
  let begin: Statement
  let commit: Statement
  let rollback: Statement
  /// Pages in the WAL after the last commit, reported by SQLite's WAL hook.
  var walPages: Int32 = 0
  let checkpointing: CheckpointLock

  init(configuration: DecisionLog.Configuration, checkpointing: CheckpointLock) throws(DecisionLogError) {
    self.configuration = configuration
    self.checkpointing = checkpointing
    let path = configuration.path
    connection = try Connection(path: path, create: true)
    try connection.validate(path: path, create: true)
    do {
      let mode = try connection.prepare("PRAGMA journal_mode=WAL")
      guard try mode.step(), mode.text(0) == "wal" else {
        throw DecisionLogError.cannotOpen(path: path, reason: "cannot switch to WAL mode")
      }
      try connection.execute("PRAGMA synchronous=\(configuration.durability == .powerLoss ? "FULL" : "NORMAL")")
      try connection.execute("PRAGMA wal_autocheckpoint=0")   // the Checkpointer thread does it
      insertDecision = try connection.prepare(
        "INSERT INTO decisions(id, at, policy, version, input, result, latency_us, token) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      insertReload = try connection.prepare("INSERT INTO reloads(at, token, result) VALUES(?1, ?2, ?3)")
      insertVersion = try connection.prepare(
        "INSERT OR IGNORE INTO policy_versions(hash, policy, source, loaded_at) VALUES(?1, ?2, ?3, ?4)")
      begin = try connection.prepare("BEGIN IMMEDIATE")
      commit = try connection.prepare("COMMIT")
      rollback = try connection.prepare("ROLLBACK")
    } catch let failure as SQLiteFailure {
      throw .cannotOpen(path: path, reason: failure.message)
    } catch let error as DecisionLogError {
      throw error
    } catch {
      throw .cannotOpen(path: path, reason: "\(error)")
    }
    sqlite3_wal_hook(connection.handle, walHook, Unmanaged.passUnretained(self).toOpaque())
  }

  deinit { sqlite3_wal_hook(connection.handle, nil, nil) }

  /// Commits batches until the queue is closed and drained; prunes between batches when retention is due.
  func run(_ queue: GroupCommitQueue<LogWrite>) {
    let retains = configuration.retention.maxAgeSeconds != nil || configuration.retention.maxRows != nil
    var nextPrune = monotonicSeconds()
    var backlog = false
    while true {
      let wait = retains ? (backlog ? 0 : max(0, nextPrune - monotonicSeconds())) : 3_600
      guard let batch = queue.takeBatch(timeoutSeconds: wait) else { break }
      if !batch.items.isEmpty {
        let (error, itemErrors) = write(batch.items)
        queue.finish(batch, error: error, itemErrors: itemErrors)
        if walPages >= Int32(clamping: configuration.walRestartPages) {
          // Copies what the checkpointer has not yet, then lets the next commit start the WAL over.
          // Taking the checkpointer's lock waits on a futex for its pass to end, instead of
          // SQLite's busy handler, which sleeps in steps of up to 100 ms.
          checkpointing.lock.withLock { _ in
            _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_RESTART, nil, nil)
          }
          walPages = 0
        }
      }
      if retains, backlog || monotonicSeconds() >= nextPrune {
        let chunk = configuration.retentionChunkRows
        let deleted = (try? prune(connection, configuration.retention, now: LogTime.nowMicros(), chunk: chunk)) ?? 0
        backlog = deleted >= chunk
        if !backlog { nextPrune = monotonicSeconds() + configuration.retentionIntervalSeconds }
      }
    }
    // Closing: copy the WAL into the database and empty it, so the file stands alone.
    sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
  }

  /// Writes `items` in one transaction; a failing record fails alone, a failing transaction fails them all.
  private func write(_ items: [LogWrite]) -> (DecisionLogError?, [Int: DecisionLogError]) {
    var itemErrors: [Int: DecisionLogError] = [:]
    do {
      defer { begin.reset() }
      _ = try begin.step()
    } catch {
      return (.writeFailed(reason: error.message), [:])
    }
    for (offset, item) in items.enumerated() {
      let statement: Statement
      switch item {
      case .decision(let record):
        statement = insertDecision
        statement.bind(1, record.id)
        statement.bind(2, LogTime.format(micros: record.at))
        statement.bind(3, record.policy)
        statement.bind(4, record.version)
        statement.bind(5, record.inputJSON)
        statement.bind(6, record.resultJSON)
        statement.bind(7, Int64(record.latencyMicros))
        statement.bind(8, record.token)
      case .policyVersion(let version):
        statement = insertVersion
        statement.bind(1, version.hash)
        statement.bind(2, version.policy)
        statement.bind(3, version.source)
        statement.bind(4, LogTime.format(micros: version.loadedAt))
      case .reload(let reload):
        statement = insertReload
        statement.bind(1, LogTime.format(micros: reload.at))
        statement.bind(2, reload.token)
        statement.bind(3, reload.resultsJSON)
      }
      do {
        _ = try statement.step()
      } catch {
        itemErrors[offset] = .writeFailed(reason: error.message)
      }
      statement.reset()
    }
    do {
      defer { commit.reset() }
      _ = try commit.step()
      return (nil, itemErrors)
    } catch {
      _ = try? rollback.step()
      rollback.reset()
      return (.writeFailed(reason: error.message), [:])
    }
  }
}

/// Records the WAL size after each commit on the writer's connection.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
  context, _, _, pages in
  if let context { Unmanaged<LogWriter>.fromOpaque(context).takeUnretainedValue().walPages = pages }
  return SQLITE_OK
}

/// Serializes the background checkpointer's passes with the writer's WAL restarts.
private final class CheckpointLock: Sendable {
  let lock = Mutex<Void>(())
}

/// Checkpoints the WAL into the database file every 50 ms on its own thread and connection
/// (`PASSIVE`: it never blocks the writer), so the `fsync`s of checkpointing stay out of commits.
private final class Checkpointer: Sendable {
  private final class Signals: Sendable {
    let stopped = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
    let exited = DispatchSemaphore(value: 0)
  }

  private let signals = Signals()

  init(path: String, checkpointing: CheckpointLock) throws(DecisionLogError) {
    let connection = try Connection(path: path, create: false)
    try connection.validate(path: path, create: false)   // a first read, so the connection knows it is in WAL mode
    let signals = self.signals
    Thread.detachNewThread {
      while !signals.stopped.load(ordering: .acquiring) {
        _ = signals.wake.wait(timeout: .now() + .milliseconds(50))
        checkpointing.lock.withLock { _ in
          _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
      }
      signals.exited.signal()
    }
  }

  /// Ends the thread (its connection closes with it); returns once it has.
  func stop() {
    guard !signals.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
    signals.wake.signal()
    signals.exited.wait()
  }
}

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
