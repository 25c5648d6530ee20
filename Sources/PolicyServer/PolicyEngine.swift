import Foundation
import PolicyExpr
import PolicyRules
import Synchronization

/// The service's decision engine: the compiled policies of one folder, swapped atomically on reload.
///
/// A changed file becomes active only if it loads, type-checks and passes its own tests; otherwise
/// the previous version keeps serving and the failure is reported (in `/v1/policies`, the metrics
/// and the log). A request holds the ``CompiledPolicy`` it started with, so a reload never
/// changes a decision in flight.
///
/// Start-up with a broken file: if the decision log holds a version of that policy (by the file's
/// name), the last logged version serves and the file's error is reported; otherwise the policy
/// is absent (404) and the error is reported. A broken file never takes a policy down.
public final class PolicyEngine: DecisionEngine {
  /// One active policy.
  struct Entry: Sendable {
    let policy: CompiledPolicy
    let loadedAt: Int64
    let file: String
    let source: String
    var lastError: WireError?
  }

  struct State: Sendable {
    var entries: [String: Entry] = [:]
    /// Errors of files that have no active policy (their id is the file name).
    var orphanErrors: [String: (file: String, error: WireError)] = [:]
    /// File path to the policy id it last produced.
    var fileToPolicy: [String: String] = [:]
  }

  /// The folder of policies.
  public let directory: String
  let log: DecisionLog?
  let state = Mutex(State())
  let ready = Atomic<Bool>(false)
  let reloading = Mutex(())

  /// Creates an engine over `directory`; call ``reload()`` to load.
  public init(directory: String, log: DecisionLog?) {
    self.directory = directory
    self.log = log
  }

  public var isReady: Bool { ready.load(ordering: .acquiring) }

  public func decide(_ request: DecisionRequest) -> DecisionAnswer {
    guard let entry = state.withLock({ $0.entries[request.policy] }) else { return .unknownPolicy }
    let started = DispatchTime.now().uptimeNanoseconds
    let policy = entry.policy
    let input: ObjectValue
    switch policy.decodeInput(request.input) {
    case .success(let o): input = o
    case .failure(let errors):
      return .rejected(.invalidInput(errors.errors.map { e in
        WireErrorDetail(code: e.code.rawValue, location: WireLocation(file: nil, line: e.line, column: e.column, path: e.path.isEmpty ? nil : e.path),
                        message: e.message)
      }))
    }
    var explain = request.explain
    if let slot = policy.explainField, case .bool(true)? = input.fields[slot] { explain = true }
    let decision = policy.decide(input, explain: explain)
    let micros = Int((DispatchTime.now().uptimeNanoseconds - started) / 1000)
    var w = JSONWriter(capacity: 512)
    var extra: [(String, Value)] = [("evaluation_us", .int(Int64(micros)))]
    if !policy.modelHashes.isEmpty {
      extra.append(("models", .map(MapValue(uncheckedKeys: policy.modelHashes.map { .string($0.0) }, values: policy.modelHashes.map { .string($0.1) }))))
    }
    decision.writeJSON(to: &w, id: request.id, extra: extra)
    return .decided(EngineDecision(version: policy.version, outcome: decision.outcome.rawValue, body: w.bytes, evaluationMicros: micros))
  }

  public func policies() -> [PolicyStatus] {
    state.withLock { s in
      var out = s.entries.values.map { e in
        PolicyStatus(id: e.policy.id, version: e.policy.version, loadedAt: e.loadedAt, sourceFile: e.file, lastReloadError: e.lastError)
      }
      for (id, orphan) in s.orphanErrors where s.entries[id] == nil {
        out.append(PolicyStatus(id: id, version: "", loadedAt: 0, sourceFile: orphan.file, lastReloadError: orphan.error))
      }
      return out.sorted { $0.id < $1.id }
    }
  }

  public func policyDetail(id: String) -> PolicyDetail? {
    state.withLock { s in
      guard let e = s.entries[id] else { return nil }
      return PolicyDetail(status: PolicyStatus(id: id, version: e.policy.version, loadedAt: e.loadedAt, sourceFile: e.file, lastReloadError: e.lastError),
                          source: e.source)
    }
  }

  /// Loads every policy file of the folder, off the request path; returns what changed.
  public func reload() -> [ReloadResult] {
    reloading.withLock { _ in
      var results: [ReloadResult] = []
      let files = PolicyLoader.policyFiles(at: directory)
      var seenPolicies = Set<String>()
      for path in files {
        let result = load(path)
        if let id = state.withLock({ $0.fileToPolicy[path] }) { seenPolicies.insert(id) }
        results.append(result)
      }
      // A deleted file takes its policy (and any error it reported) out of service.
      state.withLock { s in
        for (path, id) in s.fileToPolicy where !files.contains(path) {
          s.fileToPolicy[path] = nil
          if !seenPolicies.contains(id) { s.entries[id] = nil }
        }
        let names = Set(files.map { ($0 as NSString).lastPathComponent })
        for (id, orphan) in s.orphanErrors where !names.contains(orphan.file) { s.orphanErrors[id] = nil }
      }
      ready.store(true, ordering: .releasing)
      return results
    }
  }

