import Foundation
import PolicyExpr
import PolicyYAML

/// Loads policy files: read, parse YAML, decode, compile. The facade the CLI and the service use.
public enum PolicyLoader {
  /// Loads one policy file; `nil` with every diagnostic when it does not compile.
  public static func load(path: String, limits: Limits = .default) -> (CompiledPolicy?, [Diagnostic]) {
    guard let data = FileManager.default.contents(atPath: path) else {
      let file = SourceFile(path: path, bytes: [])
      return (nil, [Diagnostic(.error, code: .policyFileError, message: "cannot read '\(path)'", range: SourceRange(at: 0), file: file)])
    }
    return load(SourceFile(path: path, bytes: Array(data)), limits: limits)
  }

  /// Loads a policy from its source; files it references are found in `directory` (by default
  /// the folder of `file.path`), so the source may carry a short display path.
  public static func load(_ file: SourceFile, limits: Limits = .default, directory: String? = nil) -> (CompiledPolicy?, [Diagnostic]) {
    let (document, yamlDiagnostics) = YAMLLoader.load(file, limits: limits)
    guard let document, !yamlDiagnostics.hasErrors else { return (nil, yamlDiagnostics) }
    let (policy, decodeDiagnostics) = PolicyDecoder.decode(document)
    guard let policy, !decodeDiagnostics.hasErrors else { return (nil, yamlDiagnostics + decodeDiagnostics) }
    let (compiled, compileDiagnostics) = PolicyCompiler.compile(policy, sourceHash: SHA256.hex(file.bytes), limits: limits, directory: directory)
    // An expression checked in two places (a cell type-checked per column) reports once.
    var seen = Set<Diagnostic>()
    return (compiled, (yamlDiagnostics + decodeDiagnostics + compileDiagnostics).filter { seen.insert($0).inserted })
  }

  /// The policy files under `path` (a file, or a folder searched for `*.yaml` / `*.yml`, sorted).
  public static func policyFiles(at path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
    guard isDirectory.boolValue else { return [path] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
  }
}
