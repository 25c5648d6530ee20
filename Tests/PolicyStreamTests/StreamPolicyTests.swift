import Foundation
import PolicyExpr
import PolicyRules
import XCTest

@testable import PolicyStream

/// The bundled stream policy and the stream sections of the policy format.
final class StreamPolicyTests: XCTestCase {
  func testBundledPolicyPassesItsStreamTests() throws {
    let policy = try StreamFixtures.telemetry()
    let results = StreamTestRunner.run(policy)
    XCTAssertGreaterThanOrEqual(results.count, 8)
    for r in results { XCTAssertEqual(r.failures, [], "\(r.name) at \(r.location)") }
  }

  /// Every alert of the bundled policy has a test expecting it to fire and one expecting it to resolve.
  func testBundledTestsCoverEveryAlertFiringAndResolving() throws {
    let policy = try StreamFixtures.telemetry()
    XCTAssertEqual(policy.alerts.map(\.id), ["idle-over-24h", "outside-allowed-region", "fuel-per-hour-high", "moved-too-fast"])
    let expected = policy.spec.tests.flatMap { $0.steps.flatMap(\.expect) }
    for a in policy.alerts {
      XCTAssertTrue(expected.contains { $0.alert == a.id && $0.event == "firing" }, "\(a.id) firing")
      XCTAssertTrue(expected.contains { $0.alert == a.id && $0.event == "resolved" }, "\(a.id) resolved")
    }
    // Silence: a tick step expects the idle alert.
    XCTAssertTrue(policy.spec.tests.contains { t in
      t.steps.contains { s in if case .tick = s.action { return s.expect.contains { $0.alert == "idle-over-24h" } } else { return false } }
    })
  }

  func testRunnerReportsAWrongExpectation() throws {
    let source = try String(contentsOfFile: StreamFixtures.telemetryPolicyPath, encoding: .utf8)
    let broken = source.replacingOccurrences(of: #"at: "2026-01-02T00:01:00Z", message: "for 24 h""#, with: #"at: "2026-01-02T00:00:00Z""#)
    XCTAssertNotEqual(broken, source)
    let local = broken.replacingOccurrences(of: "data/devices.csv", with: "devices.csv")
      .replacingOccurrences(of: "regions/depot.geojson", with: "depot.geojson")
    let depot = try String(contentsOfFile: StreamFixtures.repositoryRoot.appendingPathComponent("policies/regions/depot.geojson").path, encoding: .utf8)
    let (loaded, diagnostics) = try StreamFixtures.load(local, files: ["devices.csv": "device_id,site\nEX-1001,north-yard\nEX-1003,depot\nCR-2001,north-yard\n",
                                                                      "depot.geojson": depot])
    XCTAssertEqual(diagnostics, "")
    let policy = try XCTUnwrap(StreamPolicy.make(try XCTUnwrap(loaded)).0)
    let failures = StreamTestRunner.run(policy).flatMap(\.failures)
    XCTAssertEqual(failures, [
      "step 3 (line 124): expected idle-over-24h firing for EX-1001 at 2026-01-02T00:00:00Z, got idle-over-24h firing for EX-1001 at 2026-01-02T00:01:00Z: "
        + "Machine EX-1001 has added no working hours for 24 h (last worked 2026-01-01T00:00:00Z).",
    ])
  }

  func testStreamOnlyKeysNeedAStreamSection() throws {
    let (compiled, text) = try StreamFixtures.load("""
      policy: p
      inputs:
        m: {x: int}
      alerts:
        - id: big
          when: m.x > 1
          for: 10m
          message: big
      tests:
        - name: steps
          steps:
            - tick: 0
      """)
    XCTAssertNil(compiled)
    XCTAssertTrue(text.contains("p.yaml:10:11: error[policy_invalid_value]: test 'steps' has steps, but the policy has no 'stream:' section"), text)
    XCTAssertTrue(text.contains("p.yaml:5:9: error[policy_invalid_value]: alert 'big' has 'for:', which needs a 'stream:' section"), text)
  }

  func testStreamSectionErrorsAreLocated() throws {
    let (compiled, text) = try StreamFixtures.load("""
      policy: p
      inputs:
        m: {id: string, t: int}
      stream:
        message: msg
        key: m.id
        time: timestamp(m.t)
        timer: {every: 1m, alerts: [nope]}
      """)
    XCTAssertNil(compiled)
    XCTAssertTrue(text.contains("p.yaml:5:12: error[policy_invalid_value]: stream message 'msg' is not an input"), text)
  }

  func testKeyMustBeAStringOverTheMessageAlone() throws {
    let (compiled, text) = try StreamFixtures.load("""
      policy: p
      inputs:
        m: {id: string, t: int}
      stream:
        message: m
        key: m.t
        time: timestamp(m.t)
      alerts:
        - {id: a, when: "previous.t > 0", message: a}
      """)
    XCTAssertEqual(text, "")
    let (policy, diagnostics) = StreamPolicy.make(try XCTUnwrap(compiled))
    XCTAssertNil(policy)
    XCTAssertEqual(diagnostics.map(\.message), ["stream key must be string, found 'int'"])
  }

  func testReferenceDataIsAConstantAndPartOfTheVersion() throws {
    let yaml = """
      policy: p
      inputs:
        r: {device: string}
      data:
        leases: {csv: leases.csv, key: device_id}
      outputs:
        site: "r.device in leases ? leases[r.device].site : 'none'"
      """
    let (a, textA) = try StreamFixtures.load(yaml, files: ["leases.csv": "device_id,site\nA,\"north, yard\"\nB,depot\n"])
    XCTAssertEqual(textA, "")
    let (b, _) = try StreamFixtures.load(yaml, files: ["leases.csv": "device_id,site\nA,harbour\nB,depot\n"])
    let pa = try XCTUnwrap(a), pb = try XCTUnwrap(b)
    XCTAssertNotEqual(pa.version, pb.version, "the data file is part of the version")
    guard case .success(let input) = pa.decodeInput(Array(#"{"r": {"device": "A"}}"#.utf8)) else { return XCTFail() }
    XCTAssertEqual(pa.decide(input).output("site")?.displayText, "north, yard")
    guard case .success(let other) = pa.decodeInput(Array(#"{"r": {"device": "Z"}}"#.utf8)) else { return XCTFail() }
    XCTAssertEqual(pa.decide(other).output("site")?.displayText, "none")
    let (c, textC) = try StreamFixtures.load(yaml, files: ["leases.csv": "id,site\nA,x\n"])
    XCTAssertNil(c)
    XCTAssertTrue(textC.contains("error[policy_file_error]: 'leases.csv' has no column 'device_id'; its columns are id, site"), textC)
    let (d, textD) = try StreamFixtures.load(yaml, files: ["leases.csv": "device_id,site\nA,x\nA,y\n"])
    XCTAssertNil(d)
    XCTAssertTrue(textD.contains("'leases.csv' has the same 'device_id' on two rows"), textD)
  }

  func testSingleRecordPolicyStillWorks() throws {
    let path = StreamFixtures.repositoryRoot.appendingPathComponent("policies/equipment-alerts.yaml").path
    let (compiled, diagnostics) = PolicyLoader.load(path: path)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "")
    let policy = try XCTUnwrap(compiled)
    XCTAssertNil(policy.policy.stream)
    XCTAssertNil(StreamPolicy.make(policy).0, "a single-record policy is not a stream policy")
  }
}
