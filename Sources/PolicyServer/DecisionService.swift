import Foundation

/// The decision service's HTTP API over a ``DecisionEngine``: routing, access control (named bearer
/// tokens with scopes), media-type and body checks, decision ids, the decision log and the metrics.
///
/// A decision is answered only after its record is committed to the log; if the log cannot take it,
/// the client gets 503 and no decision, so every decision a client saw is in the log. Serve it with
/// ``handle(_:responder:)`` as an ``HTTPServer/DeferredHandler``: the connection then waits for the
/// group commit without holding a worker thread, so one commit covers many connections.
/// ``handle(_:)`` is the blocking form.
public final class DecisionService<Engine: DecisionEngine>: Sendable {
  /// Settings of the API layer.
  public struct Configuration: Sendable {
    /// Who may call what; with no tokens every endpoint is open (serve on loopback only then).
    public var access: AccessControl
    /// The JSON checker for decision bodies (its nesting limit applies).
    public var jsonSyntax: JSONSyntax

    /// Creates a configuration.
    public init(access: AccessControl = AccessControl(), jsonSyntax: JSONSyntax = JSONSyntax()) {
      self.access = access
      self.jsonSyntax = jsonSyntax
    }

    /// The former configuration: decisions and reads open, reload only with `adminToken` (none when `nil`).
    public init(adminToken: String?, jsonSyntax: JSONSyntax = JSONSyntax()) {
      self.init(access: adminToken.map { AccessControl.adminOnly(secret: $0) } ?? AccessControl(tokens: [], openScopes: [.decide, .read]),
                jsonSyntax: jsonSyntax)
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
      let token: String?
      switch configuration.access.authorize(request.headers["authorization"], scope: endpoint.requiredScope,
                                            policy: endpoint == .decide ? value : nil) {
      case .refused(let error): return refuse(error, endpoint: endpoint)
      case .allowed(let name): token = name
      }
      if request.method == "POST", request.body.count > 0 || endpoint == .decide || request.headers["content-type"] != nil,
         !Self.isJSONMediaType(request.headers["content-type"]) {
        return refuse(.unsupportedMediaType(found: request.headers["content-type"]), endpoint: endpoint)
      }
      switch endpoint {
      case .decide: return decide(request, policy: value, token: token, deferred: deferred)
      case .listPolicies: return count(json(200, Self.policiesJSON(engine.policies())), endpoint: ServiceEndpoint.listPolicies.metricName)
      case .showPolicy:
        guard let detail = engine.policyDetail(id: value) else {
          return count(WireError.unknownPolicy(value).response, endpoint: ServiceEndpoint.showPolicy.metricName)
        }
        return count(json(200, Self.policyJSON(detail)), endpoint: ServiceEndpoint.showPolicy.metricName)
      case .reload: return reload(request, token: token, deferred: deferred).map { count($0, endpoint: ServiceEndpoint.reload.metricName) }
      case .health: return count(json(200, Array(#"{"status":"ok"}"#.utf8)), endpoint: ServiceEndpoint.health.metricName)
      case .ready:
        let response = engine.isReady ? json(200, Array(#"{"status":"ready"}"#.utf8))
                                       : WireError.unavailable("policies are still loading").response
        return count(response, endpoint: ServiceEndpoint.ready.metricName)
      case .metrics:
        metrics.decisionLogQueueDepth.labels().set(log?.queueDepth ?? 0)
        return count(HTTPResponse(status: 200, contentType: PrometheusExposition.contentType, text: metrics.render()), endpoint: ServiceEndpoint.metrics.metricName)
      }
    }
  }

  /// Records reload outcomes in the metrics; call it for reloads started by file changes or `SIGHUP` too.
  public func recordReloads(_ results: [ReloadResult]) {
    for result in results {
      metrics.reloads.labels(result.policy, result.error == nil ? "ok" : "failed").increment()
    }
  }

  /// Counts a service-level refusal (401, 403, 415) by its code, and as a request of `endpoint`.
  private func refuse(_ error: WireError, endpoint: ServiceEndpoint) -> HTTPResponse {
    recordRefusal(error.code)
    return count(error.response, endpoint: endpoint.metricName)
  }

  /// Counts a refusal in `proviso_http_refusals_total{reason}`; the ``HTTPServer`` reports its own here
  /// (wire it as ``HTTPServer/Configuration/onRefusal``).
  public func recordRefusal(_ code: String) {
    metrics.refusals.labels(code).increment()
  }

  /// Whether `contentType` is `application/json`, optionally with `; charset=utf-8` (ASCII case-insensitive).
  static func isJSONMediaType(_ contentType: String?) -> Bool {
    guard let contentType else { return false }
    let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard parts.first == "application/json" else { return false }
    for parameter in parts.dropFirst() {
      let value = parameter.replacingOccurrences(of: " ", with: "")
      guard value == "charset=utf-8" || value == "charset=\"utf-8\"" else { return false }
    }
    return true
  }

  private func decide(_ request: HTTPRequest, policy: String, token: String?, deferred: HTTPResponder?) -> HTTPResponse? {
    let started = monotonicSeconds()
    if let syntaxError = configuration.jsonSyntax.validate(request.body) {
      return count(syntaxError.wireError.response, endpoint: ServiceEndpoint.decide.metricName)
    }
    let id = ids.next()
    let receivedAt = LogTime.nowMicros()
    let explain = request.query["explain"] == "true"
    switch engine.decide(DecisionRequest(id: id, policy: policy, input: request.body, receivedAt: receivedAt, explain: explain)) {
    case .unknownPolicy:
      return count(WireError.unknownPolicy(policy).response, endpoint: ServiceEndpoint.decide.metricName)
    case .rejected(let error):
      return count(error.response, endpoint: ServiceEndpoint.decide.metricName, policy: policy)
    case .decided(let decision):
      guard let log else { return answered(decision, policy: policy, started: started, error: nil) }
      let record = DecisionRecord(id: id, at: receivedAt, policy: policy, version: decision.version,
                                  inputJSON: String(decoding: request.body, as: UTF8.self),
                                  resultJSON: String(decoding: decision.body, as: UTF8.self),
                                  latencyMicros: decision.evaluationMicros, token: token ?? "")
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
      return count(WireError.unavailable("decision not recorded: \(error)").response, endpoint: ServiceEndpoint.decide.metricName, policy: policy)
    }
    metrics.decisions.labels(policy, decision.outcome).increment()
    metrics.decisionDuration.labels(policy).observe(seconds: monotonicSeconds() - started)
    return count(json(200, decision.body), endpoint: ServiceEndpoint.decide.metricName, policy: policy)
  }

  /// The admin scope was checked by ``process(_:deferred:)``; `token` names who asked, for the log.
  /// The reload runs on the engine's reload thread; a deferred request is answered from there, so
  /// no worker thread waits for it (`nil`: answered later).
  private func reload(_ request: HTTPRequest, token: String?, deferred: HTTPResponder?) -> HTTPResponse? {
    guard let deferred else { return finishReload(engine.reload(), token: token) }
    engine.reload { results in
      deferred.respond(self.count(self.finishReload(results, token: token), endpoint: ServiceEndpoint.reload.metricName))
    }
    return nil
  }

  /// Records a finished reload and renders its answer.
  private func finishReload(_ results: [ReloadResult], token: String?) -> HTTPResponse {
    recordReloads(results)
    let body = Self.reloadJSON(results)
    // The reload has happened whether or not its record can be written; a log that cannot take it
    // refuses the next decisions with 503 and counts them, so the failure does not go unseen.
    try? log?.recordReload(ReloadRecord(at: LogTime.nowMicros(), token: token ?? "", resultsJSON: String(decoding: body, as: UTF8.self)))
    return json(200, body)
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

extension ServiceEndpoint {
  /// The `endpoint` label of this endpoint in `proviso_http_requests_total`.
  var metricName: String {
    switch self {
    case .decide: "decide"
    case .listPolicies: "list_policies"
    case .showPolicy: "show_policy"
    case .reload: "reload"
    case .health: "health"
    case .ready: "ready"
    case .metrics: "metrics"
    }
  }
}
