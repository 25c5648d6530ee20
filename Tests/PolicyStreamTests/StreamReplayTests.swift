import Foundation
import PolicyExpr
import PolicyRules
import XCTest

@testable import PolicyStream

/// Replay of the bundled stream in event time: ticks, silence, determinism.
final class StreamReplayTests: XCTestCase {
  func replay(_ policy: StreamPolicy, _ bytes: [UInt8], until: Timestamp?, tick: Int64 = 60, generalTicks: Bool = false)
    -> (lines: [String], rejected: [String], monitor: StreamMonitor)
  {
    let monitor = StreamMonitor(policy: policy, generalTicks: generalTicks)
    let replay = StreamReplay(monitor: monitor, tick: DurationValue(seconds: tick))
    var lines: [String] = [], rejected: [String] = []
    bytes.withUnsafeBytes { raw in
      replay.run(raw, until: until, emit: { lines.append($0.jsonLine) }, rejected: { rejected.append("\($0): \($1.logLine)") })
    }
    return (lines, rejected, monitor)
  }

  func testExampleStreamFiresAndResolvesEveryAlertDeterministically() throws {
    let policy = try StreamFixtures.telemetry()
    let bytes = Array(try Data(contentsOf: StreamFixtures.repositoryRoot.appendingPathComponent("examples/telemetry-stream.jsonl")))
    let until = try Timestamp(parsing: "2026-01-04T00:00:00Z")
    let first = replay(policy, bytes, until: until)
    let second = replay(policy, bytes, until: until)
    XCTAssertEqual(first.lines, second.lines, "the same file gives the same output")
    XCTAssertNotNil(policy.tickCompiled)
    XCTAssertEqual(policy.tickCompiled?.policy.alerts.map(\.id), ["idle-over-24h"])
    let general = replay(policy, bytes, until: until, generalTicks: true).lines
    XCTAssertEqual(general.count, first.lines.count)
    for (g, t) in zip(general, first.lines) { XCTAssertEqual(g, t, "the tick policy agrees with the whole policy") }
    XCTAssertEqual(first.rejected, [])
    XCTAssertEqual(first.monitor.accepted, 1056)
    XCTAssertEqual(first.monitor.devices.map(\.key), ["EX-1001", "EX-1002", "EX-1003", "CR-2001"])
    let events = first.lines.map { try! JSONReader.parse($0) }
    func field(_ v: JSONValue, _ k: String) -> String { if case .object(let o) = v, case .string(let s)? = o[k] { return s }; return "" }
    for alert in policy.alerts.map(\.id) {
      XCTAssertEqual(events.filter { field($0, "alert") == alert && field($0, "event") == "firing" }.count,
                     events.filter { field($0, "alert") == alert && field($0, "event") == "resolved" }.count, alert)
      XCTAssertTrue(events.contains { field($0, "alert") == alert && field($0, "event") == "resolved" }, alert)
    }
    let ats = events.map { field($0, "at") }
    XCTAssertEqual(ats, ats.sorted(), "events come in time order")
    // EX-1001 is silent from 2026-01-02T12:00Z: the idle alert is raised by a tick, not a message.
    XCTAssertEqual(first.lines[4], #"{"at": "2026-01-02T16:46:00Z", "device": "EX-1001", "alert": "idle-over-24h", "event": "firing", "#
      + #""severity": "warning", "message": "Machine EX-1001 has added no working hours for 24 h (last worked 2026-01-01T16:45:00Z).", "#
      + #""id": "\#(AlertEvent.id(policy: "equipment-telemetry", device: "EX-1001", alert: "idle-over-24h", since: try Timestamp(parsing: "2026-01-02T16:46:00Z"), kind: .firing))"}"#)
    XCTAssertEqual(Set(events.map { field($0, "id") }).count, events.count, "event ids are unique")
  }

  func testSilenceAfterTheLastMessageNeedsUntil() throws {
    let policy = try StreamFixtures.telemetry()
    let line = #"{"topic": "device/EX-1001/data", "payload": \#(StreamFixtures.report("EX-1001", 1767225600))}"# + "\n"
    XCTAssertEqual(replay(policy, Array(line.utf8), until: nil).lines, [])
    let late = replay(policy, Array(line.utf8), until: Timestamp(seconds: 1767225600 + 86400 + 3600), tick: 600)
    XCTAssertEqual(late.lines.count, 1)
    XCTAssertTrue(late.lines[0].hasPrefix(#"{"at": "2026-01-02T00:10:00Z", "device": "EX-1001", "alert": "idle-over-24h", "event": "firing""#), late.lines[0])
  }

  func testBadLinesAreRejectedCountedAndNeverApplied() throws {
    let policy = try StreamFixtures.telemetry()
    let good = StreamFixtures.report("EX-1001", 1767225600)
    let lines = [
      #"{"topic": "device/EX-1001/data", "payload": \#(good)}"#,
      #"{"topic": "device/EX-1001/data", "payload": {"device_id": "EX-1001""#,
      #"{"topic": "device/EX-1001/data", "payload": {"device_id": 7}}"#,
      #"{"topic": "device/EX-1002/data", "payload": \#(StreamFixtures.report("EX-1001", 1767229200, hours: 101, fuel: 1010))}"#,
      #"{"topic": "device/EX-1001/data", "payload": \#(good)}"#,
      #"{"topic": "device/EX-1001/data", "payload": \#(StreamFixtures.report("EX-1001", 1767220000))}"#,
      #"{"topic": "device/EX-1001/data", "payload": \#(StreamFixtures.report("EX-1001", 1767225600 + 200 * 86400))}"#,
      #"[1, 2]"#,
    ].joined(separator: "\n")
    let r = replay(policy, Array(lines.utf8), until: nil)
    XCTAssertEqual(r.lines, [])
    XCTAssertEqual(r.monitor.accepted, 1)
    XCTAssertEqual(r.monitor.rejections, [.malformed: 1, .wrongType: 2, .topicMismatch: 1, .duplicate: 1, .outOfOrder: 1, .future: 1])
    XCTAssertEqual(r.rejected[2], "4: rejected topic_mismatch topic=device/EX-1002/data device=EX-1001: device 'EX-1001' in the payload, 'EX-1002' in the topic")
    let d = try XCTUnwrap(r.monitor.device("EX-1001"))
    XCTAssertEqual(d.lastEventTime, Timestamp(seconds: 1767225600), "no rejected message changed the state")
  }

  func testARejectedMessageNeverMovesTheClock() throws {
    let policy = try StreamFixtures.telemetry()
    let monitor = StreamMonitor(policy: policy)
    let minute = DurationValue(seconds: 60)
    XCTAssertNoThrow(try monitor.receive(StreamFixtures.report("EX-1001", 1767225600), tick: minute).get())
    // Two days later, from an unregistered machine: rejected, and no tick ran (EX-1001 would be idle).
    let late = monitor.receive(StreamFixtures.report("EX-9999", 1767225600 + 2 * 86400), tick: minute)
    XCTAssertEqual(late.failure?.reason, .failedCheck)
    XCTAssertEqual(monitor.lastTick, Timestamp(seconds: 1767225600))
    XCTAssertFalse(monitor.device("EX-1001")!.alerts[0].isFiring)
    // The same time from the registered machine applies and runs the ticks first.
    let events = try monitor.receive(StreamFixtures.report("EX-1001", 1767225600 + 2 * 86400), tick: minute).get()
    XCTAssertEqual(events.map { "\($0.alert) \($0.event.rawValue) \($0.at.rfc3339)" }, ["idle-over-24h firing 2026-01-02T00:01:00Z"])
  }

  func testDeviceCountIsBounded() throws {
    let policy = try StreamFixtures.telemetry()
    var limits = StreamLimits()
    limits.maxDevices = 2
    let monitor = StreamMonitor(policy: policy, limits: limits)
    for (i, id) in ["EX-1001", "EX-1002", "EX-1003"].enumerated() {
      let r = monitor.receive(StreamFixtures.report(id, 1767225600 + Int64(i), lat: 53.545, lon: 9.975))
      if i < 2 { XCTAssertNoThrow(try r.get()) } else {
        XCTAssertEqual(r.failure?.reason, .tooManyDevices)
      }
    }
    XCTAssertEqual(monitor.devices.count, 2)
  }

  func testTopicPatternNamesTheDevice() {
    let p = "device/+/data".split(separator: "/", omittingEmptySubsequences: false)
    XCTAssertEqual(StreamMonitor.device(in: "device/EX-1/data", pattern: p), "EX-1")
    XCTAssertNil(StreamMonitor.device(in: "device/EX-1/other", pattern: p))
    XCTAssertNil(StreamMonitor.device(in: "device/EX-1", pattern: p))
  }
}

extension Result {
  var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
}
