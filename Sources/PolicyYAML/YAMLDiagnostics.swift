import PolicySource

extension DiagnosticCode {
  /// libyaml could not parse the file.
  public static let yamlSyntaxError: DiagnosticCode = "yaml_syntax_error"
  /// A mapping has the same key twice.
  public static let yamlDuplicateKey: DiagnosticCode = "yaml_duplicate_key"
  /// A merge key `<<` whose value is not a mapping or a list of mappings.
  public static let yamlInvalidMerge: DiagnosticCode = "yaml_invalid_merge"
  /// Alias expansion would copy more nodes than ``Limits/maxAliasExpansions``.
  public static let yamlAliasBudget: DiagnosticCode = "yaml_alias_budget"
  /// Collections nest deeper than ``Limits/maxYAMLNesting``.
  public static let yamlNestingLimit: DiagnosticCode = "yaml_nesting_limit"
  /// The file is larger than ``Limits/maxPolicyBytes``.
  public static let yamlTooLarge: DiagnosticCode = "yaml_too_large"
  /// The file is not valid UTF-8.
  public static let yamlInvalidUTF8: DiagnosticCode = "yaml_invalid_utf8"
  /// The file holds more than one YAML document.
  public static let yamlMultipleDocuments: DiagnosticCode = "yaml_multiple_documents"
  /// An alias names an anchor that was not defined before it.
  public static let yamlUnknownAnchor: DiagnosticCode = "yaml_unknown_anchor"
  /// A mapping key is a sequence or a mapping.
  public static let yamlNonScalarKey: DiagnosticCode = "yaml_non_scalar_key"
  /// An unquoted value starting with `!` was read as a YAML tag (`require: !receivable.financed`).
  public static let yamlTagInScalar: DiagnosticCode = "yaml_tag_in_scalar"
  /// A tab character is used for indentation.
  public static let yamlTabIndent: DiagnosticCode = "yaml_tab_indent"
  /// An unquoted value contains `: `, which YAML reads as a nested mapping (`when: a ? b : c`).
  public static let yamlColonInPlainScalar: DiagnosticCode = "yaml_colon_in_plain_scalar"
}

/// The diagnostics the YAML loader emits, one factory per code.
extension Diagnostic {
  static func yamlSyntax(_ error: YAMLReaderError, file: SourceFile) -> Diagnostic {
    var message = lowercasedFirst(error.problem)
    if let value = error.problemValue, error.stage == .reader {
      let hex = String(value, radix: 16, uppercase: true)
      message += " (found U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
    }
    if let context = error.context { message += " \(context)" }
    var hint: String?
    if let contextOffset = error.contextOffset {
      let (contextLine, problemLine) = (file.location(of: contextOffset).line, file.location(of: error.problemOffset).line)
      if contextLine != problemLine { hint = "the construct started on line \(contextLine)" }
    }
    if error.problem == YAMLComposer.mappingValuesProblem {
      hint = "quote a value that contains ': ', and line a key up with the keys before it"
    }
    let at = Int(error.problemOffset)
    if error.problem == "found character that cannot start any token", at < file.bytes.count,
      file.bytes[at] == UInt8(ascii: "@") || file.bytes[at] == UInt8(ascii: "`")
    {
      let c = Character(Unicode.Scalar(file.bytes[at]))
      hint = "'\(c)' is reserved in YAML and cannot start an unquoted value; quote the value"
    }
    return Diagnostic(
      code: .yamlSyntaxError, message: message, range: SourceRange(at: error.problemOffset), file: file, hint: hint)
  }

  static func yamlDuplicateKey(_ key: String, range: SourceRange, firstLine: Int, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlDuplicateKey, message: "duplicate key '\(key)'", range: range, file: file,
      hint: "'\(key)' is first defined on line \(firstLine)")
  }

  static func yamlInvalidMerge(kind: String, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlInvalidMerge, message: "merge key '<<' takes a mapping or a list of mappings, not a \(kind)", range: range, file: file,
      hint: "write '<<: *name' with an anchor '&name' on a mapping")
  }

  static func yamlAliasBudget(_ anchor: String, limit: Int, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlAliasBudget,
      message: "alias '*\(anchor)' expands past the limit of \(limit) copied nodes", range: range, file: file,
      hint: "write the repeated part out, or use fewer nested aliases")
  }

  static func yamlNestingLimit(limit: Int, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlNestingLimit, message: "collections nest deeper than the limit of \(limit) levels",
      range: range, file: file)
  }

  static func yamlTooLarge(size: Int, limit: Int, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlTooLarge, message: "policy file is \(size) bytes, more than the limit of \(limit)",
      range: SourceRange(at: 0), file: file, hint: "split the policy into smaller files")
  }

  static func yamlInvalidUTF8(byte: UInt8, offset: Int32, file: SourceFile) -> Diagnostic {
    let hex = String(byte, radix: 16, uppercase: true)
    return Diagnostic(
      code: .yamlInvalidUTF8, message: "invalid UTF-8 byte 0x\(hex.count == 1 ? "0" + hex : hex)",
      range: SourceRange(start: offset, end: offset + 1), file: file, hint: "save the file as UTF-8")
  }

  static func yamlMultipleDocuments(range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlMultipleDocuments, message: "a policy file holds one YAML document, found a second",
      range: range, file: file, hint: "move the second document into its own file")
  }

  static func yamlUnknownAnchor(_ anchor: String, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlUnknownAnchor, message: "unknown anchor '\(anchor)'", range: range, file: file,
      hint: "define '&\(anchor)' before using '*\(anchor)'")
  }

  static func yamlNonScalarKey(kind: String, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlNonScalarKey, message: "a mapping key must be a scalar, not a \(kind)", range: range, file: file)
  }

  static func yamlTagInScalar(_ text: String, range: SourceRange, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlTagInScalar, message: "'\(text)' is read as a YAML tag, not as the expression",
      range: range, file: file, hint: "quote the expression: \(quoted(text))")
  }

  static func yamlTabIndent(offset: Int32, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlTabIndent, message: "tab character in indentation", range: SourceRange(start: offset, end: offset + 1),
      file: file, hint: "indent with spaces; YAML does not allow tabs for indentation")
  }

  static func yamlColonInPlainScalar(_ text: String, offset: Int32, file: SourceFile) -> Diagnostic {
    Diagnostic(
      code: .yamlColonInPlainScalar, message: "': ' inside the unquoted value '\(text)' is read as a YAML mapping",
      range: SourceRange(start: offset, end: offset + 1), file: file,
      hint: "quote the \(text.contains(" ? ") ? "expression" : "value"): \(quoted(text))")
  }

  /// `text` in double quotes, or in single quotes when it contains a double quote.
  static func quoted(_ text: String) -> String {
    if !text.contains("\"") && !text.contains("\\") { return "\"\(text)\"" }
    return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }

  private static func lowercasedFirst(_ s: String) -> String {
    guard let first = s.first, first.isUppercase else { return s }
    return first.lowercased() + s.dropFirst()
  }
}
