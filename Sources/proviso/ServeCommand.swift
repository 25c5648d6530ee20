import Dispatch
import Foundation
import PolicyExpr
import PolicyRules
import PolicyServer

/// `proviso serve POLICY_DIR`: the decision service, with hot reload on file changes, SIGHUP and
/// `POST /v1/reload`, and graceful shutdown on SIGTERM / SIGINT.
enum ServeCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["no-watch"],
                          options: ["bind", "port", "decision-log", "admin-token-file", "threads", "retention-days", "retention-rows", "durability", "allow-path"])
    guard a.positional.count == 1 else { throw UsageError(message: "serve needs one policy folder") }
    let directory = a.positional[0]
    if case .failure(let problem) = PolicyFolder(directory).files(), case .missing = problem { Console.error("proviso serve: \(problem)"); return .ioError }
    var http = HTTPServer.Configuration()
    http.bindAddress = a.option("bind") ?? "127.0.0.1"
    if let p = a.option("port") {
      guard let port = UInt16(p) else { throw UsageError(message: "--port '\(p)' is not a port number") }
      http.port = port
    }
    if let t = a.option("threads") {
      guard let n = Int(t), n >= 1, n <= 256 else { throw UsageError(message: "--threads must be 1...256") }
      http.threads = n
    }
    var token: String? = nil
    if let path = a.option("admin-token-file") {
      token = String(decoding: try Console.read(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      if token!.isEmpty { throw UsageError(message: "the admin token file '\(path)' is empty") }
    }
    var log: DecisionLog? = nil
    if let path = a.option("decision-log") {
      var config = DecisionLog.Configuration(path: path)
      config.retention = DecisionLog.Retention(maxAgeSeconds: a.option("retention-days").flatMap(Int.init).map { $0 * 86_400 },
                                               maxRows: a.option("retention-rows").flatMap(Int.init))
      if a.option("durability") == "power-loss" { config.durability = .powerLoss }
      do { log = try DecisionLog(configuration: config) } catch {
        Console.error("proviso serve: \(error)")
        return .ioError
      }
    }
    let engine = PolicyEngine(directory: directory, log: log, configuration: .init(allowedPaths: a.options["allow-path"] ?? []))
    let service = DecisionService(engine: engine, log: log, configuration: .init(adminToken: token))
    report(engine.reload(), service: service)

    let server = HTTPServer(configuration: http, deferredHandler: { request, responder in service.handle(request, responder: responder) })
    do { try server.start() } catch {
      Console.error("proviso serve: \(error)")
      return .ioError
    }
    Console.error("listening on \(http.bindAddress):\(server.port) (\(engine.policies().filter { !$0.version.isEmpty }.count) policies)")
    Console.out("PORT \(server.port)")

    var watcher: FolderWatcher? = nil
    if !a.has("no-watch") {
      do {
        watcher = try FolderWatcher(path: directory) { _ in report(engine.reload(), service: service) }
      } catch {
        Console.error("proviso serve: hot reload on file changes is off: \(error)")
      }
    }
    let done = DispatchSemaphore(value: 0)
    let signals = DispatchQueue(label: "proviso.signals")
    var sources: [DispatchSourceSignal] = []
    for sig in [SIGHUP, SIGTERM, SIGINT] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: signals)
      source.setEventHandler {
        if sig == SIGHUP { report(engine.reload(), service: service) } else { done.signal() }
      }
      source.resume()
      sources.append(source)
    }
    done.wait()
    Console.error("shutting down: finishing requests in flight, flushing the decision log")
    watcher?.stop()
    server.stop()
    log?.close()
    withExtendedLifetime(sources) {}
    return .ok
  }

  /// Prints reload failures (the previous versions keep serving) and counts reloads in the metrics.
  static func report(_ results: [ReloadResult], service: DecisionService<PolicyEngine>) {
    service.recordReloads(results)
    for r in results {
      if let e = r.error {
        Console.error("reload \(r.policy): not activated; the previous version keeps serving: \(e.message)")
        for d in e.errors.prefix(20) {
          let loc = d.location.map { "\($0.file ?? ""):\($0.line.map(String.init) ?? "")\($0.column.map { ":\($0)" } ?? ""): " } ?? ""
          Console.error("  \(loc)\(d.code): \(d.message)")
        }
      } else if let v = r.version {
        Console.error("active \(r.policy) \(v.prefix(12))")
      }
    }
  }
}
