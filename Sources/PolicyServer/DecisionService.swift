/// The decision service's HTTP API over a ``DecisionEngine``: routing, the admin token, body checks,
/// decision ids, the decision log and the metrics.
///
/// A decision is answered only after its record is committed to the log; if the log cannot take it,
/// the client gets 503 and no decision, so every decision a client saw is in the log. Serve it with
/// ``handle(_:responder:)`` as an ``HTTPServer/DeferredHandler``: the connection then waits for the
/// group commit without holding a worker thread, so one commit covers many connections.
/// ``handle(_:)`` is the blocking form.
public final class DecisionService<Engine: DecisionEngine>: Sendable {
  /// Settings of the API layer.
  public struct Configuration: Sendable {
    /// The bearer token admin calls (`POST /v1/reload`) must present; `nil` refuses every admin call.
    public var adminToken: String?
    /// The JSON checker for decision bodies (its nesting limit applies).
    public var jsonSyntax: JSONSyntax

    /// Creates a configuration.
    public init(adminToken: String? = nil, jsonSyntax: JSONSyntax = JSONSyntax()) {
      self.adminToken = adminToken
      self.jsonSyntax = jsonSyntax
    }
  }

  /// The engine that owns policies and evaluation.
  public let engine: Engine
  /// Where answered decisions are written; `nil` runs without a log.
  public let log: DecisionLog?
  /// The metrics rendered at `/metrics`.
  public let metrics: ServiceMetrics
  /// The API settings.
  public let configuration: Configuration
  private let router = Router<ServiceEndpoint>.service
  private let ids = DecisionIDGenerator()

  /// Creates the service.
  public init(engine: Engine, log: DecisionLog?, metrics: ServiceMetrics = ServiceMetrics(), configuration: Configuration = Configuration()) {
    self.engine = engine
    self.log = log
    self.metrics = metrics
    self.configuration = configuration
  }

  /// Answers one request, blocking while its decision is committed; safe to call concurrently.
  public func handle(_ request: HTTPRequest) -> HTTPResponse {
    process(request, deferred: nil) ?? WireError.internalError("no response").response
  }

