import Foundation
import PolicyExpr
import PolicyYAML

/// Loads policy files: read, parse YAML, decode, compile. The facade the CLI and the service use;
/// a folder of policies is a ``PolicyFolder``.
///
/// Every file is read through ``ConfinedFile``: a regular file, opened without blocking, its size
/// checked against ``Limits/maxPolicyBytes`` (or ``PolicyFileAccess/maxReferencedFileBytes`` for the
/// models and GeoJSON it references) on the open descriptor before a byte is read. Referenced files
/// must resolve inside the policy's folder or one of the `allowing` directories.
public enum PolicyLoader {
  /// Loads one policy file; `nil` with every diagnostic when it does not compile. Files it
  /// references resolve from, and are confined to, the file's folder and `allowing`.
  public static func load(path: String, limits: Limits = .default, allowing: [String] = []) -> (CompiledPolicy?, [Diagnostic]) {
    switch read(path: path, limits: limits, confinement: nil) {
    case .failure(let diagnostic): return (nil, [diagnostic])
    case .success(let file): return load(file, limits: limits, allowing: allowing)
    }
  }

  /// Reads a policy file under the file rules, `display` naming it in diagnostics; a refusal is one
  /// located diagnostic (`policy_file_outside_folder`, `policy_file_not_regular`,
  /// `policy_file_too_large`, `policy_file_unreadable`) that quotes no byte of the file.
  public static func read(path: String, display: String? = nil, limits: Limits = .default, confinement: FileConfinement?) -> Result<SourceFile, Diagnostic> {
    let shown = display ?? path
    switch ConfinedFile.read(path, confinement: confinement, maxBytes: limits.maxPolicyBytes) {
    case .success(let file): return .success(SourceFile(path: shown, bytes: file.bytes))
    case .failure(let problem):
      let named = problem.renamed(shown)
      return .failure(Diagnostic(.error, code: named.code, message: named.description, range: SourceRange(at: 0), file: SourceFile(path: shown, bytes: [])))
    }
  }

  /// Loads a policy from its source; files it references are found in `directory` (by default
  /// the folder of `file.path`), so the source may carry a short display path. They are read
  /// through `files` when given (which records what was read), else confined to `directory` and `allowing`.
  public static func load(_ file: SourceFile, limits: Limits = .default, directory: String? = nil, allowing: [String] = [],
                          files: PolicyFileAccess? = nil) -> (CompiledPolicy?, [Diagnostic]) {
    let (document, yamlDiagnostics) = YAMLLoader.load(file, limits: limits)
    guard let document, !yamlDiagnostics.hasErrors else { return (nil, yamlDiagnostics) }
    let (policy, decodeDiagnostics) = PolicyDecoder.decode(document)
    guard let policy, !decodeDiagnostics.hasErrors else { return (nil, yamlDiagnostics + decodeDiagnostics) }
    let base = directory ?? (file.path as NSString).deletingLastPathComponent
    let access = files ?? PolicyFileAccess(base: base.isEmpty ? "." : base, allowing: allowing)
    let (compiled, compileDiagnostics) = PolicyCompiler.compile(policy, sourceHash: SHA256.hex(file.bytes), limits: limits, directory: access.base, files: access)
    // An expression checked in two places (a cell type-checked per column) reports once.
    var seen = Set<Diagnostic>()
    return (compiled, (yamlDiagnostics + decodeDiagnostics + compileDiagnostics).filter { seen.insert($0).inserted })
  }

  /// The policy files under `path` (a file, or a folder's `*.yaml` / `*.yml`, sorted); a missing
  /// path is returned as is, so loading it reports the error. ``PolicyFolder/files()`` tells them apart.
  public static func policyFiles(at path: String) -> [String] {
    (try? PolicyFolder(path).files().get()) ?? [path]
  }
}

extension ConfinedFileError {
  /// The same refusal naming the file as `path`.
  func renamed(_ path: String) -> ConfinedFileError {
    switch self {
    case .outsideFolder: .outsideFolder(path: path)
    case .notRegular(_, let kind): .notRegular(path: path, kind: kind)
    case .tooLarge(_, let size, let limit): .tooLarge(path: path, size: size, limit: limit)
    case .unreadable(_, let reason): .unreadable(path: path, reason: reason)
    }
  }
}
