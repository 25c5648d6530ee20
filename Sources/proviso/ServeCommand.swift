import Dispatch
import Foundation
import PolicyExpr
import PolicyRules
import PolicySource
import PolicyServer

/// `proviso serve POLICY_DIR`: the decision service, with hot reload on file changes, SIGHUP and
/// `POST /v1/reload`, and graceful shutdown on SIGTERM / SIGINT. `--tokens FILE` turns on bearer-token
/// access control (without it the service listens on loopback only); `--tls-cert` and `--tls-key`
/// serve HTTPS, `--tls-client-ca` also requires client certificates.
enum ServeCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["no-watch"],
                          options: ["bind", "host", "port", "decision-log", "admin-token-file", "tokens", "tls-cert", "tls-key",
                                    "tls-client-ca", "threads", "retention-days", "retention-rows", "durability", "allow-path",
                                    "max-decision-cost", "max-decision-memory"])
    guard a.positional.count == 1 else { throw UsageError(message: "serve needs one policy folder") }
    let directory = a.positional[0]
    if case .failure(let problem) = PolicyFolder(directory).files(), case .missing = problem { Console.error("proviso serve: \(problem)"); return .ioError }
    var http = HTTPServer.Configuration()
    http.bindAddress = a.option("host") ?? a.option("bind") ?? "127.0.0.1"
    if let p = a.option("port") {
      guard let port = UInt16(p) else { throw UsageError(message: "--port '\(p)' is not a port number") }
      http.port = port
    }
    if let t = a.option("threads") {
      guard let n = Int(t), n >= 1, n <= 256 else { throw UsageError(message: "--threads must be 1...256") }
      http.threads = n
    }
    var access = AccessControl()
    if let path = a.option("admin-token-file") {
      // The former option: reload needs this secret, decisions and reads stay open (so loopback only).
      guard a.option("tokens") == nil else { throw UsageError(message: "--admin-token-file and --tokens exclude each other; give the admin token a line in the tokens file") }
      let secret = String(decoding: try Console.read(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      if secret.isEmpty { throw UsageError(message: "the admin token file '\(path)' is empty") }
      access = .adminOnly(secret: secret)
    }
    if let path = a.option("tokens") {
      let (tokens, diagnostics) = TokenFile.load(SourceFile(path: path, bytes: try Console.read(path)))
      if !diagnostics.isEmpty {
        Console.error(DiagnosticRenderer(colors: false).render(diagnostics))
        return .failed
      }
      access = AccessControl(tokens: tokens)
    }
    if access.isOpen, !isLoopback(http.bindAddress) {
      throw UsageError(message: "refusing to listen on '\(http.bindAddress)' without --tokens: endpoints open to callers without a token may only be served on a loopback address (127.0.0.1 or ::1)")
    }
    http.tls = try tlsSettings(a)
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
    let engine = PolicyEngine(directory: directory, log: log,
                              configuration: .init(allowedPaths: a.options["allow-path"] ?? [], limits: try decisionCeilings(a)))
    let service = DecisionService(engine: engine, log: log, configuration: .init(access: access))
    http.onRefusal = { code in service.recordRefusal(code) }
    report(engine.reload(), service: service)

    let server = HTTPServer(configuration: http, deferredHandler: { request, responder in service.handle(request, responder: responder) })
    do { try server.start() } catch {
      Console.error("proviso serve: \(error)")
      return .ioError
    }
    Console.error("listening on \(http.tls == nil ? "http" : "https")://\(http.bindAddress):\(server.port) (\(engine.policies().filter { !$0.version.isEmpty }.count) policies)"
                  + (http.tls?.clientCAPEM != nil ? ", client certificates required" : ""))
    if access.tokens.isEmpty {
      Console.error("no --tokens: access control is off, every endpoint is open to local clients (loopback only)")
    } else if access.isOpen {
      Console.error("--admin-token-file: reload needs the admin token; decisions and reads are open to local clients (loopback only)")
    } else {
      Console.error("access control on: \(access.tokens.count) tokens (\(access.tokens.map(\.name).joined(separator: ", ")))")
    }
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

  /// Whether `address` is a loopback address (127.0.0.0/8 or ::1).
  static func isLoopback(_ address: String) -> Bool {
    address.hasPrefix("127.") || address == "::1" || address == "0:0:0:0:0:0:0:1" || address == "localhost"
  }

  /// The TLS settings from `--tls-cert`, `--tls-key` and `--tls-client-ca`, or `nil` without them.
  static func tlsSettings(_ a: Arguments) throws -> HTTPServer.TLS? {
    let cert = a.option("tls-cert"), key = a.option("tls-key"), clientCA = a.option("tls-client-ca")
    guard let cert, let key else {
      if cert != nil || key != nil || clientCA != nil {
        throw UsageError(message: "TLS needs both --tls-cert FILE and --tls-key FILE (and --tls-client-ca FILE only with them)")
      }
      return nil
    }
    func pem(_ path: String) throws -> String { String(decoding: try Console.read(path), as: UTF8.self) }
    return HTTPServer.TLS(certificatePEM: try pem(cert), privateKeyPEM: try pem(key), clientCAPEM: try clientCA.map(pem))
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

  /// `--max-decision-cost N` and `--max-decision-memory BYTES`: the most a policy's `limits:` may
  /// ask for in this service (docs/policy-format.md §20).
  static func decisionCeilings(_ a: Arguments) throws -> Limits {
    var limits = Limits()
    if let text = a.option("max-decision-cost") {
      guard let n = Int(text), n > 0 else { throw UsageError(message: "--max-decision-cost must be a positive whole number of steps") }
      limits.ceilingEvaluationCost = n
      limits.maxEvaluationCost = min(limits.maxEvaluationCost, n)
    }
    if let text = a.option("max-decision-memory") {
      guard let n = Int(text), n > 0 else { throw UsageError(message: "--max-decision-memory must be a positive number of bytes") }
      limits.ceilingEvaluationMemory = n
      limits.maxEvaluationMemory = min(limits.maxEvaluationMemory, n)
    }
    return limits
  }
}
