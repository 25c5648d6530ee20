import PolicyExpr

/// Stable codes of policy-level diagnostics.
extension DiagnosticCode {
  /// A key the format does not define.
  public static let policyUnknownKey: DiagnosticCode = "policy_unknown_key"
  /// A required key is absent.
  public static let policyMissingKey: DiagnosticCode = "policy_missing_key"
  /// A value of the wrong shape or out of its allowed set.
  public static let policyInvalidValue: DiagnosticCode = "policy_invalid_value"
  /// Two checks, tables, rules, alerts, lets or outputs share an id.
  public static let policyDuplicateID: DiagnosticCode = "policy_duplicate_id"
  /// A type string or field type that is not valid.
  public static let policyInvalidType: DiagnosticCode = "policy_invalid_type"
  /// `let` values that depend on each other in a cycle.
  public static let policyLetCycle: DiagnosticCode = "policy_let_cycle"
  /// A referenced file (model, GeoJSON) that cannot be read or is invalid.
  public static let policyFileError: DiagnosticCode = "policy_file_error"
  /// A decision-table row or cell that is malformed.
  public static let policyTableError: DiagnosticCode = "policy_table_error"
  /// A row that can never match under the `first` hit policy.
  public static let policyUnreachableRow: DiagnosticCode = "policy_unreachable_row"
  /// Rows that overlap under the `unique` hit policy.
  public static let policyOverlappingRows: DiagnosticCode = "policy_overlapping_rows"
  /// An expression of the wrong result type for its place (a check that is not bool).
  public static let policyExpressionType: DiagnosticCode = "policy_expression_type"
  /// A model feature or model id that does not match the model file.
  public static let policyModelMismatch: DiagnosticCode = "policy_model_mismatch"
}
