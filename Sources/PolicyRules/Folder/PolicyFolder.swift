import Foundation
import PolicyExpr

extension DiagnosticCode {
  /// The policy folder (or file) given does not exist.
  public static let policyFolderMissing: DiagnosticCode = "policy_folder_missing"
  /// The policy folder has no `*.yaml` / `*.yml` file.
  public static let policyFolderEmpty: DiagnosticCode = "policy_folder_empty"
  /// The policy folder cannot be listed.
  public static let policyFolderUnreadable: DiagnosticCode = "policy_folder_unreadable"
  /// A policy's own test failed, so the version is refused (the self-test gate).
  public static let policyTestFailed: DiagnosticCode = "policy_test_failed"
  /// A policy's tests were stopped before they all ran (a reload past its time limit), so the version is refused.
  public static let policyTestsStopped: DiagnosticCode = "policy_tests_stopped"
}

/// A folder of policy files: the one model `proviso check`, `proviso test` and `proviso serve` share.
///
/// The policy files are the folder's `*.yaml` / `*.yml` entries (not recursive), sorted by name; a
/// path that is a file is a folder of that one file. Each file is read confined to the folder (a
/// symlink out of it is refused), and the files it references are confined to the folder and the
/// `allowing` directories. Two files that define one policy id are both in error. A version is
/// accepted only if it compiles and its own `tests:` pass (``selfTest(_:shouldStop:)``).
public struct PolicyFolder: Sendable {
  /// The folder (or single file) as given.
  public let path: String
  /// Directories outside the folder that referenced files may come from (`--allow-path`).
  public let allowed: [String]
  /// The limits policies load under.
  public let limits: Limits
  /// Whether diagnostics name files relative to the folder (`limits.yaml`, as the service shows
  /// them) rather than joined to ``path`` (`policies/limits.yaml`, as the CLI prints them).
  public let relativeNames: Bool

  /// A folder at `path`.
  public init(_ path: String, allowing allowed: [String] = [], limits: Limits = .default, relativeNames: Bool = false) {
    self.path = path
    self.allowed = allowed
    self.limits = limits
    self.relativeNames = relativeNames
  }

