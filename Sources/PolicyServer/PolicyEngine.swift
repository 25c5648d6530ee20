import Foundation
import PolicyExpr
import PolicyRules
import Synchronization

/// The service's decision engine: the compiled policies of one ``PolicyFolder``, swapped atomically on reload.
///
/// Every load and test run happens on the engine's reload thread (``ReloadThread``), never on a
/// request's thread; a decision only looks up the serving ``CompiledPolicy`` under a short lock and
/// keeps it for the whole request, so a reload never delays or changes a decision in flight.
///
/// A reload reads every policy file (confined to the folder, size-checked before reading) and
/// reloads only the files whose content, or a file they reference, changed. A changed file becomes
/// active only if it loads, type-checks, defines an id no other file defines, and passes its own
/// tests; otherwise the previous version keeps serving and the failure is reported (in
/// `/v1/policies`, the metrics and the log). A file whose load and tests take longer than
/// ``Configuration/reloadTimeLimitSeconds`` is abandoned: the error `policy_reload_timeout` is
/// reported and the previous version keeps serving; the file is tried again at the next reload.
///
/// Start-up with a broken file: if the decision log holds a version of that policy (by the file's
/// name), the last logged version serves and the file's error is reported; otherwise the policy
/// is absent (404) and the error is reported. A broken file never takes a policy down.
public final class PolicyEngine: DecisionEngine {
  /// Settings of the engine.
  public struct Configuration: Sendable {
    /// The longest one policy file's load and tests may take in a reload before it is abandoned (30 s).
    public var reloadTimeLimitSeconds: Double
    /// Directories outside the folder that models and GeoJSON may come from (`--allow-path`).
    public var allowedPaths: [String]
    /// The limits policies load under.
    public var limits: Limits
    /// Where the engine reports what it does on its own (an abandoned reload); standard error by default.
    public var logLine: @Sendable (String) -> Void

    /// Creates a configuration.
    public init(reloadTimeLimitSeconds: Double = 30, allowedPaths: [String] = [], limits: Limits = .default,
                logLine: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
      self.reloadTimeLimitSeconds = reloadTimeLimitSeconds
      self.allowedPaths = allowedPaths
      self.limits = limits
      self.logLine = logLine
    }
  }

  /// At most this many abandoned loads may still be winding down; past it, changed files wait for
  /// the next reload instead of starting more work.
  public static let maxAbandonedLoads = 2

  /// One active policy.
  struct Entry: Sendable {
    let policy: CompiledPolicy
    let loadedAt: Int64
    let file: String
    let source: String
    var lastError: WireError?
    /// The ``FileRecord/generation`` it was activated from (`nil` for a version recovered from the log).
    var generation: Int?
  }

  /// What decisions and the status endpoints read.
  struct State: Sendable {
    var entries: [String: Entry] = [:]
    /// Errors of files that have no active policy (their id is the file name).
    var orphanErrors: [String: (file: String, error: WireError)] = [:]
  }

  /// The last load of one file, kept by the reload thread to tell whether the file changed.
  struct FileRecord: Sendable {
    /// The SHA-256 of the file's bytes and the fingerprints of the files it read; `nil` to retry.
    var key: FileKey?
    var loaded: PolicyFolder.Loaded?
    /// Why the load was not finished (abandoned, or too many abandoned loads still running).
    var unfinished: WireError?
    /// Counts loads, so an entry can tell which load it came from.
    var generation: Int
    /// What the last pass reported for this file, to report only changes.
    var lastOutcome: String?
  }

  struct FileKey: Hashable, Sendable {
    var sourceHash: String
    var referenced: [String: [Int64]]
  }

  /// State only the reload thread touches (behind a lock so the type stays `Sendable`).
  struct ReloadState: Sendable {
    var records: [String: FileRecord] = [:]
    /// File path to the policy id it last produced.
    var fileToPolicy: [String: String] = [:]
    var generations = 0
  }

