/// A stable, snake_case identifier for a kind of diagnostic (like OPA's `rego_type_error`).
///
/// Codes are part of the public contract: tools match on them, so they never change once published.
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
  ExpressibleByStringLiteral
{
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public var description: String { rawValue }
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable {
  case error, warning, note
  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  private var rank: Int { switch self { case .error: 0; case .warning: 1; case .note: 2 } }
}

/// A located message from any phase: YAML loading, parsing, type checking, policy decoding.
public struct Diagnostic: Sendable, Hashable, Error {
  /// How serious it is.
  public var severity: Severity
  /// The stable code.
  public var code: DiagnosticCode
  /// A lowercase phrase without a final period, quoting the offending text.
  public var message: String
  /// Where in ``file`` it applies.
  public var range: SourceRange
  /// The file, when known; diagnostics of a bare expression are located later by the caller.
  public var file: SourceFile?
  /// An optional suggestion (`did you mean 'amount'?`).
  public var hint: String?

  /// Creates a diagnostic.
  public init(
    _ severity: Severity = .error, code: DiagnosticCode, message: String, range: SourceRange,
    file: SourceFile? = nil, hint: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.range = range
    self.file = file
    self.hint = hint
  }

  /// The same diagnostic moved into `file` through `mapping` (for expressions embedded in YAML).
  public func located(in file: SourceFile, mapping: SourceMapping) -> Diagnostic {
    var copy = self
    copy.range = mapping.fileRange(range)
    copy.file = file
    return copy
  }

  /// The 1-based location of the start of the range, when the file is known.
  public var location: SourceLocation? { file?.location(of: range.start) }

  public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
    a.severity == b.severity && a.code == b.code && a.message == b.message && a.range == b.range
      && a.file?.path == b.file?.path && a.hint == b.hint
  }
  public func hash(into h: inout Hasher) {
    h.combine(code); h.combine(message); h.combine(range)
  }
}

extension Array where Element == Diagnostic {
  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { contains { $0.severity == .error } }
}
