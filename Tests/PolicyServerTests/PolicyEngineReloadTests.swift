import Foundation
import XCTest
@testable import PolicyServer

/// The engine's reload thread: loads and tests never run on a request's thread, a reload past its
/// time limit is abandoned while the old version serves, hostile files in the folder (a FIFO, a
/// huge file) never block, and only changed files reload.
final class PolicyEngineReloadTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-reload-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
  }

  /// A policy `id` whose check runs 100,000 comprehension steps, with `tests` tests that each evaluate it.
  static func slow(_ id: String, tests: Int) -> String {
    let digits = "[0,1,2,3,4,5,6,7,8,9]"
    let check = "\(digits).all(a, \(digits).all(b, \(digits).all(c, \(digits).all(d, \(digits).all(e, a + b + c + d + e <= loan.amount)))))"
    let cases = (0..<tests).map { "  - name: slow \($0)\n    input: {loan: {amount: 50, applicant: A}}\n    expect: {decision: approved}\n" }.joined()
    return """
      policy: \(id)
      inputs:
        loan: {amount: int, applicant: string}
      checks:
        - id: slow
          require: >-
            \(check)
          reason: too small
      tests:
      \(cases)
      """
  }

  static let input = #"{"loan": {"amount": 50, "applicant": "A"}}"#

  func outcome(_ engine: PolicyEngine, _ policy: String = "limits") -> String? {
    if case .decided(let d) = engine.decide(PolicyEngineTests.request(policy, Self.input)) { return d.version }
    return nil
  }

  /// Runs `work` on another thread; fails instead of hanging when it takes over `seconds`.
  func withTimeLimit<T: Sendable>(_ seconds: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                                  _ work: @escaping @Sendable () -> T) throws -> T {
    let result = Shared<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      let value = work()
      result.set(value)
      done.signal()
    }
    guard done.wait(timeout: .now() + seconds) == .success else {
      XCTFail("blocked for more than \(seconds) s", file: file, line: line)
      throw XCTSkip("blocked")
    }
    return try XCTUnwrap(result.get(), file: file, line: line)
  }

  // MARK: - Hostile files

  func testAFIFOAndAHugeFileInTheFolderNeverBlockTheReload() throws {
    try write("limits.yaml", PolicyEngineTests.limits(100))
    XCTAssertEqual(mkfifo(directory + "/pipe.yaml", 0o600), 0)
    XCTAssertEqual(mkfifo(directory + "/model.json", 0o600), 0)
    try write("scored.yaml", "policy: scored\ninputs:\n  m: {x: double}\nmodels:\n  risk: model.json\noutputs:\n  p: 1\n")
    XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/huge.yaml", contents: nil))
    XCTAssertEqual(truncate(directory + "/huge.yaml", 1 << 30), 0)
    let engine = PolicyEngine(directory: directory, log: nil)
    let results = try withTimeLimit { engine.reload() }
    let codes = Dictionary(uniqueKeysWithValues: results.map { ($0.policy, $0.error?.errors.map(\.code) ?? []) })
    XCTAssertEqual(codes, ["limits": [], "pipe": ["policy_file_not_regular"], "huge": ["policy_file_too_large"], "scored": ["policy_file_not_regular"]])
    XCTAssertEqual(results.first { $0.policy == "huge" }?.error?.errors.first?.message, "'huge.yaml' is 1073741824 bytes, over the limit of 4194304")
    XCTAssertNotNil(outcome(engine), "the good policy serves")
    // A second reload (every file read again) does not block either.
    XCTAssertEqual(try withTimeLimit { engine.reload() }.map(\.policy), [], "nothing changed")
  }

  // MARK: - Only changed files

  func testOnlyTheChangedFileIsReloaded() throws {
    try write("a.yaml", PolicyEngineTests.limits(100).replacingOccurrences(of: "policy: limits", with: "policy: a"))
    try write("b.yaml", PolicyEngineTests.limits(100).replacingOccurrences(of: "policy: limits", with: "policy: b"))
    let engine = PolicyEngine(directory: directory, log: nil)
    XCTAssertEqual(engine.reload().map(\.policy), ["a", "b"])
    let before = Dictionary(uniqueKeysWithValues: engine.policies().map { ($0.id, $0.loadedAt) })
    try write("b.yaml", PolicyEngineTests.limits(200).replacingOccurrences(of: "policy: limits", with: "policy: b"))
    XCTAssertEqual(engine.reload().map(\.policy), ["b"], "a.yaml did not change")
    let after = Dictionary(uniqueKeysWithValues: engine.policies().map { ($0.id, $0.loadedAt) })
    XCTAssertEqual(after["a"], before["a"])
    XCTAssertNotEqual(after["b"], before["b"])
  }

  func testAChangedRegionFileReloadsItsPolicy() throws {
    let square = { (size: Int) in #"{"type": "Polygon", "coordinates": [[[0, 0], [\#(size), 0], [\#(size), \#(size)], [0, \#(size)], [0, 0]]]}"# }
    try write("zone.geojson", square(1))
    try write("geo.yaml", "policy: geo\ninputs:\n  p: {lat: double, lon: double}\nregions:\n  zone: {geojson: zone.geojson}\noutputs:\n  inside: geo.inside(\"zone\", p.lat, p.lon)\n")
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    func inside() -> Bool? {
      guard case .decided(let d) = engine.decide(PolicyEngineTests.request("geo", #"{"p": {"lat": 2.5, "lon": 2.5}}"#)) else { return nil }
      return String(decoding: d.body, as: UTF8.self).contains(#""inside":true"#)
    }
    XCTAssertEqual(inside(), false)
    try write("zone.geojson", square(5))
    XCTAssertEqual(engine.reload().map(\.policy), ["geo"], "the policy's YAML is the same, its region file is not")
    XCTAssertEqual(inside(), true)
  }

  // MARK: - Time limit

  func testAReloadPastTheTimeLimitIsAbandonedAndTheOldVersionServes() throws {
    try write("limits.yaml", PolicyEngineTests.limits(100))
    let logged = Shared<[String]>([])
    let configuration = PolicyEngine.Configuration(reloadTimeLimitSeconds: 0.3, logLine: { logged.append($0) })
    let engine = PolicyEngine(directory: directory, log: nil, configuration: configuration)
    _ = engine.reload()
    let serving = try XCTUnwrap(outcome(engine))

    try write("limits.yaml", Self.slow("limits", tests: 40))
    let started = Date()
    let results = engine.reload()
    XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the reload gave up at its limit")
    XCTAssertEqual(results.map(\.policy), ["limits"])
    XCTAssertEqual(results.first?.error?.errors.map(\.code), ["policy_reload_timeout"])
    XCTAssertEqual(results.first?.error?.errors.first?.message,
                   "loading and testing 'limits.yaml' took longer than the reload limit of 0.3 s; abandoned")
    XCTAssertEqual(outcome(engine), serving, "the old version keeps serving")
    XCTAssertEqual(engine.policies().first?.lastReloadError?.errors.first?.code, "policy_reload_timeout", "/v1/policies shows it")
    XCTAssertEqual(logged.get(), ["reload limits.yaml: abandoned after 0.3 s (the reload time limit); the previous version keeps serving"])
    // The abandoned work stops at its next test instead of running all 40.
    let deadline = Date().addingTimeInterval(10)
    while engine.abandonedRunning.load(ordering: .relaxed) > 0 && Date() < deadline { usleep(20_000) }
    XCTAssertEqual(engine.abandonedRunning.load(ordering: .relaxed), 0)
  }

  // MARK: - Off the request path

  func testDecisionsStayFastWhileSlowReloadsRun() throws {
    try write("limits.yaml", PolicyEngineTests.limits(100))
    let engine = PolicyEngine(directory: directory, log: nil)
    _ = engine.reload()
    let service = DecisionService(engine: engine, log: nil, configuration: .init(adminToken: "s3cret"))
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, threads: 2)) { request, responder in
      service.handle(request, responder: responder)
    }
    try server.start()
    defer { server.stop() }

    // A second policy whose own tests take seconds; two reloads are asked for at once.
    try write("slow.yaml", Self.slow("slow", tests: 12))
    let reloads = DispatchGroup()
    let statuses = Shared<[Int]>([])
    let reloadStarted = Date()
    // The second request comes once the first is being handled, so each lands on its own worker thread.
    for index in 0..<2 {
      if index > 0 { usleep(300_000) }
      reloads.enter()
      Thread.detachNewThread {
        var client = TestHTTPClient(port: server.port)
        client.timeoutSeconds = 120
        statuses.append(client.request("POST", "/v1/reload", headers: ["Authorization": "Bearer s3cret"])?.status ?? 0)
        reloads.leave()
      }
    }
    usleep(100_000)
    var slowest = 0.0
    var decisions = 0
    let client = TestHTTPClient(port: server.port)
    while reloads.wait(timeout: .now()) == .timedOut {
      let started = Date()
      let response = client.request("POST", "/v1/decisions/limits", body: Array(Self.input.utf8))
      XCTAssertEqual(response?.status, 200)
      XCTAssertEqual(client.request("GET", "/health")?.status, 200)
      slowest = max(slowest, Date().timeIntervalSince(started))
      decisions += 1
    }
    let reloadSeconds = Date().timeIntervalSince(reloadStarted)
    XCTAssertEqual(statuses.get(), [200, 200])
    XCTAssertGreaterThan(reloadSeconds, 1, "the reload must be slow for the test to mean anything")
    XCTAssertGreaterThan(decisions, 3)
    XCTAssertLessThan(slowest, min(1, reloadSeconds / 3), "a decision and /health never wait for the reload (\(decisions) decisions, reload \(reloadSeconds) s)")
    XCTAssertNotNil(outcome(engine, "slow"), "the slow policy passed its tests and serves")
  }
}

/// A lock-protected value shared with other threads in a test.
final class Shared<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: T

  init(_ value: T) { self.value = value }

  func set(_ new: T) { lock.lock(); value = new; lock.unlock() }
  func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
  func append<U>(_ element: U) where T == [U] { lock.lock(); value.append(element); lock.unlock() }
}