  /// The folder of policies.
  public let directory: String
  /// The engine's settings.
  public let configuration: Configuration
  let folder: PolicyFolder
  let log: DecisionLog?
  let state = Mutex(State())
  let reloadState = Mutex(ReloadState())
  let ready = Atomic<Bool>(false)
  let abandonedRunning = Atomic<Int>(0)
  private let reloader = ReloadThread()

  /// Creates an engine over `directory` and starts its reload thread; call ``reload()`` to load.
  public init(directory: String, log: DecisionLog?, configuration: Configuration = Configuration()) {
    self.directory = directory
    self.log = log
    self.configuration = configuration
    folder = PolicyFolder(directory, allowing: configuration.allowedPaths, limits: configuration.limits, relativeNames: true)
    reloader.start { [weak self] in self?.pass() }
  }

  deinit { reloader.stop() }

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

  /// Reloads on the reload thread and waits for the results: one per file whose outcome changed.
  public func reload() -> [ReloadResult] {
    let box = ResultBox()
    reloader.submit { results in box.put(results) }
    return box.take()
  }

  /// Queues a reload on the reload thread; `completion` runs there with the results. Returns at once.
  public func reload(then completion: @escaping @Sendable ([ReloadResult]) -> Void) {
    reloader.submit(completion)
  }

  /// One reload pass, on the reload thread.
  func pass() -> [ReloadResult] {
    defer { ready.store(true, ordering: .releasing) }
    let paths: [String]
    switch folder.files() {
    case .success(let found): paths = found
    case .failure(.empty): paths = []
    case .failure(let problem):
      // A folder that is missing or unlistable for a moment (being replaced) takes nothing down.
      configuration.logLine("reload: \(problem); the policies serving keep serving")
      return []
    }
    var results: [ReloadResult] = []
    var changed = Set<String>()
    for path in paths where refresh(path) { changed.insert(path) }
    retireDeletedFiles(keeping: Set(paths))
    let records = reloadState.withLock { $0.records }
    let duplicates = PolicyFolder.duplicates(paths.compactMap { path in
      records[path]?.loaded.flatMap { l in l.id.map { (l.name, $0, l.source!) } }
    })
    for path in paths {
      guard let record = records[path] else { continue }
      let (outcome, result) = settle(path, record, duplicates: duplicates[(path as NSString).lastPathComponent])
      if changed.contains(path) || outcome != record.lastOutcome { results.append(result) }
      reloadState.withLock { $0.records[path]?.lastOutcome = outcome }
    }
    return results
  }

  /// Loads `path` again when its content or a file it read changed; returns whether it did.
  func refresh(_ path: String) -> Bool {
    let previous = reloadState.withLock { $0.records[path] }
    if let previous, let key = previous.key, key == currentKey(path, previous: key) { return false }
    let generation = reloadState.withLock { s -> Int in s.generations += 1; return s.generations }
    var record = FileRecord(key: nil, loaded: nil, unfinished: nil, generation: generation, lastOutcome: previous?.lastOutcome)
    if abandonedRunning.load(ordering: .relaxed) >= Self.maxAbandonedLoads {
      record.unfinished = timeoutError(path, message: "earlier abandoned reloads are still running; '\(name(path))' is loaded at a later reload")
    } else {
      let folder = self.folder
      let limit = configuration.reloadTimeLimitSeconds
      let loaded = ReloadJob.run(limit: limit, onAbandonedExit: { [abandoned = self.abandonedCounter] in abandoned.decrement() }) { shouldStop in
        folder.load(path, test: true, shouldStop: shouldStop)
      }
      if let loaded {
        record.loaded = loaded
        record.key = loaded.sourceHash.map { FileKey(sourceHash: $0, referenced: loaded.filesRead) } ?? Self.refusedKey(path)
      } else {
        abandonedRunning.add(1, ordering: .relaxed)
        record.unfinished = timeoutError(path, message: "loading and testing '\(name(path))' took longer than the reload limit of \(Self.seconds(limit)); abandoned")
        configuration.logLine("reload \(name(path)): abandoned after \(Self.seconds(limit)) (the reload time limit); the previous version keeps serving")
      }
    }
    reloadState.withLock { $0.records[path] = record }
    return true
  }