  /// Why the folder's files could not be listed.
  public enum ListingError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String), empty(String), unreadable(String, reason: String)

    /// A lowercase message quoting the folder.
    public var description: String {
      switch self {
      case .missing(let path): "policy \(path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? "file" : "folder") '\(path)' does not exist"
      case .empty(let path): "policy folder '\(path)' has no policy files (*.yaml, *.yml)"
      case .unreadable(let path, let reason): "cannot list policy folder '\(path)': \(reason)"
      }
    }

    /// The diagnostic code.
    public var code: DiagnosticCode {
      switch self {
      case .missing: .policyFolderMissing
      case .empty: .policyFolderEmpty
      case .unreadable: .policyFolderUnreadable
      }
    }

    /// The error as a diagnostic located at the folder.
    public var diagnostic: Diagnostic {
      let path = switch self { case .missing(let p), .empty(let p), .unreadable(let p, _): p }
      return Diagnostic(.error, code: code, message: description, range: SourceRange(at: 0), file: SourceFile(path: path, bytes: []))
    }
  }

  /// Whether ``path`` names a single file rather than a folder.
  public var isSingleFile: Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
  }

  /// The folder the policies live in (the file's folder for a single file).
  public var directory: String { isSingleFile ? (path as NSString).deletingLastPathComponent.nonEmpty : path }

  /// The policy files, sorted, as paths joined to ``path``; an empty folder is an error.
  public func files() -> Result<[String], ListingError> {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing(path)) }
    guard isDirectory.boolValue else { return .success([path]) }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
      return .failure(.unreadable(path, reason: (error as NSError).localizedDescription.lowercased()))
    }
    let policies = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
    guard !policies.isEmpty else { return .failure(.empty(path)) }
    return .success(policies.map { (path as NSString).appendingPathComponent($0) })
  }

  /// One policy file, read and compiled (and tested, when asked).
  public struct Loaded: Sendable {
    /// The file's path, joined to the folder's.
    public let path: String
    /// The name diagnostics use (see ``relativeNames``).
    public let name: String
    /// The file as read, or `nil` when it was refused.
    public let source: SourceFile?
    /// The compiled policy; `nil` when the file has an error (including a failed test or a duplicate id).
    public var policy: CompiledPolicy?
    /// The id the file defines, when it compiled (kept when a later step refuses the file).
    public let id: String?
    /// Every diagnostic: loading, compiling, duplicate ids, failed tests.
    public var diagnostics: [Diagnostic]
    /// The referenced files read: resolved path to fingerprint (see ``ConfinedFile/fingerprint``).
    public let filesRead: [String: [Int64]]
    /// The SHA-256 of the file's bytes, or `nil` when it was refused.
    public var sourceHash: String? { source.map { SHA256.hex($0.bytes) } }
  }

  /// Reads and compiles the policy file `file` of this folder; with `test`, also runs its own
  /// tests and refuses the version when one fails (`shouldStop` abandons the run between tests).
  public func load(_ file: String, test: Bool = false, shouldStop: @Sendable () -> Bool = { false }) -> Loaded {
    let name = displayName(file)
    let confinement = isSingleFile ? nil : FileConfinement(folder: path)
    let access = PolicyFileAccess(base: directory, allowing: allowed)
    switch PolicyLoader.read(path: file, display: name, limits: limits, confinement: confinement) {
    case .failure(let diagnostic):
      return Loaded(path: file, name: name, source: nil, policy: nil, id: nil, diagnostics: [diagnostic], filesRead: [:])
    case .success(let source):
      let (compiled, diagnostics) = PolicyLoader.load(source, limits: limits, files: access)
      var loaded = Loaded(path: file, name: name, source: source, policy: compiled, id: compiled?.id, diagnostics: diagnostics, filesRead: access.filesRead)
      if test, let compiled {
        let failures = Self.selfTest(compiled, shouldStop: shouldStop)
        if !failures.isEmpty { loaded.policy = nil; loaded.diagnostics += failures }
      }
      return loaded
    }
  }

  /// Every policy file of the folder, loaded (and tested, when asked), with duplicate ids refused at both files.
  public func loadAll(test: Bool = false) -> Result<[Loaded], ListingError> {
    files().map { paths in
      var loads = paths.map { load($0, test: test) }
      let duplicates = Self.duplicates(loads.compactMap { l in l.id.map { (l.name, $0, l.source!) } })
      for i in loads.indices {
        guard let found = duplicates[loads[i].name] else { continue }
        loads[i].policy = nil
        loads[i].diagnostics += found
      }
      return loads
    }
  }

  /// The diagnostics of files that define an id another file also defines, by file name: each is
  /// located at the file's `policy:` value and names the other files.
  public static func duplicates(_ files: [(name: String, id: String, source: SourceFile)]) -> [String: [Diagnostic]] {
    var out: [String: [Diagnostic]] = [:]
    let byID = Dictionary(grouping: files, by: \.id)
    for (id, group) in byID where group.count > 1 {
      for file in group {
        let others = group.filter { $0.name != file.name }.map { "'\($0.name)'" }.joined(separator: ", ")
        out[file.name, default: []].append(Diagnostic(.error, code: .policyDuplicateID, message: "policy id '\(id)' is also defined by \(others)",
                                                      range: idRange(in: file.source), file: file.source,
                                                      hint: "each policy id is defined by one file of the folder"))
      }
    }
    return out
  }

  /// The self-test gate: one diagnostic per failing test of `policy`, located at the test; empty when all pass.
  public static func selfTest(_ policy: CompiledPolicy, shouldStop: () -> Bool = { false }) -> [Diagnostic] {
    let (results, _) = PolicyTestRunner.run(policy, shouldStop: shouldStop)
    // A run stopped early has not passed: the gate fails closed.
    guard results.count == policy.policy.tests.count else {
      return [Diagnostic(.error, code: .policyTestsStopped, message: "the tests were stopped after \(results.count) of \(policy.policy.tests.count)",
                         range: SourceRange(at: 0), file: policy.file)]
    }
    return zip(results, policy.policy.tests).filter { !$0.0.passed }.map { result, test in
      Diagnostic(.error, code: .policyTestFailed, message: "test '\(result.name)' failed: \(result.failures.joined(separator: "; "))",
                 range: test.range, file: policy.file)
    }
  }

  func displayName(_ file: String) -> String {
    relativeNames && !isSingleFile ? (file as NSString).lastPathComponent : file
  }

  /// Where the file's `policy:` id is written (a top-level `policy:` line), else the file's start.
  static func idRange(in file: SourceFile) -> SourceRange {
    let key = Array("policy:".utf8)
    for start in file.lineStarts {
      let s = Int(start)
      guard s + key.count <= file.bytes.count, Array(file.bytes[s..<s + key.count]) == key else { continue }
      var v = s + key.count
      while v < file.bytes.count, file.bytes[v] == UInt8(ascii: " ") { v += 1 }
      var end = v
      while end < file.bytes.count, ![UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "#")].contains(file.bytes[end]) { end += 1 }
      return SourceRange(start: Int32(v), end: Int32(end))
    }
    return SourceRange(at: 0)
  }
}

extension String {
  /// The string, or `"."` when it is empty (a file name's folder).
  var nonEmpty: String { isEmpty ? "." : self }
}
