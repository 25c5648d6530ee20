import PolicySource

extension DiagnosticCode {
  /// A CEL expression that does not lex or parse, or misuses a macro.
  public static let exprSyntaxError: DiagnosticCode = "expr_syntax_error"
  /// A CEL expression over ``Limits/maxExpressionBytes`` or ``Limits/maxExpressionNesting``.
  public static let exprLimitExceeded: DiagnosticCode = "expr_limit_exceeded"
}

/// A message of the lexer or parser: its stable code and its text (a lowercase phrase quoting the
/// offending source, without a final period).
struct ParseMessage: Sendable, Hashable {
  var code: DiagnosticCode
  var text: String
  var hint: String? = nil

  init(_ text: String, code: DiagnosticCode = .exprSyntaxError, hint: String? = nil) {
    self.code = code
    self.text = text
    self.hint = hint
  }

  /// The diagnostic at `range` (expression-local offsets, no file yet).
  func diagnostic(at range: SourceRange) -> Diagnostic {
    Diagnostic(.error, code: code, message: text, range: range, hint: hint)
  }

  // MARK: Lexer

  static func unexpectedCharacter(_ character: String) -> Self { .init("unexpected character '\(character)'") }
  static let unterminatedString = Self("unterminated string literal")
  static let invalidQuotedIdentifier = Self(
    "invalid quoted identifier", hint: "write letters, digits, '_', '.', '-', '/' or spaces between backquotes")

  // MARK: Parser

  static func unexpectedToken(_ text: String, expected: String? = nil) -> Self {
    .init("unexpected token '\(text)'", hint: expected.map { "expected \($0)" })
  }
  static func unexpectedEnd(expected: String? = nil) -> Self {
    .init("unexpected end of expression", hint: expected.map { "expected \($0)" })
  }
  static func reservedIdentifier(_ name: String) -> Self {
    .init("reserved identifier '\(name)'", hint: "reserved words may only follow a '.'")
  }
  static let messageConstruction = Self("message construction is not supported")
  static func unsupportedSyntax(_ text: String) -> Self { .init("unsupported syntax '\(text)'") }

  // MARK: Literals

  static func intOutOfRange(_ text: String) -> Self { .init("int literal '\(text)' is out of range") }
  static func uintOutOfRange(_ text: String) -> Self { .init("uint literal '\(text)' is out of range") }
  static func doubleOutOfRange(_ text: String) -> Self { .init("double literal '\(text)' is out of range") }
  static func invalidEscape(_ text: String) -> Self { .init("invalid escape sequence '\(text)'") }
  static func unicodeEscapeInBytes(_ text: String) -> Self {
    .init("unicode escape '\(text)' is not allowed in a bytes literal")
  }
  static func invalidCodePoint(_ text: String) -> Self { .init("invalid unicode code point '\(text)'") }

  // MARK: Macros

  static let simpleNameRequired = Self("argument must be a simple name")
  static let invalidHasArgument = Self("invalid argument to has() macro", hint: "write has(operand.field)")
  static func duplicateVariable(_ name: String) -> Self { .init("duplicate variable name '\(name)'") }

  // MARK: Limits

  static func expressionTooLong(_ bytes: Int, limit: Int) -> Self {
    .init("expression is \(bytes) bytes, over the limit of \(limit)", code: .exprLimitExceeded)
  }
  static func nestingTooDeep(limit: Int) -> Self {
    .init("expression nesting exceeds the limit of \(limit)", code: .exprLimitExceeded)
  }
}