  /// The key of the file as it is now: its bytes' hash and the current fingerprints of the files its last load read.
  func currentKey(_ path: String, previous: FileKey) -> FileKey {
    guard case .success(let file) = ConfinedFile.read(path, confinement: FileConfinement(folder: directory), maxBytes: configuration.limits.maxPolicyBytes) else {
      return Self.refusedKey(path)
    }
    var referenced: [String: [Int64]] = [:]
    for resolved in previous.referenced.keys { referenced[resolved] = ConfinedFile.currentFingerprint(resolved) ?? [] }
    return FileKey(sourceHash: SHA256.hex(file.bytes), referenced: referenced)
  }

  /// The key of a policy file the file rules refused (a FIFO, too large, outside): its stamp, so
  /// the refusal is reported once, not at every reload, and any change to the file retries it.
  static func refusedKey(_ path: String) -> FileKey {
    FileKey(sourceHash: "refused", referenced: [path: ConfinedFile.currentFingerprint(path) ?? []])
  }

  /// Activates the file's new version or records why not; returns the outcome (to report changes) and the result.
  func settle(_ path: String, _ record: FileRecord, duplicates: [Diagnostic]?) -> (String, ReloadResult) {
    let file = name(path)
    let previousID = reloadState.withLock { $0.fileToPolicy[path] }
    let fallbackID = previousID ?? (file as NSString).deletingPathExtension
    if let unfinished = record.unfinished {
      return ("unfinished", fail(id: previousID ?? fallbackID, file: file, unfinished, path: path))
    }
    guard let loaded = record.loaded, let id = loaded.id else {
      let diagnostics = record.loaded?.diagnostics ?? []
      let error = Self.invalid(fallbackID, diagnostics, file: file)
      return ("error:" + String(decoding: error.json, as: UTF8.self), fail(id: fallbackID, file: file, error, path: path))
    }
    // A file whose `policy:` id changed takes its old id out of service.
    if let previousID, previousID != id {
      state.withLock { s in if s.entries[previousID]?.file == file { s.entries[previousID] = nil } }
    }
    if let duplicates {
      let error = Self.invalid(id, duplicates, file: file)
      return ("error:" + String(decoding: error.json, as: UTF8.self), fail(id: id, file: file, error, path: path))
    }
    guard let compiled = loaded.policy else {
      let error = Self.invalid(id, loaded.diagnostics, file: file)
      return ("error:" + String(decoding: error.json, as: UTF8.self), fail(id: id, file: file, error, path: path))
    }
    activate(compiled, loaded: loaded, path: path, generation: record.generation)
    return ("ok:" + compiled.version, ReloadResult(policy: id, version: compiled.version))
  }

  /// Swaps a tested version in (or, when the same load is serving already, clears its error).
  func activate(_ compiled: CompiledPolicy, loaded: PolicyFolder.Loaded, path: String, generation: Int) {
    reloadState.withLock { $0.fileToPolicy[path] = compiled.id }
    let serving = state.withLock { s -> Bool in
      guard s.entries[compiled.id]?.generation == generation else { return false }
      s.entries[compiled.id]?.lastError = nil
      return true
    }
    if serving { return }
    let text = loaded.source?.text ?? ""
    let entry = Entry(policy: compiled, loadedAt: LogTime.nowMicros(), file: loaded.name, source: text, lastError: nil, generation: generation)
    try? log?.recordPolicyVersion(PolicyVersionRecord(hash: compiled.version, policy: compiled.id, source: text, loadedAt: entry.loadedAt))
    state.withLock { s in
      s.entries[compiled.id] = entry
      s.orphanErrors[compiled.id] = nil
    }
  }

