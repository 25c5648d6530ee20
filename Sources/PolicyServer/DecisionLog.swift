// DecisionLog.swift and DecisionLog+Reader.swift are the only files that import CSQLite: SQLite's
// types and calls never leave them.
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
  private let health: DecisionLogHealth

  /// Opens (creating when missing) the log at ``Configuration/path`` and starts its writer thread.
  ///
  /// A log left by a killed process opens normally: SQLite replays its WAL.
  /// - Throws: ``DecisionLogError/notADecisionLog(path:reason:)`` for a corrupt or foreign file,
  ///   ``DecisionLogError/cannotOpen(path:reason:)`` when the file cannot be created or opened.
  public init(configuration: Configuration) throws(DecisionLogError) {
    self.configuration = configuration
    let checkpointing = CheckpointLock()
    health = DecisionLogHealth(path: configuration.path, report: configuration.report)
    let writer = try LogWriter(configuration: configuration, checkpointing: checkpointing, health: health)
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

  /// Whether writes are succeeding: `false` from a failed commit until a write (a batch, or the
  /// writer's probe every ``Configuration/failureProbeSeconds``) succeeds again.
  public var isWritable: Bool { health.isWritable }

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
struct SQLiteFailure: Error {
  var code: Int32
  var message: String
}

/// One SQLite connection, used by one thread at a time (the writer thread, or under a `Mutex`).
final class Connection: @unchecked Sendable {
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
final class Statement {
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
func prune(_ connection: Connection, _ retention: DecisionLog.Retention, now: Int64, chunk: Int) throws(SQLiteFailure) -> Int {
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
  let health: DecisionLogHealth
  /// Whether the connection is in `query_only` mode for ``DecisionLog/Configuration/faults``.
  var faulted = false

  init(configuration: DecisionLog.Configuration, checkpointing: CheckpointLock, health: DecisionLogHealth) throws(DecisionLogError) {
    self.configuration = configuration
    self.checkpointing = checkpointing
    self.health = health
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
      var wait = retains ? (backlog ? 0 : max(0, nextPrune - monotonicSeconds())) : 3_600
      if !health.isWritable { wait = min(wait, configuration.failureProbeSeconds) }
      guard let batch = queue.takeBatch(timeoutSeconds: wait) else { break }
      applyFaults()
      if batch.items.isEmpty, !health.isWritable {
        if let reason = probe() { health.failed(reason: reason, records: 0) } else { health.succeeded() }
      }
      if !batch.items.isEmpty {
        let (error, itemErrors) = write(batch.items)
        if case .writeFailed(let reason)? = error { health.failed(reason: reason, records: batch.items.count) } else { health.succeeded() }
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

  /// Switches `query_only` to match ``DecisionLog/Configuration/faults``.
  private func applyFaults() {
    guard let faults = configuration.faults, faults.failWrites != faulted else { return }
    faulted = faults.failWrites
    try? connection.execute("PRAGMA query_only=\(faulted ? 1 : 0)")
  }

  /// A write that leaves no trace (a row added and removed in one transaction): `nil` when it
  /// committed, else SQLite's error.
  private func probe() -> String? {
    do {
      try connection.execute("BEGIN IMMEDIATE; INSERT INTO reloads(at, token, result) VALUES('', '', '');"
        + " DELETE FROM reloads WHERE rowid = last_insert_rowid(); COMMIT")
      return nil
    } catch {
      try? connection.execute("ROLLBACK")
      return error.message
    }
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
        statement.reset()
        // A record's own fault (a duplicate id) fails it alone; anything else (a full disk, an I/O
        // error, a read-only file) is the log's and fails the batch.
        guard error.code & 0xFF == SQLITE_CONSTRAINT else {
          _ = try? rollback.step()
          rollback.reset()
          return (.writeFailed(reason: error.message), [:])
        }
        itemErrors[offset] = .writeFailed(reason: error.message)
        continue
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