  /// Loads one file: compile, run its own tests, then swap it in.
  func load(_ path: String) -> ReloadResult {
    let fileName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let relative = (path as NSString).lastPathComponent
    guard let data = FileManager.default.contents(atPath: path) else {
      return fail(id: fileName, file: relative, WireError.invalidPolicy(fileName, errors: [WireErrorDetail(code: "policy_file_error", message: "cannot read '\(relative)'")]), path: path)
    }
    // Diagnostics and decision errors name the file relative to the policy folder.
    let (compiled, diagnostics) = PolicyLoader.load(SourceFile(path: relative, bytes: Array(data)), directory: directory)
    guard let compiled else {
      let id = state.withLock { $0.fileToPolicy[path] } ?? fileName
      return fail(id: id, file: relative, WireError.invalidPolicy(id, errors: diagnostics.filter { $0.severity == .error }.prefix(100).map { Self.detail($0, file: relative) }), path: path)
    }
    // Two files may not define one policy id.
    if let other = state.withLock({ s in s.fileToPolicy.first { $0.value == compiled.id && $0.key != path }?.key }),
      FileManager.default.fileExists(atPath: other)
    {
      return fail(id: compiled.id, file: relative, WireError.invalidPolicy(compiled.id, errors: [
        WireErrorDetail(code: "policy_duplicate_id", location: WireLocation(file: relative, line: 1, column: 1, path: nil),
                        message: "policy id '\(compiled.id)' is already defined by '\((other as NSString).lastPathComponent)'")
      ]), path: nil)
    }
    // A file whose `policy:` id changed takes its old id out of service.
    state.withLock { s in
      if let previous = s.fileToPolicy[path], previous != compiled.id { s.entries[previous] = nil }
    }
    if let current = state.withLock({ $0.entries[compiled.id] }), current.policy.version == compiled.version {
      state.withLock { $0.fileToPolicy[path] = compiled.id; $0.entries[compiled.id]?.lastError = nil }
      return ReloadResult(policy: compiled.id, version: compiled.version)
    }
    let (tests, _) = PolicyTestRunner.run(compiled)
    let failed = tests.filter { !$0.passed }
    if !failed.isEmpty {
      return fail(id: compiled.id, file: relative, WireError.invalidPolicy(compiled.id, errors: failed.map {
        WireErrorDetail(code: "policy_test_failed", location: WireLocation(file: relative, line: Int($0.location.split(separator: ":").last ?? ""), column: nil, path: nil),
                        message: "test '\($0.name)' failed: \($0.failures.joined(separator: "; "))")
      }), path: path)
    }
    let text = String(decoding: data, as: UTF8.self)
    let entry = Entry(policy: compiled, loadedAt: LogTime.nowMicros(), file: relative, source: text, lastError: nil)
    try? log?.recordPolicyVersion(PolicyVersionRecord(hash: compiled.version, policy: compiled.id, source: text, loadedAt: entry.loadedAt))
    state.withLock { s in
      s.entries[compiled.id] = entry
      s.fileToPolicy[path] = compiled.id
      s.orphanErrors[compiled.id] = nil
    }
    return ReloadResult(policy: compiled.id, version: compiled.version)
  }

  /// Records a failed load; the previous version (or the last logged one at start-up) keeps serving.
  func fail(id: String, file: String, _ error: WireError, path: String?) -> ReloadResult {
    let hasEntry = state.withLock { s -> Bool in
      if let path, s.fileToPolicy[path] == nil, s.entries[id] != nil { s.fileToPolicy[path] = id }
      if s.entries[id] != nil { s.entries[id]!.lastError = error; return true }
      return false
    }
    if !hasEntry, let recovered = recoverFromLog(id: id, file: file) {
      state.withLock { s in
        var e = recovered
        e.lastError = error
        s.entries[id] = e
        if let path { s.fileToPolicy[path] = id }
      }
    } else if !hasEntry {
      state.withLock { $0.orphanErrors[id] = (file, error) }
    }
    return ReloadResult(policy: id, version: nil, error: error)
  }

  /// The last version of `id` the decision log saw, compiled again (models resolve beside the folder).
  func recoverFromLog(id: String, file: String) -> Entry? {
    guard let log, let reader = try? DecisionLogReader(path: log.configuration.path), let version = try? reader.latestPolicyVersion(policy: id) else { return nil }
    guard let compiled = PolicyLoader.load(SourceFile(path: file, bytes: Array(version.source.utf8)), directory: directory).0 else { return nil }
    return Entry(policy: compiled, loadedAt: LogTime.nowMicros(), file: file, source: version.source, lastError: nil)
  }

  static func detail(_ d: Diagnostic, file: String) -> WireErrorDetail {
    let loc = d.file.map { $0.location(of: d.range.start) }
    return WireErrorDetail(code: d.code.rawValue, location: WireLocation(file: file, line: loc?.line, column: loc?.column, path: nil),
                           message: d.message + (d.hint.map { " (\($0))" } ?? ""))
  }
}
