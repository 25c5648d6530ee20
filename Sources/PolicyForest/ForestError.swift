/// Why a model could not be loaded or a row could not be scored.
///
/// Every error names the model file (when one is involved) and says what is wrong in a lowercase
/// phrase; ``code`` is a stable snake_case identifier that tools can match on.
public struct ForestError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The stable snake_case code, such as `model_corrupt` or `invalid_feature_value`.
  public var code: String
  /// A lowercase phrase without a final period, quoting the offending text.
  public var message: String
  /// The model file the error is about, or `nil` for errors not tied to a file.
  public var path: String?

  /// Creates an error.
  public init(code: String, message: String, path: String? = nil) {
    self.code = code
    self.message = message
    self.path = path
  }

  /// `path: message [code]`, or `message [code]` without a path.
  public var description: String {
    if let path { return "\(path): \(message) [\(code)]" }
    return "\(message) [\(code)]"
  }

  /// The same error attributed to `path`.
  func at(_ path: String) -> ForestError {
    var copy = self
    if copy.path == nil { copy.path = path }
    return copy
  }
}

extension ForestError {
  static func unreadable(_ path: String, _ reason: String) -> ForestError {
    .init(code: "model_unreadable", message: "cannot read model file: \(reason)", path: path)
  }
  static func tooLarge(_ path: String, size: Int, limit: Int) -> ForestError {
    .init(
      code: "model_too_large",
      message: "model file is \(size) bytes, more than the limit of \(limit) bytes", path: path)
  }
  static func unknownFormat(_ path: String) -> ForestError {
    .init(
      code: "model_unknown_format",
      message: "not a proviso-forest JSON, compact forest, XGBoost JSON or LightGBM text model",
      path: path)
  }
  static func corrupt(_ message: String, offset: Int? = nil) -> ForestError {
    if let offset { return .init(code: "model_corrupt", message: "\(message) at byte \(offset)") }
    return .init(code: "model_corrupt", message: message)
  }
  static func unsupported(_ message: String) -> ForestError {
    .init(code: "model_unsupported", message: message)
  }
  static func inconsistent(_ message: String) -> ForestError {
    .init(code: "model_inconsistent", message: message)
  }
  static func hashMismatch(declared: String, computed: String) -> ForestError {
    .init(
      code: "model_hash_mismatch",
      message: "content hash '\(declared)' does not match the content (sha256:\(computed))")
  }
  static func featureCount(expected: Int, got: Int) -> ForestError {
    .init(
      code: "invalid_feature_count", message: "expected \(expected) feature values, got \(got)")
  }
  static func invalidValue(feature: String, value: Double) -> ForestError {
    .init(
      code: "invalid_feature_value",
      message: "feature '\(feature)' is \(value): infinity or a value too large for float32")
  }
  static func wrongKind(_ message: String) -> ForestError {
    .init(code: "wrong_model_kind", message: message)
  }
}
