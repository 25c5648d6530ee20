import Foundation
import PolicyExpr
import PolicyRules
import PolicyServer
import PolicyStream
import Synchronization

/// Set by SIGINT or SIGTERM: the live watcher stops at its next loop turn.
let stopRequested = Atomic<Bool>(false)
private let stopHandler: @convention(c) (Int32) -> Void = { _ in stopRequested.store(true, ordering: .relaxed) }

/// `proviso watch POLICY --replay FILE.jsonl [--tick 1m] [--until TS]`: a stream policy over a
/// recorded stream, in event time; alert events on stdout as JSON Lines.
/// `proviso watch POLICY --mqtt HOST:PORT [--topic T] [--alerts-topic 'alerts/{device}']`: live.
enum WatchCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["test", "quiet"], options: ["replay", "tick", "until", "topic", "mqtt", "alerts-topic", "client-id", "state", "metrics-port"])
    guard a.positional.count == 1 else { throw UsageError(message: "watch needs one policy file") }
    guard a.has("test") || (a.option("replay") != nil) != (a.option("mqtt") != nil) else {
      throw UsageError(message: "watch needs one of --replay FILE.jsonl or --mqtt HOST:PORT (or --test)")
    }
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
    if let broker = a.option("mqtt") { return try live(policy, broker: broker, tick: tick, a) }
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

  /// Live: subscribe, evaluate, publish; until SIGINT or SIGTERM.
  static func live(_ policy: StreamPolicy, broker: String, tick: DurationValue, _ a: Arguments) throws -> ExitStatus {
    guard let colon = broker.lastIndex(of: ":"), let port = Int(broker[broker.index(after: colon)...]), (1...65535).contains(port) else {
      throw UsageError(message: "--mqtt '\(broker)' must be HOST:PORT (127.0.0.1:1883)")
    }
    let topic = a.option("topic") ?? "device/+/data"
    let options = LiveWatcher.Options(host: String(broker[..<colon]), port: port, topic: topic, alertsTopic: a.option("alerts-topic"),
                                      clientID: a.option("client-id") ?? "proviso-watch-\(policy.id)", tick: tick)
    let monitor = StreamMonitor(policy: policy, topicPattern: topic)
    let store: StreamStore?
    do { store = try a.option("state").map { path throws(StreamStoreError) in try StreamStore(path: path) } } catch { throw IOFailure(message: error.description) }
    let watcher: LiveWatcher
    do {
      watcher = try LiveWatcher(monitor: monitor, options: options, store: store, emit: { Console.out($0.jsonLine) }, log: { Console.error($0) })
    } catch { throw IOFailure(message: error.description) }
    var metricsServer: HTTPServer?
    if let text = a.option("metrics-port") {
      guard let port = UInt16(text) else { throw UsageError(message: "--metrics-port '\(text)' must be a port number") }
      let metrics = watcher.metrics
      let server = HTTPServer(configuration: .init(bindAddress: "127.0.0.1", port: port)) { request in
        guard request.path == "/metrics" else { return HTTPResponse(status: 404, contentType: "text/plain", text: "not found\n") }
        return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", text: metrics.current.prometheusText)
      }
      do { try server.start() } catch { throw IOFailure(message: "cannot serve metrics on port \(port): \(error)") }
      Console.error("metrics on http://127.0.0.1:\(server.port)/metrics")
      metricsServer = server
    }
    defer { metricsServer?.stop() }
    signal(SIGINT, stopHandler)
    signal(SIGTERM, stopHandler)
    try watcher.run(shouldStop: { stopRequested.load(ordering: .relaxed) })
    Console.error("stopped: \(watcher.received) messages received, \(monitor.accepted) applied, \(monitor.devices.count) devices")
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
