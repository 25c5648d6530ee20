import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import PolicyServer

/// An engine with one policy, `limits`, that approves amounts up to 100 and refuses a non-number amount.
final class FakeEngine: DecisionEngine {
  let reloads = Atomic<Int>(0)
  let ready = Atomic<Bool>(true)

  func decide(_ request: DecisionRequest) -> DecisionAnswer {
    guard request.policy == "limits" else { return .unknownPolicy }
    let text = String(decoding: request.input, as: UTF8.self)
    guard let amount = Int(text.filter(\.isNumber)), text.contains("\"amount\"") else {
      return .rejected(.invalidInput([WireError.fieldTypeMismatch(path: "amount", expected: "int", found: "string")]))
    }
    let outcome = amount <= 100 ? "approved" : "declined"
    let body = #"{"id":"\#(request.id)","policy":"limits","version":"v1","decision":"\#(outcome)","explain":\#(request.explain)}"#
    return .decided(EngineDecision(version: "v1", outcome: outcome, body: Array(body.utf8), evaluationMicros: 3))
  }

  func policies() -> [PolicyStatus] {
    [PolicyStatus(id: "limits", version: "v1", loadedAt: 0, sourceFile: "limits.yaml",
                  lastReloadError: .invalidPolicy("limits", errors: [WireErrorDetail(code: "yaml_syntax_error",
                    location: WireLocation(file: "limits.yaml", line: 3, column: 1), message: "did not find expected key")]))]
  }

  func policyDetail(id: String) -> PolicyDetail? {
    id == "limits" ? PolicyDetail(status: PolicyStatus(id: "limits", version: "v1", loadedAt: 0, sourceFile: "limits.yaml"),
                                  source: "policy: limits\n") : nil
  }

  func reload() -> [ReloadResult] {
    reloads.add(1, ordering: .relaxed)
    return [ReloadResult(policy: "limits", version: "v2"),
            ReloadResult(policy: "broken", error: .invalidPolicy("broken", errors: []))]
  }

  var isReady: Bool { ready.load(ordering: .relaxed) }
}

final class DecisionServiceTests: XCTestCase {
  private var directory = ""
  private var log: DecisionLog!
  private var engine: FakeEngine!
  private var service: DecisionService<FakeEngine>!
  private var server: HTTPServer!
  private var client: TestHTTPClient!