  /// Answers one request through `responder`: at once, or from the log's writer thread after the
  /// decision's commit. Safe to call concurrently.
  public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
    if let response = process(request, deferred: responder) { responder.respond(response) }
  }

  /// The response, or `nil` when it will be sent through `deferred` after the log commit.
  private func process(_ request: HTTPRequest, deferred: HTTPResponder?) -> HTTPResponse? {
    switch router.match(method: request.method, path: request.path) {
    case .notFound:
      return count(WireError.notFound(path: request.path).response, endpoint: "none")
    case .methodNotAllowed(let allowed):
      return count(WireError.methodNotAllowed(method: request.method, path: request.path, allowed: allowed).response, endpoint: "none")
    case .found(let endpoint, let parameters):
      let value = parameters.first?.value ?? ""
      switch endpoint {
      case .decide: return decide(request, policy: value, deferred: deferred)
      case .listPolicies: return count(json(200, Self.policiesJSON(engine.policies())), endpoint: "list_policies")
      case .showPolicy:
        guard let detail = engine.policyDetail(id: value) else {
          return count(WireError.unknownPolicy(value).response, endpoint: "show_policy")
        }
        return count(json(200, Self.policyJSON(detail)), endpoint: "show_policy")
      case .reload: return reload(request, deferred: deferred).map { count($0, endpoint: "reload") }
      case .health: return count(json(200, Array(#"{"status":"ok"}"#.utf8)), endpoint: "health")
      case .ready:
        let response = engine.isReady ? json(200, Array(#"{"status":"ready"}"#.utf8))
                                       : WireError.unavailable("policies are still loading").response
        return count(response, endpoint: "ready")
      case .metrics:
        metrics.decisionLogQueueDepth.labels().set(log?.queueDepth ?? 0)
        return count(HTTPResponse(status: 200, contentType: PrometheusExposition.contentType, text: metrics.render()), endpoint: "metrics")
      }
    }
  }

  /// Records reload outcomes in the metrics; call it for reloads started by file changes or `SIGHUP` too.
  public func recordReloads(_ results: [ReloadResult]) {
    for result in results {
      metrics.reloads.labels(result.policy, result.error == nil ? "ok" : "failed").increment()
    }
  }

  private func decide(_ request: HTTPRequest, policy: String, deferred: HTTPResponder?) -> HTTPResponse? {
    let started = monotonicSeconds()
    if let syntaxError = configuration.jsonSyntax.validate(request.body) {
      return count(syntaxError.wireError.response, endpoint: "decide")
    }
    let id = ids.next()
    let receivedAt = LogTime.nowMicros()
    let explain = request.query["explain"] == "true"
    switch engine.decide(DecisionRequest(id: id, policy: policy, input: request.body, receivedAt: receivedAt, explain: explain)) {
    case .unknownPolicy:
      return count(WireError.unknownPolicy(policy).response, endpoint: "decide")
    case .rejected(let error):
      return count(error.response, endpoint: "decide", policy: policy)
    case .decided(let decision):
      guard let log else { return answered(decision, policy: policy, started: started, error: nil) }
      let record = DecisionRecord(id: id, at: receivedAt, policy: policy, version: decision.version,
                                  inputJSON: String(decoding: request.body, as: UTF8.self),
                                  resultJSON: String(decoding: decision.body, as: UTF8.self),
                                  latencyMicros: decision.evaluationMicros)
      do {
        if let deferred {
          try log.append(record) { error in
            deferred.respond(self.answered(decision, policy: policy, started: started, error: error))
          }
          return nil
        }
        try log.append(record)
        return answered(decision, policy: policy, started: started, error: nil)
      } catch {
        return answered(decision, policy: policy, started: started, error: error)
      }
    }
  }

  /// The response for a decision whose log write ended with `error` (`nil`: committed, or no log).
  private func answered(_ decision: EngineDecision, policy: String, started: Double, error: DecisionLogError?) -> HTTPResponse {
    if let error {
      metrics.decisionLogWriteErrors.labels().increment()
      return count(WireError.unavailable("decision not recorded: \(error)").response, endpoint: "decide", policy: policy)
    }
    metrics.decisions.labels(policy, decision.outcome).increment()
    metrics.decisionDuration.labels(policy).observe(seconds: monotonicSeconds() - started)
    return count(json(200, decision.body), endpoint: "decide", policy: policy)
  }

  /// The reload runs on the engine's reload thread; a deferred request is answered from there, so
  /// no worker thread waits for it (`nil`: answered later).
  private func reload(_ request: HTTPRequest, deferred: HTTPResponder?) -> HTTPResponse? {
    guard let token = configuration.adminToken, let presented = request.headers["authorization"],
          constantTimeEqual(presented, "Bearer " + token) else {
      return WireError.unauthorized().response
    }
    guard let deferred else {
      let results = engine.reload()
      recordReloads(results)
      return json(200, Self.reloadJSON(results))
    }
    engine.reload { results in
      self.recordReloads(results)
      deferred.respond(self.count(self.json(200, Self.reloadJSON(results)), endpoint: "reload"))
    }
    return nil
  }

  private func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
    HTTPResponse(status: status, contentType: "application/json", body: body)
  }

  /// Counts `response` under `endpoint` and `policy` (empty unless the policy exists, to bound label values).
  private func count(_ response: HTTPResponse, endpoint: String, policy: String = "") -> HTTPResponse {
    metrics.requests.labels(endpoint, policy, String(response.status)).increment()
    return response
  }
}

/// Compares two strings in time that depends only on their lengths, not on where they differ.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
  let a = Array(lhs.utf8)
  let b = Array(rhs.utf8)
  guard a.count == b.count else { return false }
  var difference: UInt8 = 0
  for index in 0..<a.count { difference |= a[index] ^ b[index] }
  return difference == 0
}
