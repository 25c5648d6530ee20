/// What the decision service needs from the policy engine; the engine owns policies, reloads and evaluation.
///
/// ``DecisionService`` is generic over it, so calls are direct, not through an existential. All
/// methods are called concurrently from the HTTP worker threads.
public protocol DecisionEngine: Sendable {
  /// Evaluates `request.policy` on `request.input` with the version active when the call starts.
  func decide(_ request: DecisionRequest) -> DecisionAnswer
  /// The active policies, sorted by id.
  func policies() -> [PolicyStatus]
  /// One active policy with its source, or `nil` when no policy has `id`.
  func policyDetail(id: String) -> PolicyDetail?
  /// Reloads the policy folder now and returns one result per policy that changed; blocks until done.
  func reload() -> [ReloadResult]
  /// Starts a reload and returns at once; `completion` gets the results (from any thread). The HTTP
  /// handler uses it so no worker thread waits for a reload.
  func reload(then completion: @escaping @Sendable ([ReloadResult]) -> Void)
  /// Whether every policy has been loaded once (start-up finished).
  var isReady: Bool { get }
}

extension DecisionEngine {
  /// Runs ``reload()`` and hands its results to `completion` (for engines without a reload thread).
  public func reload(then completion: @escaping @Sendable ([ReloadResult]) -> Void) { completion(reload()) }
}

/// A decision request as the service hands it to the engine.
public struct DecisionRequest: Sendable {
  /// The decision id the answer must carry (26 characters, see ``DecisionIDGenerator``).
  public var id: String
  /// The policy id from the path.
  public var policy: String
  /// The request body: the policy's input as JSON, already checked to be well-formed.
  public var input: [UInt8]
  /// When the request arrived, in microseconds since 1970.
  public var receivedAt: Int64
  /// Whether `?explain=true` asked for the trace (the body's `"explain": true` is the engine's to read).
  public var explain: Bool

  /// Creates a request.
  public init(id: String, policy: String, input: [UInt8], receivedAt: Int64, explain: Bool) {
    self.id = id
    self.policy = policy
    self.input = input
    self.receivedAt = receivedAt
    self.explain = explain
  }
}

/// The engine's answer to a ``DecisionRequest``.
public enum DecisionAnswer: Sendable {
  /// A decision was made; it is logged, then sent with status 200.
  case decided(EngineDecision)
  /// No policy has the requested id (404).
  case unknownPolicy
  /// The input was refused (422 schema errors, 400 for a bad `now`); sent as is, not logged.
  case rejected(WireError)
}

/// A decision made by one policy version.
public struct EngineDecision: Sendable {
  /// The content hash of the policy version that decided.
  public var version: String
  /// The outcome for the metrics (`approved`, `declined`, …); keep the set small.
  public var outcome: String
  /// The response body: a JSON object that includes the request's id.
  public var body: [UInt8]
  /// Evaluation time, in microseconds.
  public var evaluationMicros: Int

  /// Creates a decision.
  public init(version: String, outcome: String, body: [UInt8], evaluationMicros: Int) {
    self.version = version
    self.outcome = outcome
    self.body = body
    self.evaluationMicros = evaluationMicros
  }
}

/// One active policy as `GET /v1/policies` lists it.
public struct PolicyStatus: Sendable {
  /// The policy id.
  public var id: String
  /// The content hash of the version serving.
  public var version: String
  /// When that version became active, in microseconds since 1970.
  public var loadedAt: Int64
  /// The policy file, relative to the policy folder.
  public var sourceFile: String
  /// Why the last reload of this policy failed (the previous version kept serving), or `nil`.
  public var lastReloadError: WireError?

  /// Creates a status.
  public init(id: String, version: String, loadedAt: Int64, sourceFile: String, lastReloadError: WireError? = nil) {
    self.id = id
    self.version = version
    self.loadedAt = loadedAt
    self.sourceFile = sourceFile
    self.lastReloadError = lastReloadError
  }
}

/// One active policy with its source, as `GET /v1/policies/{id}` shows it.
public struct PolicyDetail: Sendable {
  /// The policy's status.
  public var status: PolicyStatus
  /// The full text of the policy file of the serving version.
  public var source: String

  /// Creates a detail.
  public init(status: PolicyStatus, source: String) {
    self.status = status
    self.source = source
  }
}

/// The outcome of reloading one policy.
public struct ReloadResult: Sendable {
  /// The policy id (or the file name when the file has no readable id).
  public var policy: String
  /// The new version's hash when it became active, else `nil`.
  public var version: String?
  /// Why the new version was refused (the previous one keeps serving), or `nil` on success.
  public var error: WireError?

  /// Creates a result.
  public init(policy: String, version: String? = nil, error: WireError? = nil) {
    self.policy = policy
    self.version = version
    self.error = error
  }
}
