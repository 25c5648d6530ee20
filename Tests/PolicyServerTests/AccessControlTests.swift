import Foundation
import PolicySource
import XCTest
@testable import PolicyServer

/// Named bearer tokens with scopes: who may decide (which policies), read, and reload, and that each
/// decision and reload names its token in the decision log.
final class AccessControlTests: XCTestCase {
  private static let tokens = [
    AccessToken(name: "teller", secretSHA256: AccessToken.hash(secret: "teller-secret"), scopes: [.decide], policies: ["limits"]),
    AccessToken(name: "auditor", secretSHA256: AccessToken.hash(secret: "auditor-secret"), scopes: [.read]),
    AccessToken(name: "ops", secretSHA256: AccessToken.hash(secret: "ops-secret"), scopes: [.admin, .read]),
  ]
  private var directory = ""
  private var log: DecisionLog!
  private var engine: FakeEngine!
  private var server: HTTPServer!
  private var client: TestHTTPClient!

  override func setUpWithError() throws {
    directory = try temporaryDirectory("access")
    log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    engine = FakeEngine()
    let service = DecisionService(engine: engine, log: log, configuration: .init(access: AccessControl(tokens: Self.tokens)))
    server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, onRefusal: { service.recordRefusal($0) })) { request, responder in
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

  private func call(_ method: String, _ path: String, secret: String?, body: String = "") throws -> TestResponse {
    try XCTUnwrap(client.request(method, path, body: Array(body.utf8), headers: secret.map { ["Authorization": "Bearer \($0)"] } ?? [:]))
  }

  func testEveryProtectedEndpointNeedsAToken() throws {
    for (method, path, body) in [("POST", "/v1/decisions/limits", #"{"amount": 1}"#), ("GET", "/v1/policies", ""),
                                 ("GET", "/v1/policies/limits", ""), ("GET", "/metrics", ""), ("POST", "/v1/reload", "")] {
      let missing = try call(method, path, secret: nil, body: body)
      XCTAssertEqual(missing.status, 401, path)
      XCTAssertEqual(missing.body, #"{"code":"unauthorized","message":"bearer token required","errors":[]}"#, path)
      XCTAssertEqual(missing.headers["www-authenticate"], "Bearer")
      let wrong = try call(method, path, secret: "teller-secret-but-longer", body: body)
      XCTAssertEqual(wrong.status, 401, path)
      XCTAssertEqual(wrong.body, #"{"code":"unauthorized","message":"bearer token not recognized","errors":[]}"#, path)
    }
    let basic = try XCTUnwrap(client.request("GET", "/v1/policies", headers: ["Authorization": "Basic dGVsbGVyOng="]))
    XCTAssertEqual(basic.status, 401)
    XCTAssertEqual(try call("GET", "/health", secret: nil).status, 200, "/health stays open")
    XCTAssertEqual(try call("GET", "/ready", secret: nil).status, 200, "/ready stays open")
    XCTAssertEqual(engine.reloads.load(ordering: .relaxed), 0)
    XCTAssertEqual(try log.reader.count(), 0)
  }

  func testScopesAndPolicyListsAreEnforcedWith403() throws {
    let readOnDecide = try call("POST", "/v1/decisions/limits", secret: "auditor-secret", body: #"{"amount": 1}"#)
    XCTAssertEqual(readOnDecide.status, 403)
    XCTAssertEqual(readOnDecide.body, #"{"code":"forbidden","message":"token 'auditor' does not grant the 'decide' scope","errors":[]}"#)
    let otherPolicy = try call("POST", "/v1/decisions/other", secret: "teller-secret", body: #"{"amount": 1}"#)
    XCTAssertEqual(otherPolicy.status, 403)
    XCTAssertEqual(otherPolicy.body, #"{"code":"forbidden","message":"token 'teller' does not grant decisions of policy 'other'","errors":[]}"#)
    XCTAssertEqual(try call("GET", "/v1/policies/limits", secret: "teller-secret").status, 403, "decide does not read sources")
    XCTAssertEqual(try call("POST", "/v1/reload", secret: "auditor-secret").status, 403)
    XCTAssertEqual(try call("GET", "/metrics", secret: "auditor-secret").status, 200)
    XCTAssertEqual(try call("GET", "/v1/policies", secret: "ops-secret").status, 200)
    XCTAssertEqual(engine.reloads.load(ordering: .relaxed), 0)
    let metrics = try call("GET", "/metrics", secret: "auditor-secret").body
    XCTAssertTrue(metrics.contains("proviso_http_refusals_total{reason=\"forbidden\"} 4\n"), metrics)
  }

  func testDecisionsAndReloadsRecordTheTokenName() throws {
    let decided = try call("POST", "/v1/decisions/limits", secret: "teller-secret", body: #"{"amount": 1}"#)
    XCTAssertEqual(decided.status, 200, decided.body)
    let records = try log.reader.decisions(matching: DecisionQuery())
    XCTAssertEqual(records.map(\.token), ["teller"])
    XCTAssertTrue(records[0].jsonLine.contains(#","token":"teller","input":"#), records[0].jsonLine)

    XCTAssertEqual(try call("POST", "/v1/reload", secret: "ops-secret").status, 200)
    let reloads = try log.reader.reloads()
    XCTAssertEqual(reloads.map(\.token), ["ops"])
    XCTAssertTrue(reloads[0].resultsJSON.hasPrefix(#"{"reloaded":[{"policy":"limits","status":"ok""#), reloads[0].resultsJSON)
    XCTAssertTrue(reloads[0].jsonLine.contains(#""token":"ops","result":{"reloaded":"#), reloads[0].jsonLine)
  }

  func testAuthorizeDirectly() {
    let access = AccessControl(tokens: Self.tokens)
    XCTAssertFalse(access.isOpen)
    XCTAssertEqual(access.authorize("Bearer teller-secret", scope: .decide, policy: "limits"), .allowed(token: "teller"))
    XCTAssertEqual(access.authorize("bearer   teller-secret", scope: .decide, policy: "limits"), .allowed(token: "teller"))
    XCTAssertEqual(access.authorize(nil, scope: nil), .allowed(token: nil))
    XCTAssertEqual(access.authorize("Bearer ", scope: .read), .refused(.unauthorized(presented: true)))
    XCTAssertEqual(access.authorize("Bearer ops-secret", scope: .decide, policy: "limits"),
                   .refused(.forbidden(token: "ops", needed: "the 'decide' scope")))
    let open = AccessControl()
    XCTAssertTrue(open.isOpen)
    XCTAssertEqual(open.authorize(nil, scope: .admin), .allowed(token: nil))
    let legacy = AccessControl.adminOnly(secret: "s3cret")
    XCTAssertTrue(legacy.isOpen, "decisions stay open, so loopback only")
    XCTAssertEqual(legacy.authorize(nil, scope: .decide), .allowed(token: nil))
    XCTAssertEqual(legacy.authorize(nil, scope: .admin), .refused(.unauthorized(presented: false)))
    XCTAssertEqual(legacy.authorize("Bearer s3cret", scope: .admin), .allowed(token: "admin"))
  }

  func testTokenFileInYAMLAndJSON() throws {
    let hash = AccessToken.hash(secret: "x")
    let yaml = """
      tokens:
        - name: teller
          sha256: \(hash.uppercased())
          scopes: [decide]
          policies: [receivable-financing]
        - name: ops
          sha256: \(AccessToken.hash(secret: "y"))
          scopes: [read, admin]
      """
    let (tokens, diagnostics) = TokenFile.load(SourceFile(path: "tokens.yaml", text: yaml))
    XCTAssertEqual(diagnostics, [])
    XCTAssertEqual(tokens, [AccessToken(name: "teller", secretSHA256: hash, scopes: [.decide], policies: ["receivable-financing"]),
                            AccessToken(name: "ops", secretSHA256: AccessToken.hash(secret: "y"), scopes: [.read, .admin])])
    let json = #"{"tokens": [{"name": "auditor", "sha256": "\#(hash)", "scopes": ["read"]}]}"#
    XCTAssertEqual(TokenFile.load(SourceFile(path: "tokens.json", text: json)).0.map(\.name), ["auditor"])
  }

  func testTokenFileErrorsAreLocated() throws {
    let text = """
      tokens:
        - name: teller
          sha256: abc
          scopes: [decide]
        - name: ops
          sha256: \(AccessToken.hash(secret: "y"))
          scopes: [root]
      """
    let (tokens, diagnostics) = TokenFile.load(SourceFile(path: "tokens.yaml", text: text))
    XCTAssertEqual(tokens, [], "a file with any error configures no token")
    XCTAssertEqual(diagnostics.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "?") \($0.code)" },
                   ["3:13 token_file_invalid", "7:14 token_file_invalid"])
    XCTAssertTrue(diagnostics[0].message.contains("64 hex digits"), diagnostics[0].message)
    XCTAssertEqual(diagnostics[1].message, "unknown scope 'root' of token 'ops'; expected decide, read or admin")
    XCTAssertEqual(TokenFile.load(SourceFile(path: "t.yaml", text: "tokens: []\n")).1.first?.message, "the 'tokens' list is empty")
    let hash = AccessToken.hash(secret: "x")
    let twice = "tokens:\n  - {name: a, sha256: \(hash), scopes: [read]}\n  - {name: a, sha256: \(hash), scopes: [read], secret: x}\n"
    XCTAssertEqual(TokenFile.load(SourceFile(path: "t.yaml", text: twice)).1.map(\.message),
                   ["unknown token field 'secret'; expected name, sha256, scopes or policies",
                    "token name 'a' is used twice", "token 'a' has the same sha256 as another token"])
    let policiesWithoutDecide = "tokens:\n  - {name: a, sha256: \(hash), scopes: [read], policies: [p]}\n"
    XCTAssertEqual(TokenFile.load(SourceFile(path: "t.yaml", text: policiesWithoutDecide)).1.map(\.message),
                   ["token 'a' lists policies but has no 'decide' scope"])
  }
}
