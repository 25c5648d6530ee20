/// One answered decision as the decision log stores it.
public struct DecisionRecord: Hashable, Sendable {
  /// The decision id (26 characters, time-ordered; see ``DecisionIDGenerator``).
  public var id: String
  /// When the decision was made, in microseconds since 1970-01-01T00:00:00Z.
  public var at: Int64
  /// The policy id.
  public var policy: String
  /// The content hash of the policy version that made the decision.
  public var version: String
  /// The request's input document, as JSON text.
  public var inputJSON: String
  /// The decision returned, as JSON text.
  public var resultJSON: String
  /// The time taken to evaluate, in microseconds.
  public var latencyMicros: Int
  /// The name of the bearer token that asked for the decision; empty when access control was open
  /// (and for decisions logged before tokens existed).
  public var token: String

  /// Creates a record.
  public init(id: String, at: Int64, policy: String, version: String, inputJSON: String, resultJSON: String, latencyMicros: Int,
              token: String = "") {
    self.id = id
    self.at = at
    self.policy = policy
    self.version = version
    self.inputJSON = inputJSON
    self.resultJSON = resultJSON
    self.latencyMicros = latencyMicros
    self.token = token
  }

  /// The record as one JSON line (no trailing newline):
  /// `{"id":…,"at":"2026-…Z","policy":…,"version":…,"token":…|null,"input":{…},"result":{…},"latency_us":…}`.
  ///
  /// `input` and `result` are embedded as the JSON they are stored as, not re-quoted; `token` is
  /// `null` when no token was involved.
  public var jsonLine: String {
    var writer = JSONWriter(capacity: 128 + inputJSON.utf8.count + resultJSON.utf8.count)
    writer.raw("{\"id\":")
    writer.string(id)
    writer.raw(",\"at\":")
    writer.string(LogTime.format(micros: at))
    writer.raw(",\"policy\":")
    writer.string(policy)
    writer.raw(",\"version\":")
    writer.string(version)
    writer.raw(",\"token\":")
    if token.isEmpty { writer.null() } else { writer.string(token) }
    writer.raw(",\"input\":")
    writer.rawBytes(inputJSON.isEmpty ? Array("null".utf8) : Array(inputJSON.utf8))
    writer.raw(",\"result\":")
    writer.rawBytes(resultJSON.isEmpty ? Array("null".utf8) : Array(resultJSON.utf8))
    writer.raw(",\"latency_us\":")
    writer.integer(latencyMicros)
    writer.raw("}")
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// One `POST /v1/reload` as the decision log stores it: who asked, when, and what it answered.
public struct ReloadRecord: Hashable, Sendable {
  /// When the reload finished, in microseconds since 1970.
  public var at: Int64
  /// The name of the admin token that asked; empty when access control was open.
  public var token: String
  /// The response body, `{"reloaded":[…]}`.
  public var resultsJSON: String

  /// Creates a record.
  public init(at: Int64, token: String, resultsJSON: String) {
    self.at = at
    self.token = token
    self.resultsJSON = resultsJSON
  }

  /// The record as one JSON line: `{"reload_at":"2026-…Z","token":…|null,"result":{"reloaded":[…]}}`.
  public var jsonLine: String {
    var writer = JSONWriter(capacity: 64 + resultsJSON.utf8.count)
    writer.raw("{\"reload_at\":")
    writer.string(LogTime.format(micros: at))
    writer.raw(",\"token\":")
    if token.isEmpty { writer.null() } else { writer.string(token) }
    writer.raw(",\"result\":")
    writer.rawBytes(resultsJSON.isEmpty ? Array("null".utf8) : Array(resultsJSON.utf8))
    writer.raw("}")
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// One policy version's source, stored once per content hash.
public struct PolicyVersionRecord: Hashable, Sendable {
  /// The content hash that decision records name in ``DecisionRecord/version``.
  public var hash: String
  /// The policy id.
  public var policy: String
  /// The policy file's full text.
  public var source: String
  /// When this version was first loaded, in microseconds since 1970.
  public var loadedAt: Int64

  /// Creates a record.
  public init(hash: String, policy: String, source: String, loadedAt: Int64) {
    self.hash = hash
    self.policy = policy
    self.source = source
    self.loadedAt = loadedAt
  }
}

/// Which decisions to read: all filters are optional and combine with AND; results come oldest first.
public struct DecisionQuery: Hashable, Sendable {
  /// Only this policy's decisions.
  public var policy: String?
  /// Only decisions at or after this time, in microseconds since 1970.
  public var since: Int64?
  /// Only decisions strictly before this time, in microseconds since 1970.
  public var until: Int64?
  /// At most this many records.
  public var limit: Int?

  /// Creates a query.
  public init(policy: String? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int? = nil) {
    self.policy = policy
    self.since = since
    self.until = until
    self.limit = limit
  }
}
