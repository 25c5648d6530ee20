import Foundation
import PolicyExpr
import PolicyRules
import PolicyStream

/// `proviso watch POLICY --replay FILE.jsonl [--tick 1m] [--until TS]`: a stream policy over a
/// recorded stream, in event time; alert events on stdout as JSON Lines.
enum WatchCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["test", "quiet"], options: ["replay", "tick", "until", "topic", "mqtt"])
    guard a.positional.count == 1 else { throw UsageError(message: "watch needs one policy file") }
    if a.option("mqtt") != nil {
      throw UsageError(message: "--mqtt is not available yet: this build replays recorded streams only (--replay FILE.jsonl)")
    }
    guard a.has("test") || a.option("replay") != nil else { throw UsageError(message: "watch needs --replay FILE.jsonl (or --test)") }
    let path = a.positional[0]
    let (loaded, diagnostics) = PolicyLoader.load(path: path)
    let renderer = DiagnosticRenderer(colors: Console.stderrIsTerminal)
    guard let compiled = loaded else { Console.error(renderer.render(diagnostics)); return .dataError }
    let (made, streamDiagnostics) = StreamPolicy.make(compiled)
    guard let policy = made else { Console.error(renderer.render(streamDiagnostics)); return .dataError }

    // As the service does with an edited policy: a stream policy runs only if its own tests pass.
    let results = StreamTestRunner.run(policy)
    let failed = results.filter { !$0.failures.isEmpty }
    for r in failed {
      Console.error("FAIL \(r.location): \(r.name)")
      for f in r.failures { Console.error("  \(f)") }
    }
    if !failed.isEmpty {
      Console.error("\(path): \(failed.count) of \(results.count) stream tests failed; not watching")
      return .failed
    }
    if a.has("test") {
      Console.error("ok \(path) (\(policy.id), version \(compiled.version.prefix(12))): \(results.count) stream tests passed")
      return .ok
    }

    let tick = try parseTick(a.option("tick")) ?? StreamTestRunner.defaultTick(policy)
    let until = try a.option("until").map(parseTime)
    let replayPath = a.option("replay")!
    let bytes = try Console.read(replayPath)
    let monitor = StreamMonitor(policy: policy, topicPattern: a.option("topic") ?? "device/+/data")
    let replay = StreamReplay(monitor: monitor, tick: tick)
    var out: [UInt8] = []
    var events = 0, lines = 0
    let quiet = a.has("quiet")
    bytes.withUnsafeBytes { raw in
      replay.run(raw, until: until, emit: { e in
        events += 1
        out += Array(e.jsonLine.utf8); out.append(10)
        if out.count >= 1 << 16 { Console.out(bytes: out); out.removeAll(keepingCapacity: true) }
      }, rejected: { line, r in
        if !quiet { Console.error("\(replayPath):\(line): \(r.logLine)") }
      })
    }
    Console.out(bytes: out)
    lines = monitor.accepted + monitor.rejections.values.reduce(0, +)
    let rejected = monitor.rejections.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }
    Console.error("\(lines) messages, \(monitor.accepted) applied, \(lines - monitor.accepted) rejected"
      + (rejected.isEmpty ? "" : " (\(rejected.joined(separator: ", ")))")
      + ", \(monitor.devices.count) devices, \(events) alert events")
    return .ok
  }

  static func parseTick(_ text: String?) throws(UsageError) -> DurationValue? {
    guard let text else { return nil }
    guard let d = try? DurationValue(parsing: text), let n = d.totalNanos, n >= 1_000_000_000, n % 1_000_000_000 == 0 else {
      throw UsageError(message: "--tick '\(text)' must be a whole number of seconds, at least 1s (30s, 1m, 1h)")
    }
    return d
  }

  static func parseTime(_ text: String) throws(UsageError) -> Timestamp {
    if let s = Int64(text) { return Timestamp(seconds: s) }
    do { return try Timestamp(parsing: text) } catch { throw UsageError(message: "--until '\(text)' is not an RFC 3339 time (2026-01-04T00:00:00Z) or Unix seconds") }
  }
}
