import Dispatch
import Foundation
import PolicyExpr
import PolicyRules
import PolicyStream

/// The stream watcher's workloads (issue 10): replay rate, memory per device, one timer sweep.
/// Each beside a baseline measured in the same run.
enum StreamWorkloads {
  static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

  /// Resident memory in bytes (Linux `/proc/self/statm`).
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
  }

  /// The bundled policy, loaded from a temporary copy whose lease registry lists every benchmark device.
  static func policy() -> StreamPolicy {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-bench-stream-\(getpid())")
    let fm = FileManager.default
    try? fm.createDirectory(at: tmp.appendingPathComponent("policies/regions"), withIntermediateDirectories: true)
    try? fm.createDirectory(at: tmp.appendingPathComponent("policies/data"), withIntermediateDirectories: true)
    for f in ["policies/equipment-telemetry.yaml", "policies/regions/depot.geojson"] {
      try? fm.removeItem(at: tmp.appendingPathComponent(f))
      try? fm.copyItem(at: root.appendingPathComponent(f), to: tmp.appendingPathComponent(f))
    }
    var csv = "device_id,site\n"
    let sites = ["north-yard", "harbour-site", "depot", "north-yard"]
    for d in 0..<100_000 { csv += "\(deviceID(d)),\(sites[d % 4])\n" }
    try? csv.write(to: tmp.appendingPathComponent("policies/data/devices.csv"), atomically: true, encoding: .utf8)
    let path = tmp.appendingPathComponent("policies/equipment-telemetry.yaml").path
    let (compiled, diagnostics) = PolicyLoader.load(path: path)
    guard let compiled, let policy = StreamPolicy.make(compiled).0 else { fatalError("cannot load \(path): \(diagnostics)") }
    return policy
  }

  static func deviceID(_ d: Int) -> String { ["EX-1001", "EX-1002", "EX-1003", "CR-2001"][d % 4] + (d < 4 ? "" : "-\(d)") }

  /// `count` messages of `devices` devices, in time order, one per device per minute, each on its site.
  static func stream(devices: Int, count: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count * 190)
    let homes = [(53.615, 9.925), (53.545, 9.975), (53.585, 10.033), (53.620, 9.930)]
    for i in 0..<count {
      let d = i % devices, round = i / devices
      let id = deviceID(d)
      let (lat, lon) = homes[d % 4]
      let line = #"{"topic": "device/\#(id)/data", "payload": {"device_id": "\#(id)", "timestamp": \#(1767225600 + round * 60), "location": {"lat": \#(lat), "lon": \#(lon)}, "working_hours": \#(1000.0 + Double(round) * 0.0166), "fuel_consumption": \#(20000.0 + Double(round) * 0.33)}}"#
      out += Array(line.utf8)
      out.append(10)
    }
    return out
  }

  static func run() -> [BenchResult] {
    let policy = policy()
    var results: [BenchResult] = []
    results.append(replay(policy))
    results += devicesAndSweep(policy)
    return results
  }

  /// Replay of 1,000,000 messages (1,000 devices, 1-minute ticks), against the single-record
  /// evaluator deciding the same payloads with no stream state (the baseline).
  static func replay(_ policy: StreamPolicy) -> BenchResult {
    let count = 1_000_000, devices = 1_000
    let bytes = stream(devices: devices, count: count)
    let monitor = StreamMonitor(policy: policy)
    let replay = StreamReplay(monitor: monitor, tick: DurationValue(seconds: 60))
    var events = 0, rejected = 0
    let t0 = now()
    bytes.withUnsafeBytes { raw in replay.run(raw, until: nil, emit: { _ in events += 1 }, rejected: { _, _ in rejected += 1 }) }
    let t1 = now()
    // Baseline: decode each payload and decide it once, as `proviso run` would, without keys, state or ticks.
    let envelope = JSONSchemaDecoder(.object(ObjectType(name: "record", fields: [
      .init(name: "topic", type: .string, optional: true), .init(name: "payload", type: .object(policy.messageType)),
    ])))
    let inputType = policy.compiled.inputType
    let mi = inputType.fields.firstIndex { $0.name == "telemetry" }!, pi = inputType.fields.firstIndex { $0.name == "previous" }!
    let si = inputType.fields.firstIndex { $0.name == "state" }!
    let state = ObjectValue(type: policy.stateType, fields: [.timestamp(Timestamp(seconds: 1767225600))])
    var decided = 0
    let t2 = now()
    bytes.withUnsafeBytes { raw in
      for line in JSONLines(raw) {
        guard case .success(.object(let o)) = envelope.decode(UnsafeRawBufferPointer(rebasing: raw[line.range])), let m = o.fields[1] else { continue }
        var fields = [Value?](repeating: nil, count: inputType.fields.count)
        fields[mi] = m; fields[pi] = m; fields[si] = .object(state)
        let d = policy.compiled.decide(ObjectValue(type: inputType, fields: fields), now: Timestamp(seconds: 1767225600))
        decided += d.alerts.count >= 0 ? 1 : 0
      }
    }
    let t3 = now()
    let ns = Double(t1 - t0) / Double(count), base = Double(t3 - t2) / Double(count)
    return BenchResult(name: "stream.replay-1M", nsPerOp: ns, baselineNs: base, extra: [
      ("messages_per_s", String(format: "%.0f", 1e9 / ns)), ("baseline_per_s", String(format: "%.0f", 1e9 / base)),
      ("applied", "\(monitor.accepted)"), ("rejected", "\(rejected)"), ("events", "\(events)"), ("devices", "\(monitor.devices.count)"),
    ])
  }

  /// 100,000 devices in state (resident memory growth) and one timer sweep over them, against the
  /// idle test written by hand over the same devices (the sweep's baseline).
  static func devicesAndSweep(_ policy: StreamPolicy) -> [BenchResult] {
    let devices = 100_000
    let bytes = stream(devices: devices, count: devices)
    var limits = StreamLimits()
    limits.maxDevices = devices
    let before = residentBytes()
    let monitor = StreamMonitor(policy: policy, limits: limits)
    let replay = StreamReplay(monitor: monitor, tick: DurationValue(seconds: 60))
    bytes.withUnsafeBytes { raw in replay.run(raw, until: nil, emit: { _ in }, rejected: { _, _ in }) }
    let after = residentBytes()
    let perDevice = Double(after - before) / Double(max(1, monitor.devices.count))
    var memory = BenchResult(name: "stream.devices-100k", nsPerOp: 0, baselineNs: nil, extra: [
      ("devices", "\(monitor.devices.count)"), ("resident_mb", String(format: "%.1f", Double(after - before) / 1_048_576)),
      ("bytes_per_device", String(format: "%.0f", perDevice)), ("input_bytes_per_device", "\(bytes.count / devices)"),
    ])
    memory.nsPerOp = perDevice
    let at = Timestamp(seconds: 1767225600 + 3600)
    var sweeps: [Double] = []
    for k in 0..<3 {
      let t0 = now()
      let events = monitor.sweep(at: Timestamp(seconds: at.seconds + Int64(k) * 60))
      sweeps.append(Double(now() - t0))
      blackHole(events)
    }
    sweeps.sort()
    // Baseline: the idle test written by hand over the same devices' kept `last_worked`.
    let base = measure(samples: 5, batch: 1) {
      var n = 0
      for d in opaque(monitor.devices) {
        if case .timestamp(let t)? = d.stateAfter.fields[0], opaque(at).seconds - t.seconds > 86400 { n += 1 }
      }
      blackHole(n)
    }
    return [memory, BenchResult(name: "stream.sweep-100k", nsPerOp: sweeps[1], baselineNs: base, extra: [
      ("sweep_ms", String(format: "%.1f", sweeps[1] / 1e6)), ("per_device_ns", String(format: "%.0f", sweeps[1] / Double(devices))),
    ])]
  }
}