  /// A deleted file takes its policy (and any error it reported) out of service.
  func retireDeletedFiles(keeping paths: Set<String>) {
    let (gone, remaining) = reloadState.withLock { s -> ([String: String], Set<String>) in
      var gone: [String: String] = [:]
      for path in s.records.keys where !paths.contains(path) { s.records[path] = nil }
      for (path, id) in s.fileToPolicy where !paths.contains(path) {
        gone[path] = id
        s.fileToPolicy[path] = nil
      }
      return (gone, Set(s.fileToPolicy.values))
    }
    let names = Set(paths.map(name))
    state.withLock { s in
      for id in gone.values where !remaining.contains(id) { s.entries[id] = nil }
      for (id, orphan) in s.orphanErrors where !names.contains(orphan.file) { s.orphanErrors[id] = nil }
    }
  }

  /// Records a failed load; the previous version (or the last logged one at start-up) keeps serving.
  func fail(id: String, file: String, _ error: WireError, path: String) -> ReloadResult {
    let hasEntry = state.withLock { s -> Bool in
      guard s.entries[id] != nil else { return false }
      s.entries[id]!.lastError = error
      return true
    }
    if hasEntry {
      reloadState.withLock { s in if s.fileToPolicy[path] == nil { s.fileToPolicy[path] = id } }
    } else if let recovered = recoverFromLog(id: id, file: file) {
      var e = recovered
      e.lastError = error
      state.withLock { $0.entries[id] = e }
      reloadState.withLock { $0.fileToPolicy[path] = id }
    } else {
      state.withLock { $0.orphanErrors[id] = (file, error) }
    }
    return ReloadResult(policy: id, version: nil, error: error)
  }

  /// The last version of `id` the decision log saw, compiled again (models resolve in the folder).
  func recoverFromLog(id: String, file: String) -> Entry? {
    guard let log, let reader = try? DecisionLogReader(path: log.configuration.path), let version = try? reader.latestPolicyVersion(policy: id) else { return nil }
    let source = SourceFile(path: file, bytes: Array(version.source.utf8))
    guard let compiled = PolicyLoader.load(source, limits: configuration.limits, directory: directory, allowing: configuration.allowedPaths).0 else { return nil }
    return Entry(policy: compiled, loadedAt: LogTime.nowMicros(), file: file, source: version.source, lastError: nil, generation: nil)
  }

  func name(_ path: String) -> String { (path as NSString).lastPathComponent }

  func timeoutError(_ path: String, message: String) -> WireError {
    let id = reloadState.withLock { $0.fileToPolicy[path] } ?? (name(path) as NSString).deletingPathExtension
    return WireError.invalidPolicy(id, errors: [WireErrorDetail(code: "policy_reload_timeout", location: WireLocation(file: name(path), line: nil, column: nil, path: nil), message: message)])
  }

  static func seconds(_ value: Double) -> String {
    value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
  }

  /// The error a refused file reports: its error diagnostics (at most 100), located in the file.
  static func invalid(_ id: String, _ diagnostics: [Diagnostic], file: String) -> WireError {
    WireError.invalidPolicy(id, errors: diagnostics.filter { $0.severity == .error }.prefix(100).map { detail($0, file: file) })
  }

  static func detail(_ d: Diagnostic, file: String) -> WireErrorDetail {
    let loc = d.file.map { $0.location(of: d.range.start) }
    return WireErrorDetail(code: d.code.rawValue, location: WireLocation(file: file, line: loc?.line, column: loc?.column, path: nil),
                           message: d.message + (d.hint.map { " (\($0))" } ?? ""))
  }

  private var abandonedCounter: AbandonedCounter { AbandonedCounter(engine: self) }
}

/// Lets a finished abandoned load lower the engine's count without keeping the engine alive.
struct AbandonedCounter: Sendable {
  weak var engine: PolicyEngine?
  func decrement() { engine?.abandonedRunning.subtract(1, ordering: .relaxed) }
}

/// Hands one pass's results from the reload thread to a caller waiting for them.
final class ResultBox: Sendable {
  private let value = Mutex<[ReloadResult]>([])
  private let done = DispatchSemaphore(value: 0)
  func put(_ results: [ReloadResult]) {
    value.withLock { $0 = results }
    done.signal()
  }
  func take() -> [ReloadResult] {
    done.wait()
    return value.withLock { $0 }
  }
}
