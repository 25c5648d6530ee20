internal import CSQLite
import PolicyExpr

/// Durable watcher state in SQLite (`--state FILE.sqlite`): each device's messages, kept values and
/// alert lifecycles, the tick schedule, and an outbox of events not yet acknowledged by the broker.
///
/// The only file of PolicyStream that imports `CSQLite`. The watcher commits once per loop turn
/// (group commit: every device changed and every event raised since the last turn, in one
/// transaction, WAL mode, `synchronous=NORMAL`), and publishes events only after their commit, so
/// an event is never lost (at least once; receivers deduplicate on its id).
public final class StreamStore {
  private var db: OpaquePointer?

  /// Opens or creates the store at `path`.
  public init(path: String) throws(StreamStoreError) {
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
      let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close_v2(db)
      throw StreamStoreError("cannot open state file '\(path)': \(reason)")
    }
    try execute("""
      PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
      CREATE TABLE IF NOT EXISTS device(key TEXT PRIMARY KEY, message TEXT NOT NULL, previous TEXT NOT NULL,
        state_before TEXT NOT NULL, state_after TEXT NOT NULL, seconds INTEGER NOT NULL, nanos INTEGER NOT NULL, alerts TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS outbox(id TEXT PRIMARY KEY, line TEXT NOT NULL, device TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
      """)
  }

  deinit { sqlite3_close_v2(db) }

  func execute(_ sql: String) throws(StreamStoreError) {
    var message: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? "error"
      sqlite3_free(message)
      throw StreamStoreError("state file: \(text)")
    }
  }

  /// Runs `sql` with text parameters, calling `row` with each result row's columns as text.
  func query(_ sql: String, _ parameters: [String] = [], row: ([String]) -> Void = { _ in }) throws(StreamStoreError) {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw StreamStoreError("state file: \(String(cString: sqlite3_errmsg(db)))") }
    defer { sqlite3_finalize(statement) }
    for (i, p) in parameters.enumerated() {
      var copy = p
      _ = copy.withUTF8 { csqlite_bind_text(statement, Int32(i + 1), UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count)) }
    }
    while true {
      let code = sqlite3_step(statement)
      if code == SQLITE_DONE { return }
      guard code == SQLITE_ROW else { throw StreamStoreError("state file: \(String(cString: sqlite3_errmsg(db)))") }
      let n = sqlite3_column_count(statement)
      row((0..<n).map { c in sqlite3_column_text(statement, c).map { String(cString: $0) } ?? "" })
    }
  }

  /// Writes the changed devices, the new events, the acknowledged event ids and the tick schedule in one transaction.
  public func commit(devices: [DeviceState], events: [AlertEvent], acknowledged: [String], lastTick: Timestamp?) throws(StreamStoreError) {
    try execute("BEGIN IMMEDIATE")
    do throws(StreamStoreError) {
      for d in devices {
        try query("INSERT OR REPLACE INTO device VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
          d.key, Self.json(.object(d.message)), Self.json(.object(d.previous)), Self.json(.object(d.stateBefore)),
          Self.json(.object(d.stateAfter)), String(d.lastEventTime.seconds), String(d.lastEventTime.nanos), Self.alertsText(d),
        ])
      }
      for e in events { try query("INSERT OR IGNORE INTO outbox VALUES (?, ?, ?)", [e.id, e.jsonLine, e.device]) }
      for id in acknowledged { try query("DELETE FROM outbox WHERE id = ?", [id]) }
      if let lastTick { try query("INSERT OR REPLACE INTO meta VALUES ('last_tick', ?)", [String(lastTick.seconds)]) }
      try execute("COMMIT")
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Restores every stored device into `monitor` (which must be empty) and returns the outbox:
  /// events committed but not acknowledged, as (id, device, JSON line), to publish again.
  public func restore(into monitor: StreamMonitor) throws(StreamStoreError) -> [(id: String, device: String, line: String)] {
    let policy = monitor.policy
    let stateDecoder = JSONSchemaDecoder(.object(policy.stateType))
    func object(_ text: String, _ decoder: JSONSchemaDecoder) -> ObjectValue? {
      if case .success(.object(let o)) = decoder.decode(text) { return o }
      return nil
    }
    var failure: StreamStoreError?
    try query("SELECT key, message, previous, state_before, state_after, seconds, nanos, alerts FROM device ORDER BY rowid") { c in
      guard let message = object(c[1], policy.payloadDecoder), let previous = object(c[2], policy.payloadDecoder),
        let before = object(c[3], stateDecoder), let after = object(c[4], stateDecoder),
        let seconds = Int64(c[5]), let nanos = Int32(c[6]), let alerts = Self.alerts(c[7], count: policy.alerts.count)
      else { failure = StreamStoreError("state file: device '\(c[0])' does not fit this policy's message or state types"); return }
      let d = DeviceState(key: c[0], alertCount: policy.alerts.count, message: message, time: Timestamp(seconds: seconds, nanos: nanos), state: before)
      d.previous = previous
      d.stateAfter = after
      d.alerts = alerts.map(\.0)
      d.lastMessages = alerts.map(\.1)
      monitor.restore(d)
    }
    if let failure { throw failure }
    try query("SELECT value FROM meta WHERE name = 'last_tick'") { c in
      if let s = Int64(c[0]) { monitor.lastTick = Timestamp(seconds: s) }
    }
    var outbox: [(String, String, String)] = []
    try query("SELECT id, device, line FROM outbox ORDER BY rowid") { outbox.append(($0[0], $0[1], $0[2])) }
    return outbox
  }

  static func json(_ v: Value) -> String { String(decoding: JSONWriter.encode(v), as: UTF8.self) }

  /// Lifecycles as a JSON array of `[phase, seconds, nanos, firing message, last message]`.
  static func alertsText(_ d: DeviceState) -> String {
    var items: [Value] = []
    for (a, last) in zip(d.alerts, d.lastMessages) {
      switch a.phase {
      case .inactive: items.append(.list([.int(0), .int(0), .int(0), .string(""), .string(last)]))
      case .pending(let t): items.append(.list([.int(1), .int(t.seconds), .int(Int64(t.nanos)), .string(""), .string(last)]))
      case .firing(let t, let m): items.append(.list([.int(2), .int(t.seconds), .int(Int64(t.nanos)), .string(m), .string(last)]))
      }
    }
    return json(.list(items))
  }

  static func alerts(_ text: String, count: Int) -> [(AlertLifecycle, String)]? {
    guard case .array(let items)? = try? JSONReader.parse(text), items.count == count else { return nil }
    var out: [(AlertLifecycle, String)] = []
    for item in items {
      guard case .array(let f) = item, f.count == 5, case .number(let p) = f[0], case .number(let s) = f[1], case .number(let n) = f[2],
        case .string(let m) = f[3], case .string(let last) = f[4], let phase = p.int64Value, let sec = s.int64Value, let ns = n.int64Value
      else { return nil }
      var a = AlertLifecycle()
      let t = Timestamp(seconds: sec, nanos: Int32(truncatingIfNeeded: ns))
      a.phase = phase == 2 ? .firing(since: t, message: m) : phase == 1 ? .pending(since: t) : .inactive
      out.append((a, last))
    }
    return out
  }
}

/// A state file that cannot be opened, read or written.
public struct StreamStoreError: Error, Sendable, CustomStringConvertible {
  /// The message.
  public var description: String
  init(_ description: String) { self.description = description }
}
