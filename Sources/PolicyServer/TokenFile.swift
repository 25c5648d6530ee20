import PolicySource
import PolicyYAML

extension DiagnosticCode {
  /// The token file (`proviso serve --tokens FILE`) is not a `tokens:` list of well-formed entries.
  public static let tokenFileInvalid: DiagnosticCode = "token_file_invalid"
}

/// Reads the token file of `proviso serve --tokens FILE`: YAML, or JSON (which is YAML too), of the form
///
/// ```yaml
/// tokens:
///   - name: teller-app                 # recorded with each decision it makes
///     sha256: 9f86d081884c7d65...      # hex SHA-256 of the secret, never the secret itself
///     scopes: [decide]                 # decide, read, admin
///     policies: [receivable-financing] # optional: the only policies it may decide
/// ```
///
/// Every problem is a located diagnostic with the code ``DiagnosticCode/tokenFileInvalid`` (or a
/// YAML loader code for a syntax error); names and hashes must be unique.
public enum TokenFile {
  /// The tokens of `file`, or the diagnostics that make it unusable (then no token is returned).
  public static func load(_ file: SourceFile) -> ([AccessToken], [Diagnostic]) {
    let (document, loadDiagnostics) = YAMLLoader.load(file)
    if loadDiagnostics.hasErrors { return ([], loadDiagnostics) }
    var reader = Reader(file: file)
    guard let root = document?.root, let entries = root["tokens"]?.sequence else {
      reader.error(document?.root, "the token file must be a mapping with a 'tokens' list")
      return ([], reader.diagnostics)
    }
    if entries.isEmpty { reader.error(root["tokens"], "the 'tokens' list is empty") }
    var tokens: [AccessToken] = []
    for entry in entries {
      if let token = reader.token(entry) {
        if tokens.contains(where: { $0.name == token.name }) { reader.error(entry["name"], "token name '\(token.name)' is used twice") }
        if tokens.contains(where: { $0.secretSHA256 == token.secretSHA256 }) { reader.error(entry["sha256"], "token '\(token.name)' has the same sha256 as another token") }
        tokens.append(token)
      }
    }
    return reader.diagnostics.isEmpty ? (tokens, []) : ([], reader.diagnostics)
  }

  private struct Reader {
    let file: SourceFile
    var diagnostics: [Diagnostic] = []

    mutating func error(_ node: YAMLNode?, _ message: String) {
      diagnostics.append(Diagnostic(code: .tokenFileInvalid, message: message, range: node?.range ?? SourceRange(at: 0), file: file))
    }

    mutating func token(_ entry: YAMLNode) -> AccessToken? {
      guard let pairs = entry.mapping else {
        error(entry, "each token must be a mapping with name, sha256 and scopes")
        return nil
      }
      for pair in pairs {
        let key = pair.key.scalar?.value ?? ""
        if !["name", "sha256", "scopes", "policies"].contains(key) { error(pair.key, "unknown token field '\(key)'; expected name, sha256, scopes or policies") }
      }
      guard let name = text(entry, "name"), let hash = text(entry, "sha256") else { return nil }
      guard hash.utf8.count == 64, hash.utf8.allSatisfy({ isHexDigit($0) }) else {
        error(entry["sha256"], "sha256 of token '\(name)' must be 64 hex digits (the SHA-256 of the secret, e.g. from sha256sum)")
        return nil
      }
      guard let scopeNames = list(entry, "scopes", required: true) else { return nil }
      var scopes = Set<AccessScope>()
      for (node, scopeName) in scopeNames {
        guard let scope = AccessScope(rawValue: scopeName) else {
          error(node, "unknown scope '\(scopeName)' of token '\(name)'; expected decide, read or admin")
          return nil
        }
        scopes.insert(scope)
      }
      if scopes.isEmpty { error(entry["scopes"], "token '\(name)' has no scopes") }
      var policies: Set<String>?
      if entry["policies"] != nil {
        guard let listed = list(entry, "policies", required: false) else { return nil }
        if !scopes.contains(.decide) { error(entry["policies"], "token '\(name)' lists policies but has no 'decide' scope") }
        policies = Set(listed.map(\.1))
      }
      return AccessToken(name: name, secretSHA256: hash, scopes: scopes, policies: policies)
    }

    private mutating func text(_ entry: YAMLNode, _ key: String) -> String? {
      guard let node = entry[key] else {
        error(entry, "token is missing '\(key)'")
        return nil
      }
      guard let value = node.scalar?.value, !value.isEmpty else {
        error(node, "'\(key)' must be a non-empty string")
        return nil
      }
      return value
    }

    private mutating func list(_ entry: YAMLNode, _ key: String, required: Bool) -> [(YAMLNode, String)]? {
      guard let node = entry[key] else {
        if required { error(entry, "token is missing '\(key)'") }
        return required ? nil : []
      }
      guard let items = node.sequence else {
        error(node, "'\(key)' must be a list")
        return nil
      }
      var values: [(YAMLNode, String)] = []
      for item in items {
        guard let value = item.scalar?.value, !value.isEmpty else {
          error(item, "each item of '\(key)' must be a non-empty string")
          return nil
        }
        values.append((item, value))
      }
      return values
    }
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 6
  }
}
