import Foundation
import XCTest
@testable import PolicyServer

/// The real engine over a policy folder: test-gated reload, start-up recovery from the decision
/// log, deletion, input validation; and one decision end to end over HTTP.
final class PolicyEngineTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-engine-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  /// A policy `limits` that approves amounts up to `limit`; its one test expects `tested` to be approved.
  static func limits(_ limit: Int, tested: Int = 50) -> String {
    """
    policy: limits
    inputs:
      loan: {amount: int, applicant: string}
    checks:
      - id: max-amount
        require: loan.amount <= \(limit)
        reason: The amount ${loan.amount} is over \(limit).
    outputs:
      limit: \(limit)
    tests:
      - name: a small loan is approved
        input: {loan: {amount: \(tested), applicant: A-1}}
        expect: {decision: approved}
    """
  }

  /// Writes `text` as `name` in the policy folder.
  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
  }

  /// The SHA-256 of `text` in lowercase hex, computed by `sha256sum` (independent of the engine's hashing).
  static func sha256(_ text: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
  }

  static func request(_ policy: String, _ json: String, explain: Bool = false) -> DecisionRequest {
    DecisionRequest(id: "01TESTDECISION000000000000", policy: policy, input: Array(json.utf8), receivedAt: 0, explain: explain)
  }

  /// The decision's version and body, or a failure naming what came back instead.
  func decided(_ engine: PolicyEngine, _ json: String, policy: String = "limits",
               file: StaticString = #filePath, line: UInt = #line) -> (version: String, outcome: String, body: [String: Any])? {
    switch engine.decide(Self.request(policy, json)) {
    case .decided(let d):
      let object = (try? JSONSerialization.jsonObject(with: Data(d.body))) as? [String: Any]
      XCTAssertNotNil(object, "the body is a JSON object: \(String(decoding: d.body, as: UTF8.self))", file: file, line: line)
      return (d.version, d.outcome, object ?? [:])
    case .unknownPolicy:
      XCTFail("unknown policy", file: file, line: line)
    case .rejected(let e):
      XCTFail("rejected: \(String(decoding: e.json, as: UTF8.self))", file: file, line: line)
    }
    return nil
  }

  func isUnknown(_ engine: PolicyEngine, policy: String = "limits") -> Bool {
    if case .unknownPolicy = engine.decide(Self.request(policy, #"{"loan": {"amount": 1, "applicant": "A"}}"#)) { return true }
    return false
  }

  // MARK: - Loading

  func testLoadsTheFolderAndDecides() throws {
    let text = Self.limits(100)
    try write("limits.yaml", text)
    try write("notes.txt", "not a policy")
    let engine = PolicyEngine(directory: directory, log: nil)
    XCTAssertFalse(engine.isReady)
    XCTAssertTrue(isUnknown(engine), "nothing serves before the first reload")

    let results = engine.reload()
    XCTAssertTrue(engine.isReady)
    let version = try Self.sha256(text)
    XCTAssertEqual(results.map(\.policy), ["limits"])
    XCTAssertEqual(results.map(\.version), [version])
    XCTAssertEqual(results.map { $0.error == nil }, [true])

    let approved = try XCTUnwrap(decided(engine, #"{"loan": {"amount": 100, "applicant": "A-7"}}"#))
    XCTAssertEqual(approved.version, version)
    XCTAssertEqual(approved.outcome, "approved")
    XCTAssertEqual(approved.body["id"] as? String, "01TESTDECISION000000000000")
    XCTAssertEqual(approved.body["policy"] as? String, "limits")
    XCTAssertEqual(approved.body["version"] as? String, version)
    XCTAssertEqual(approved.body["decision"] as? String, "approved")
    XCTAssertEqual((approved.body["outputs"] as? [String: Any])?["limit"] as? Int, 100)

    let declined = try XCTUnwrap(decided(engine, #"{"loan": {"amount": 101, "applicant": "A-7"}}"#))
    XCTAssertEqual(declined.outcome, "declined")
    let reasons = try XCTUnwrap(declined.body["reasons"] as? [[String: Any]])
    XCTAssertEqual(reasons.first?["check"] as? String, "max-amount")
    XCTAssertEqual(reasons.first?["reason"] as? String, "The amount 101 is over 100.")

    let statuses = engine.policies()
    XCTAssertEqual(statuses.map(\.id), ["limits"])
    XCTAssertEqual(statuses.first?.version, version)
    XCTAssertEqual(statuses.first?.sourceFile, "limits.yaml")
    XCTAssertNil(statuses.first?.lastReloadError)
    XCTAssertGreaterThan(statuses.first?.loadedAt ?? 0, 1_700_000_000_000_000, "microseconds since 1970")

    let detail = try XCTUnwrap(engine.policyDetail(id: "limits"))
    XCTAssertEqual(detail.source, text)
    XCTAssertEqual(detail.status.version, version)
    XCTAssertNil(engine.policyDetail(id: "nope"))
    XCTAssertTrue(isUnknown(engine, policy: "nope"))
  }

  func testReloadOfAnUnchangedFileKeepsTheLoadTime() throws {
    try write("limits.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    let first = try XCTUnwrap(engine.policies().first)
    // Rewriting the same bytes changes the file's time stamps but not its content: nothing reloads.
    try write("limits.yaml", Self.limits(100))
    let again = engine.reload()
    XCTAssertEqual(again.map(\.policy), [], "an unchanged file is not reloaded")
    XCTAssertEqual(engine.policies().first?.version, first.version)
    XCTAssertEqual(engine.policies().first?.loadedAt, first.loadedAt)
  }

  func testExplainInTheRequestAddsTheTrace() throws {
    try write("limits.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    guard case .decided(let plain) = engine.decide(Self.request("limits", #"{"loan": {"amount": 5, "applicant": "A"}}"#)),
          case .decided(let explained) = engine.decide(Self.request("limits", #"{"loan": {"amount": 5, "applicant": "A"}}"#, explain: true)) else {
      return XCTFail("not decided")
    }
    XCTAssertFalse(String(decoding: plain.body, as: UTF8.self).contains("\"trace\""))
    XCTAssertTrue(String(decoding: explained.body, as: UTF8.self).contains("\"trace\""))
  }

  // MARK: - Input validation

  func testSchemaViolationsAreRejectedWithFieldPaths() throws {
    try write("limits.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    guard case .rejected(let wrongType) = engine.decide(Self.request("limits", #"{"loan": {"amount": "ten", "applicant": "A"}}"#)) else {
      return XCTFail("a string amount must be rejected")
    }
    XCTAssertEqual(wrongType.status, 422)
    XCTAssertEqual(wrongType.code, "invalid_input")
    XCTAssertEqual(wrongType.errors.map { $0.location?.path }, ["loan.amount"])
    XCTAssertEqual(wrongType.errors.map(\.code), ["input_type_mismatch"])

    guard case .rejected(let missing) = engine.decide(Self.request("limits", #"{"loan": {"amount": 10}}"#)) else {
      return XCTFail("a missing field must be rejected")
    }
    XCTAssertEqual(missing.status, 422)
    XCTAssertEqual(missing.errors.map { $0.location?.path }, ["loan.applicant"])

    guard case .rejected(let several) = engine.decide(Self.request("limits", #"{"loan": {"amount": 1.5, "applicant": 7}}"#)) else {
      return XCTFail("two wrong fields must be rejected")
    }
    XCTAssertEqual(Set(several.errors.compactMap { $0.location?.path }), ["loan.amount", "loan.applicant"])
  }

  // MARK: - Reload gated by the policy's own tests

  func testChangedFileThatFailsItsTestsDoesNotActivate() throws {
    let good = Self.limits(100)
    try write("limits.yaml", good)
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    let version = try Self.sha256(good)

    // The new limit of 10 fails the policy's own test (50 must be approved).
    try write("limits.yaml", Self.limits(10))
    let results = engine.reload()
    XCTAssertEqual(results.map(\.policy), ["limits"])
    XCTAssertEqual(results.map(\.version), [nil])
    let error = try XCTUnwrap(results.first?.error)
    XCTAssertEqual(error.code, "invalid_policy")
    XCTAssertEqual(error.message, "policy 'limits' was not loaded")
    XCTAssertEqual(error.errors.map(\.code), ["policy_test_failed"])
    XCTAssertEqual(error.errors.first?.location?.file, "limits.yaml")
    XCTAssertTrue(error.errors.first?.message.hasPrefix("test 'a small loan is approved' failed: ") == true, error.errors.first?.message ?? "")

    let serving = try XCTUnwrap(decided(engine, #"{"loan": {"amount": 50, "applicant": "A"}}"#))
    XCTAssertEqual(serving.version, version, "the previous version keeps serving")
    XCTAssertEqual(serving.outcome, "approved")
    let status = try XCTUnwrap(engine.policies().first)
    XCTAssertEqual(status.version, version)
    XCTAssertEqual(status.lastReloadError, error)
    XCTAssertEqual(engine.policyDetail(id: "limits")?.source, good, "the detail shows the serving source")

    // A fixed file activates and clears the error.
    let fixed = Self.limits(200, tested: 150)
    try write("limits.yaml", fixed)
    XCTAssertEqual(engine.reload().map(\.version), [try Self.sha256(fixed)])
    XCTAssertNil(engine.policies().first?.lastReloadError)
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 150, "applicant": "A"}}"#)?.outcome, "approved")
  }

  func testChangedFileThatDoesNotCompileDoesNotActivate() throws {
    let good = Self.limits(100)
    try write("limits.yaml", good)
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    try write("limits.yaml", good.replacingOccurrences(of: "require: loan.amount <= 100", with: "require: loan.amont <= 100"))
    let error = try XCTUnwrap(engine.reload().first?.error)
    XCTAssertEqual(error.code, "invalid_policy")
    XCTAssertEqual(error.errors.map(\.code), ["expr_check_error"])
    XCTAssertEqual(error.errors.first?.location, WireLocation(file: "limits.yaml", line: 6, column: 14))
    XCTAssertEqual(error.errors.first?.message, "undefined field 'amont' of 'loan' (did you mean 'amount'?)")
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 100, "applicant": "A"}}"#)?.version, try Self.sha256(good))
    XCTAssertEqual(engine.policies().first?.lastReloadError, error)
  }

  // MARK: - Start-up with a broken file

  func testBrokenFileWithoutALogIsAbsentAndReported() throws {
    try write("limits.yaml", "policy: limits\nchecks: [\n")
    let engine = PolicyEngine(directory: directory, log: nil)
    let results = engine.reload()
    XCTAssertTrue(engine.isReady, "a broken file does not block start-up")
    XCTAssertEqual(results.map(\.policy), ["limits"])
    XCTAssertNotNil(results.first?.error)
    XCTAssertTrue(isUnknown(engine))
    XCTAssertNil(engine.policyDetail(id: "limits"))
    let status = try XCTUnwrap(engine.policies().first)
    XCTAssertEqual(status.id, "limits")
    XCTAssertEqual(status.version, "")
    XCTAssertEqual(status.sourceFile, "limits.yaml")
    XCTAssertEqual(status.lastReloadError?.code, "invalid_policy")
    XCTAssertEqual(status.lastReloadError?.errors.first?.location?.file, "limits.yaml")
  }

  func testFileFailingItsTestsAtStartUpWithoutALogIsAbsent() throws {
    try write("limits.yaml", Self.limits(10))
    let engine = PolicyEngine(directory: directory, log: nil)
    XCTAssertEqual(engine.reload().first?.error?.errors.map(\.code), ["policy_test_failed"])
    XCTAssertTrue(isUnknown(engine))
    XCTAssertEqual(engine.policies().map(\.id), ["limits"])
  }

  func testBrokenFileAtStartUpServesTheLoggedVersion() throws {
    let logPath = directory + "/decisions.sqlite"
    let policies = directory + "/policies"
    try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
    let good = Self.limits(100)
    try Data(good.utf8).write(to: URL(fileURLWithPath: policies + "/limits.yaml"))

    // A first run loads the good version, which the log records.
    let firstLog = try DecisionLog(configuration: DecisionLog.Configuration(path: logPath))
    XCTAssertNil(PolicyEngine(directory: policies, log: firstLog).reload().first?.error)
    firstLog.close()
    XCTAssertEqual(try DecisionLogReader(path: logPath).latestPolicyVersion(policy: "limits")?.source, good)

    // The file is broken while the service is down; the restart serves the logged version.
    try Data("policy: limits\nchecks: [\n".utf8).write(to: URL(fileURLWithPath: policies + "/limits.yaml"))
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: logPath))
    defer { log.close() }
    let engine = PolicyEngine(directory: policies, log: log)
    let results = engine.reload()
    XCTAssertNotNil(results.first?.error)
    let serving = try XCTUnwrap(decided(engine, #"{"loan": {"amount": 100, "applicant": "A"}}"#))
    XCTAssertEqual(serving.version, try Self.sha256(good))
    XCTAssertEqual(serving.outcome, "approved")
    let status = try XCTUnwrap(engine.policies().first)
    XCTAssertEqual(status.version, try Self.sha256(good))
    XCTAssertEqual(status.lastReloadError, results.first?.error)
    XCTAssertEqual(engine.policyDetail(id: "limits")?.source, good)
  }

  func testBrokenFileAtStartUpWithAnEmptyLogIsAbsent() throws {
    try write("limits.yaml", "policy: limits\nchecks: [\n")
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    defer { log.close() }
    let engine = PolicyEngine(directory: directory, log: log)
    XCTAssertNotNil(engine.reload().first?.error)
    XCTAssertTrue(isUnknown(engine))
  }

  func testBrokenFileFixedLaterActivatesAndClearsTheError() throws {
    try write("limits.yaml", "policy: limits\nchecks: [\n")
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    XCTAssertTrue(isUnknown(engine))
    let good = Self.limits(100)
    try write("limits.yaml", good)
    XCTAssertEqual(engine.reload().map(\.version), [try Self.sha256(good)])
    XCTAssertEqual(engine.policies().map(\.version), [try Self.sha256(good)])
    XCTAssertNil(engine.policies().first?.lastReloadError)
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 1, "applicant": "A"}}"#)?.outcome, "approved")
  }

  func testFileAddedWhileRunningIsLoaded() throws {
    try write("limits.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    XCTAssertTrue(isUnknown(engine, policy: "other"))
    try write("other.yaml", Self.limits(5, tested: 5).replacingOccurrences(of: "policy: limits", with: "policy: other"))
    XCTAssertEqual(engine.reload().map(\.policy), ["other"], "only the new file is loaded")
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 6, "applicant": "A"}}"#, policy: "other")?.outcome, "declined")
  }

  func testChangedModelFileMakesANewVersion() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let small = repository.appendingPathComponent("examples/models/merchant-risk-small.json")
    let other = repository.appendingPathComponent("Tests/PolicyForestTests/Fixtures/sklearn_binary/model.json")
    let model = URL(fileURLWithPath: directory).appendingPathComponent("model.json")
    try FileManager.default.copyItem(at: small, to: model)
    let text = """
      policy: scored
      inputs:
        m: {transaction_amount: double, transaction_count: int, avg_rating: double, inventory_turnover: double, monthly_growth: double}
      models:
        risk: model.json
      outputs:
        p: >-
          forest.probability("risk", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
            "avg_rating": m.avg_rating, "inventory_turnover": m.inventory_turnover, "monthly_growth": m.monthly_growth})
      """
    try write("scored.yaml", text)
    let engine = PolicyEngine(directory: directory, log: nil)
    let first = try XCTUnwrap(engine.reload().first?.version)
    XCTAssertNotEqual(first, try Self.sha256(text), "the version covers the model too")
    let input = #"{"m": {"transaction_amount": 12500.5, "transaction_count": 37, "avg_rating": 4.2, "inventory_turnover": 5.5, "monthly_growth": 0.03}}"#
    let before = try XCTUnwrap(decided(engine, input, policy: "scored"))
    XCTAssertEqual(before.version, first)
    let models = try XCTUnwrap(before.body["models"] as? [String: Any])
    XCTAssertEqual(Array(models.keys), ["risk"])

    try FileManager.default.removeItem(at: model)
    try FileManager.default.copyItem(at: other, to: model)
    let second = try XCTUnwrap(engine.reload().first?.version)
    XCTAssertNotEqual(second, first, "the same YAML with another model is another version")
    XCTAssertEqual(decided(engine, input, policy: "scored")?.version, second)
  }

  // MARK: - Deleting

  func testDeletedFileTakesItsPolicyOut() throws {
    try write("limits.yaml", Self.limits(100))
    try write("other.yaml", Self.limits(5, tested: 5).replacingOccurrences(of: "policy: limits", with: "policy: other"))
    let engine = PolicyEngine(directory: directory, log: nil)
    XCTAssertEqual(engine.reload().map(\.policy).sorted(), ["limits", "other"])
    XCTAssertEqual(engine.policies().map(\.id), ["limits", "other"])
    try FileManager.default.removeItem(atPath: directory + "/limits.yaml")
    _ = engine.reload()
    XCTAssertTrue(isUnknown(engine))
    XCTAssertNil(engine.policyDetail(id: "limits"))
    XCTAssertEqual(engine.policies().map(\.id), ["other"])
    XCTAssertFalse(isUnknown(engine, policy: "other"))
  }

  func testRecoveredPolicyLeavesWithItsFile() throws {
    let logPath = directory + "/decisions.sqlite"
    let policies = directory + "/policies"
    try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
    try Data(Self.limits(100).utf8).write(to: URL(fileURLWithPath: policies + "/limits.yaml"))
    let firstLog = try DecisionLog(configuration: DecisionLog.Configuration(path: logPath))
    _ = PolicyEngine(directory: policies, log: firstLog).reload()
    firstLog.close()
    try Data("policy: limits\nchecks: [\n".utf8).write(to: URL(fileURLWithPath: policies + "/limits.yaml"))
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: logPath))
    defer { log.close() }
    let engine = PolicyEngine(directory: policies, log: log)
    _ = engine.reload()
    XCTAssertFalse(isUnknown(engine), "the logged version serves")
    try FileManager.default.removeItem(atPath: policies + "/limits.yaml")
    _ = engine.reload()
    XCTAssertTrue(isUnknown(engine))
    XCTAssertEqual(engine.policies().map(\.id), [])
  }

  func testErrorOfADeletedBrokenFileIsCleared() throws {
    try write("limits.yaml", "policy: limits\nchecks: [\n")
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    XCTAssertEqual(engine.policies().map(\.id), ["limits"])
    try FileManager.default.removeItem(atPath: directory + "/limits.yaml")
    _ = engine.reload()
    XCTAssertEqual(engine.policies().map(\.id), [])
  }

  func testChangedPolicyIDRetiresTheOldOne() throws {
    try write("limits.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    try write("limits.yaml", Self.limits(100).replacingOccurrences(of: "policy: limits", with: "policy: limits2"))
    _ = engine.reload()
    XCTAssertTrue(isUnknown(engine))
    XCTAssertFalse(isUnknown(engine, policy: "limits2"))
    XCTAssertEqual(engine.policies().map(\.id), ["limits2"])
  }

  func testTwoFilesCannotDefineOnePolicy() throws {
    try write("a.yaml", Self.limits(100))
    try write("b.yaml", Self.limits(7, tested: 7))
    let engine = PolicyEngine(directory: directory, log: nil)
    let results = engine.reload()
    // Which file is meant is unknown, so neither serves; each file's error names the other.
    XCTAssertEqual(results.map(\.policy), ["limits", "limits"])
    XCTAssertEqual(results.compactMap { $0.error?.errors.first?.message }, [
      "policy id 'limits' is also defined by 'b.yaml' (each policy id is defined by one file of the folder)",
      "policy id 'limits' is also defined by 'a.yaml' (each policy id is defined by one file of the folder)",
    ])
    XCTAssertEqual(results.compactMap { $0.error?.errors.first?.location }, [
      WireLocation(file: "a.yaml", line: 1, column: 9), WireLocation(file: "b.yaml", line: 1, column: 9),
    ])
    XCTAssertTrue(isUnknown(engine))
    // Removing the copy lets the other file serve.
    try FileManager.default.removeItem(atPath: directory + "/b.yaml")
    XCTAssertEqual(engine.reload().map(\.version), [try Self.sha256(Self.limits(100))])
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 50, "applicant": "A"}}"#)?.version, try Self.sha256(Self.limits(100)))
  }

  func testACopyAddedWhileServingLeavesTheServingVersionWithAnError() throws {
    try write("a.yaml", Self.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    try write("b.yaml", Self.limits(7, tested: 7))
    XCTAssertEqual(engine.reload().compactMap { $0.error?.errors.first?.code }, ["policy_duplicate_id", "policy_duplicate_id"])
    XCTAssertEqual(decided(engine, #"{"loan": {"amount": 50, "applicant": "A"}}"#)?.version, try Self.sha256(Self.limits(100)),
                   "the serving version keeps serving")
    XCTAssertEqual(engine.policies().first?.lastReloadError?.errors.first?.code, "policy_duplicate_id")
    try FileManager.default.removeItem(atPath: directory + "/b.yaml")
    _ = engine.reload()
    XCTAssertNil(engine.policies().first?.lastReloadError, "the error clears with the copy")
  }

  // MARK: - End to end

  func testReceivableDecisionOverHTTP() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let source = try String(contentsOf: root.appendingPathComponent("policies/receivable-financing.yaml"), encoding: .utf8)
    try write("receivable-financing.yaml", source)
    let examples = try String(contentsOf: root.appendingPathComponent("examples/receivables.jsonl"), encoding: .utf8)
    let firstLine = try XCTUnwrap(examples.split(separator: "\n").first.map(String.init))

    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    defer { log.close() }
    let engine = PolicyEngine(directory: directory, log: log)
    XCTAssertNil(engine.reload().first?.error)
    let service = DecisionService(engine: engine, log: log)
    let server = HTTPServer(configuration: HTTPServer.Configuration(bindAddress: "127.0.0.1", port: 0)) { request, responder in
      service.handle(request, responder: responder)
    }
    try server.start()
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)

    let response = try XCTUnwrap(client.request("POST", "/v1/decisions/receivable-financing", body: Array(firstLine.utf8)))
    XCTAssertEqual(response.status, 200, response.body)
    XCTAssertEqual(response.headers["content-type"], "application/json")
    let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    let version = try Self.sha256(source)
    XCTAssertEqual(body["policy"] as? String, "receivable-financing")
    XCTAssertEqual(body["decision"] as? String, "approved")
    XCTAssertEqual(body["version"] as? String, version)
    let outputs = try XCTUnwrap(body["outputs"] as? [String: Any])
    XCTAssertEqual(outputs["advance"] as? String, "291600.00")
    let id = try XCTUnwrap(body["id"] as? String)
    XCTAssertEqual(id.count, 26)
    XCTAssertEqual(try DecisionLogReader(path: log.configuration.path).decision(id: id)?.version, version, "the decision is logged")

    let listed = try XCTUnwrap(client.request("GET", "/v1/policies"))
    XCTAssertEqual(listed.status, 200)
    XCTAssertTrue(listed.body.contains(#""version":"\#(version)""#), listed.body)

    let invalid = try XCTUnwrap(client.request("POST", "/v1/decisions/receivable-financing", body: Array(#"{"receivable": {}, "request": {}}"#.utf8)))
    XCTAssertEqual(invalid.status, 422)
    XCTAssertTrue(invalid.body.hasPrefix(#"{"code":"invalid_input","#), invalid.body)
    XCTAssertTrue(invalid.body.contains(#""path":"receivable.amount""#), invalid.body)
  }

  func testReloadOverHTTPIsGatedByThePolicysTests() throws {
    let good = Self.limits(100)
    try write("limits.yaml", good)
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    let service = DecisionService(engine: engine, log: nil, configuration: .init(adminToken: "s3cret"))
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0)) { request, responder in
      service.handle(request, responder: responder)
    }
    try server.start()
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let version = try Self.sha256(good)

    try write("limits.yaml", Self.limits(10))
    let reload = try XCTUnwrap(client.request("POST", "/v1/reload", headers: ["Authorization": "Bearer s3cret"]))
    XCTAssertEqual(reload.status, 200)
    XCTAssertTrue(reload.body.hasPrefix(#"{"reloaded":[{"policy":"limits","status":"failed","error":{"code":"invalid_policy","message":"policy 'limits' was not loaded","errors":[{"code":"policy_test_failed","location":{"file":"limits.yaml","line":"#),
                  reload.body)
    XCTAssertTrue(reload.body.contains(#""message":"test 'a small loan is approved' failed: "#), reload.body)

    let decision = try XCTUnwrap(client.request("POST", "/v1/decisions/limits", body: Array(#"{"loan": {"amount": 50, "applicant": "A"}}"#.utf8)))
    XCTAssertEqual(decision.status, 200)
    XCTAssertTrue(decision.body.contains(#""version":"\#(version)","decision":"approved""#), decision.body)

    let listed = try XCTUnwrap(client.request("GET", "/v1/policies"))
    XCTAssertTrue(listed.body.hasPrefix(#"{"policies":[{"id":"limits","version":"\#(version)","loaded_at":""#), listed.body)
    XCTAssertTrue(listed.body.contains(#""source_file":"limits.yaml","last_reload_error":{"code":"invalid_policy""#), listed.body)

    let shown = try XCTUnwrap(client.request("GET", "/v1/policies/limits"))
    XCTAssertEqual(shown.status, 200)
    XCTAssertTrue(shown.body.contains(#""source":"policy: limits\n"#), shown.body)

    let metrics = try XCTUnwrap(client.request("GET", "/metrics")).body
    XCTAssertTrue(metrics.contains("proviso_reloads_total{policy=\"limits\",result=\"failed\"} 1\n"), metrics)
  }
}
