import PolicySource

/// Loads a policy file's YAML into ``YAMLNode``s, with every problem reported as a located diagnostic.
///
/// The loader checks the file's size and UTF-8 first, then reads libyaml's events into nodes under
/// the YAML 1.2 core schema: one document per file, duplicate keys are errors, aliases are expanded
/// under ``Limits/maxAliasExpansions`` and collections nest at most ``Limits/maxYAMLNesting`` deep.
/// It recognizes the YAML mistakes policy authors make most (a tab in indentation, `!expr` read as a
/// tag, `a ? b : c` read as a mapping) and reports each with its own code and a suggested fix.
///
/// Codes (see the `DiagnosticCode` constants in this module): `yaml_too_large`, `yaml_invalid_utf8`
/// (checked before libyaml runs, nothing else is reported); `yaml_syntax_error`, `yaml_tab_indent`,
/// `yaml_tag_in_scalar`, `yaml_colon_in_plain_scalar` (each replaces libyaml's error when it explains
/// it; `yaml_tag_in_scalar` is also reported on a document that loads); `yaml_nesting_limit`,
/// `yaml_alias_budget` (loading stops); `yaml_duplicate_key`, `yaml_unknown_anchor`,
/// `yaml_non_scalar_key`, `yaml_multiple_documents` (the document is still returned).
public enum YAMLLoader {
  /// Loads `file`.
  ///
  /// - Returns: The document when the YAML could be read (possibly with error diagnostics such as
  ///   duplicate keys, so the caller can report more at once), or `nil` after a syntax error or a
  ///   crossed limit; and the diagnostics, in the order found.
  public static func load(_ file: SourceFile, limits: Limits = .default) -> (YAMLDocument?, [Diagnostic]) {
    if file.bytes.count > limits.maxPolicyBytes {
      return (nil, [.yamlTooLarge(size: file.bytes.count, limit: limits.maxPolicyBytes, file: file)])
    }
    if let bad = YAMLPreflight.firstInvalidUTF8(file.bytes) {
      return (nil, [.yamlInvalidUTF8(byte: file.bytes[bad], offset: Int32(bad), file: file)])
    }
    return file.bytes.withUnsafeBufferPointer { bytes in
      var composer = YAMLComposer(file: file, bytes: bytes, limits: limits)
      let document = composer.compose() ? YAMLDocument(root: composer.root, file: file) : nil
      return (document, composer.diagnostics)
    }
  }
}