  override func setUpWithError() throws {
    directory = try temporaryDirectory("service")
    log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    engine = FakeEngine()
    service = DecisionService(engine: engine, log: log, configuration: .init(adminToken: "s3cret"))
    let service = self.service!
    server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, maxRequestBodyBytes: 4_096)) { request, responder in
      service.handle(request, responder: responder)
    }
    try server.start()
    client = TestHTTPClient(port: server.port)
  }

  override func tearDownWithError() throws {
    server.stop()
    log.close()
    try? FileManager.default.removeItem(atPath: directory)
  }

  func testDecisionIsAnsweredAndAlreadyInTheLog() throws {
    let response = try XCTUnwrap(client.request("POST", "/v1/decisions/limits?explain=true", body: Array(#"{"amount": 70}"#.utf8)))
    XCTAssertEqual(response.status, 200)
    let id = String(response.body.dropFirst(7).prefix(26))
    XCTAssertEqual(response.body, #"{"id":"\#(id)","policy":"limits","version":"v1","decision":"approved","explain":true}"#)
    let record = try XCTUnwrap(DecisionLogReader(path: log.configuration.path).decision(id: id))
    XCTAssertEqual(record.policy, "limits")
    XCTAssertEqual(record.version, "v1")
    XCTAssertEqual(record.inputJSON, #"{"amount": 70}"#)
    XCTAssertEqual(record.resultJSON, response.body)
    XCTAssertEqual(record.latencyMicros, 3)
  }

  func testBlockingHandlerAnswersAndLogsTheSame() throws {
    let service = self.service!
    let blocking = HTTPServer(configuration: HTTPServer.Configuration(port: 0)) { service.handle($0) }
    try blocking.start()
    defer { blocking.stop() }
    let response = try XCTUnwrap(TestHTTPClient(port: blocking.port).request("POST", "/v1/decisions/limits", body: Array(#"{"amount": 700}"#.utf8)))
    XCTAssertEqual(response.status, 200)
    let id = String(response.body.dropFirst(7).prefix(26))
    XCTAssertEqual(try log.reader.decision(id: id)?.resultJSON, response.body)
    XCTAssertEqual(client.request("POST", "/v1/decisions/nope", body: Array("{}".utf8))?.status, 404)
  }

  func testFiftyConcurrentDecisionsAreAllLogged() throws {
    let port = server.port
    let ids = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 50) { index in
      guard let response = TestHTTPClient(port: port).request("POST", "/v1/decisions/limits", body: Array("{\"amount\": \(index)}".utf8)),
            response.status == 200 else { return }
      ids.withLock { $0.append(String(response.body.dropFirst(7).prefix(26))) }
    }
    let answered = ids.withLock { $0 }
    XCTAssertEqual(answered.count, 50)
    XCTAssertEqual(Set(answered).count, 50)
    for id in answered { XCTAssertNotNil(try log.reader.decision(id: id), id) }
  }

  func testErrorsHaveTheOneShape() throws {
    let cases: [(String, String, [UInt8], [String: String], Int, String)] = [
      ("POST", "/v1/decisions/nope", Array("{}".utf8), [:], 404, #"{"code":"unknown_policy","message":"no policy named 'nope'","errors":[]}"#),
      ("GET", "/v2/x", [], [:], 404, #"{"code":"not_found","message":"no resource at '/v2/x'","errors":[]}"#),
      ("GET", "/v1/decisions/limits", [], [:], 405, #"{"code":"method_not_allowed","message":"method 'GET' is not allowed on '/v1/decisions/limits'","errors":[]}"#),
      ("POST", "/v1/decisions/limits", Array("{\"amount\": 7,}".utf8), [:], 400,
       #"{"code":"malformed_json","message":"request body is not valid JSON","errors":[{"code":"json_syntax_error","location":{"line":1,"column":14},"message":"expected '\"' to start an object key, found '}'"}]}"#),
      ("POST", "/v1/decisions/limits", Array("{\"amount\": \"x\"}".utf8), [:], 422,
       #"{"code":"invalid_input","message":"input does not match the policy's schema","errors":[{"code":"input_type_mismatch","location":{"path":"amount"},"message":"field 'amount' must be int, found string"}]}"#),
      ("POST", "/v1/decisions/limits", [UInt8](repeating: 0x20, count: 5_000), [:], 413,
       #"{"code":"payload_too_large","message":"request body is over the limit of 4096 bytes","errors":[]}"#),
      ("POST", "/v1/reload", [], [:], 401, #"{"code":"unauthorized","message":"bearer token required","errors":[]}"#),
      ("POST", "/v1/reload", [], ["Authorization": "Bearer wrong"], 401, #"{"code":"unauthorized","message":"bearer token not recognized","errors":[]}"#),
      ("POST", "/v1/decisions/limits", Array(#"{"amount": 1}"#.utf8), ["Content-Type": "text/plain"], 415,
       #"{"code":"unsupported_media_type","message":"Content-Type 'text/plain' is not accepted; send application/json","errors":[]}"#),
    ]
    for (method, path, body, headers, status, json) in cases {
      let response = try XCTUnwrap(client.request(method, path, body: body, headers: headers), "\(method) \(path)")
      XCTAssertEqual(response.status, status, "\(method) \(path)")
      XCTAssertEqual(response.body, json, "\(method) \(path)")
      XCTAssertEqual(response.headers["content-type"], "application/json")
    }
    XCTAssertEqual(engine.reloads.load(ordering: .relaxed), 0)
    XCTAssertEqual(try log.reader.count(), 0, "refused requests are not logged")
  }

  func testReloadWithTheAdminTokenReportsEachPolicy() throws {
    let response = try XCTUnwrap(client.request("POST", "/v1/reload", headers: ["Authorization": "Bearer s3cret"]))
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.body, #"{"reloaded":[{"policy":"limits","status":"ok","version":"v2"},{"policy":"broken","status":"failed","error":{"code":"invalid_policy","message":"policy 'broken' was not loaded","errors":[]}}]}"#)
    XCTAssertEqual(engine.reloads.load(ordering: .relaxed), 1)
    let metrics = try XCTUnwrap(client.request("GET", "/metrics")).body
    XCTAssertTrue(metrics.contains("proviso_reloads_total{policy=\"broken\",result=\"failed\"} 1\n"))
    XCTAssertTrue(metrics.contains("proviso_reloads_total{policy=\"limits\",result=\"ok\"} 1\n"))
  }

  func testPoliciesHealthAndReadiness() throws {
    XCTAssertEqual(client.request("GET", "/v1/policies")?.body,
                   #"{"policies":[{"id":"limits","version":"v1","loaded_at":"1970-01-01T00:00:00.000000Z","source_file":"limits.yaml","last_reload_error":{"code":"invalid_policy","message":"policy 'limits' was not loaded","errors":[{"code":"yaml_syntax_error","location":{"file":"limits.yaml","line":3,"column":1},"message":"did not find expected key"}]}}]}"#)
    XCTAssertEqual(client.request("GET", "/v1/policies/limits")?.body,
                   #"{"id":"limits","version":"v1","loaded_at":"1970-01-01T00:00:00.000000Z","source_file":"limits.yaml","last_reload_error":null,"source":"policy: limits\n"}"#)
    XCTAssertEqual(client.request("GET", "/v1/policies/other")?.status, 404)
    XCTAssertEqual(client.request("GET", "/health")?.body, #"{"status":"ok"}"#)
    XCTAssertEqual(client.request("GET", "/ready")?.body, #"{"status":"ready"}"#)
    engine.ready.store(false, ordering: .relaxed)
    let notReady = try XCTUnwrap(client.request("GET", "/ready"))
    XCTAssertEqual(notReady.status, 503)
    XCTAssertEqual(notReady.headers["retry-after"], "1")
  }

  func testMetricsCountRequestsDecisionsAndLatency() throws {
    for amount in [10, 20, 500] {
      XCTAssertEqual(client.request("POST", "/v1/decisions/limits", body: Array("{\"amount\": \(amount)}".utf8))?.status, 200)
    }
    XCTAssertEqual(client.request("POST", "/v1/decisions/unknown-\(UInt32.random(in: 0...9999))", body: Array("{}".utf8))?.status, 404)
    let response = try XCTUnwrap(client.request("GET", "/metrics"))
    XCTAssertEqual(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
    for line in ["proviso_http_requests_total{endpoint=\"decide\",policy=\"limits\",status=\"200\"} 3",
                 "proviso_http_requests_total{endpoint=\"decide\",policy=\"\",status=\"404\"} 1",
                 "proviso_decisions_total{policy=\"limits\",outcome=\"approved\"} 2",
                 "proviso_decisions_total{policy=\"limits\",outcome=\"declined\"} 1",
                 "proviso_decision_duration_seconds_bucket{policy=\"limits\",le=\"+Inf\"} 3",
                 "proviso_decision_duration_seconds_count{policy=\"limits\"} 3",
                 "proviso_decision_log_queue_depth 0",
                 "proviso_decision_log_write_errors_total 0"] {
      XCTAssertTrue(response.body.contains(line + "\n"), line)
    }
  }

  func testDecisionIsRefusedWhenTheLogCannotRecordIt() throws {
    log.close()
    let response = try XCTUnwrap(client.request("POST", "/v1/decisions/limits", body: Array(#"{"amount": 1}"#.utf8)))
    XCTAssertEqual(response.status, 503)
    XCTAssertEqual(response.body, #"{"code":"unavailable","message":"decision not recorded: decision log is closed","errors":[]}"#)
    XCTAssertTrue(try XCTUnwrap(client.request("GET", "/metrics")).body.contains("proviso_decision_log_write_errors_total 1\n"))
  }
}
