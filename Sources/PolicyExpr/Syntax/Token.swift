import PolicySource

/// One lexical token of a CEL expression: its kind and the UTF-8 byte range it spans.
///
/// Tokens carry no text: identifiers and literals are decoded from the source bytes by the parser,
/// only when a node is built, so lexing allocates nothing.
struct Token: Sendable, Equatable {
  /// What the token is.
  var kind: Kind
  /// The offset of the token's first byte in the expression.
  var start: Int32
  /// The offset one past the token's last byte.
  var end: Int32

  /// The token's byte range.
  var range: SourceRange { SourceRange(start: start, end: end) }

  /// The kinds of CEL tokens (see `grammar/expression.ebnf`).
  enum Kind: UInt8, Sendable {
    /// The end of the expression.
    case endOfInput
    /// Bytes the lexer could not make a token of; it has already reported a diagnostic.
    case invalid

    case identifier
    /// A backquoted field name after a dot: `` a.`content-type` ``.
    case quotedIdentifier
    case intLiteral
    case uintLiteral
    case doubleLiteral
    case stringLiteral
    case bytesLiteral
    case trueKeyword
    case falseKeyword
    case nullKeyword
    case inKeyword

    case leftParen, rightParen
    case leftBracket, rightBracket
    case leftBrace, rightBrace
    case dot, comma, colon, question
    case plus, minus, star, slash, percent, bang
    case less, lessEqual, greater, greaterEqual, equalEqual, bangEqual
    case logicalAnd, logicalOr
  }
}

extension Token.Kind {
  /// The binary operator's precedence (higher binds tighter), or `nil` for other tokens.
  ///
  /// `||` is 1 and `&&` is 2 (both parsed into balanced trees); relations are 3, `+ -` are 4 and
  /// `* / %` are 5; all are left-associative.
  var binaryPrecedence: Int? {
    switch self {
    case .logicalOr: 1
    case .logicalAnd: 2
    case .less, .lessEqual, .greater, .greaterEqual, .equalEqual, .bangEqual, .inKeyword: 3
    case .plus, .minus: 4
    case .star, .slash, .percent: 5
    default: nil
    }
  }

  /// The CEL function name of a binary operator (cel-go's names), or `nil` for other tokens.
  var binaryFunction: String? {
    switch self {
    case .logicalOr: "_||_"
    case .logicalAnd: "_&&_"
    case .less: "_<_"
    case .lessEqual: "_<=_"
    case .greater: "_>_"
    case .greaterEqual: "_>=_"
    case .equalEqual: "_==_"
    case .bangEqual: "_!=_"
    case .inKeyword: "@in"
    case .plus: "_+_"
    case .minus: "_-_"
    case .star: "_*_"
    case .slash: "_/_"
    case .percent: "_%_"
    default: nil
    }
  }

  /// Whether the token closes a parenthesis, bracket or brace.
  var isCloser: Bool { self == .rightParen || self == .rightBracket || self == .rightBrace }

  /// Whether the token opens a parenthesis, bracket or brace.
  var isOpener: Bool { self == .leftParen || self == .leftBracket || self == .leftBrace }
}

/// The CEL function names of operators that are not binary (cel-go's names).
enum OperatorName {
  static let conditional = "_?_:_"
  static let logicalNot = "!_"
  static let negate = "-_"
  static let index = "_[_]"
  static let logicalAnd = "_&&_"
  static let logicalOr = "_||_"
  static let add = "_+_"
  static let equals = "_==_"
  static let notStrictlyFalse = "@not_strictly_false"
  static let mapInsert = "cel.@mapInsert"
}
