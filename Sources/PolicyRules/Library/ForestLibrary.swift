import PolicyExpr

/// Placeholder until the forest scorer lands: a loaded model.
public struct LoadedModel: Sendable {}

/// The `forest` functions (bound once the scorer lands).
public enum ForestLibrary {
  /// Declarations bound to the policy's models.
  public static func functions(models: [String: LoadedModel]) -> [FunctionDecl] { [] }
}

extension PolicyCompiler {
  mutating func loadModels(_ hashes: inout [(String, String)]) -> [String: LoadedModel] {
    for m in policy.models { error(.policyFileError, "model '\(m.id)' cannot be loaded: the forest scorer is not available in this build", m.range) }
    return [:]
  }
  mutating func warnUnusedModels(_ models: [String: LoadedModel]) {}
}
