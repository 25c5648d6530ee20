import PolicySource

/// The reserved words of CEL that may not be identifiers (they may follow a `.`).
private let reservedWords: Set<String> = [
  "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
  "package", "namespace", "return", "var", "void", "while",
]

extension Parser {
  /// `Expr = ConditionalOr ["?" ConditionalOr ":" Expr]`.
  mutating func parseExpr() throws(ParseAbort) -> Expr {
    let condition = try parseLogical(.logicalOr)
    guard token.kind == .question else { return condition }
    try enter(at: token.range)
    defer { leave() }
    advance()
    let ifTrue = try parseLogical(.logicalOr)
    guard expect(.colon, "':'") else { return errorNode(range(condition)) }
    let ifFalse = try parseExpr()
    let h = max(height(condition), height(ifTrue), height(ifFalse)) + 1
    return node(
      .call(function: OperatorName.conditional, target: nil, args: [condition, ifTrue, ifFalse]),
      range(condition).union(range(ifFalse)), height: h)
  }

  /// `ConditionalOr = ConditionalAnd {"||" ConditionalAnd}` and
  /// `ConditionalAnd = Relation {"&&" Relation}`, built as balanced trees (as cel-go does) so that
  /// long chains stay shallow.
  mutating func parseLogical(_ kind: Token.Kind) throws(ParseAbort) -> Expr {
    let first = kind == .logicalOr ? try parseLogical(.logicalAnd) : try parseBinary(3)
    guard token.kind == kind else { return first }
    var terms = [first]
    var operators: [SourceRange] = []
    while token.kind == kind {
      operators.append(token.range)
      advance()
      terms.append(kind == .logicalOr ? try parseLogical(.logicalAnd) : try parseBinary(3))
    }
    let function = kind == .logicalOr ? OperatorName.logicalOr : OperatorName.logicalAnd
    let tree = balance(terms, function: function, 0, operators.count - 1)
    try checkHeight(height(tree), at: operators[0])
    return tree
  }

  /// Joins `terms[lo...hi + 1]` with `function` into a balanced tree.
  private mutating func balance(_ terms: [Expr], function: String, _ lo: Int, _ hi: Int) -> Expr {
    let mid = (lo + hi + 1) / 2
    let left = mid == lo ? terms[mid] : balance(terms, function: function, lo, mid - 1)
    let right = mid == hi ? terms[mid + 1] : balance(terms, function: function, mid + 1, hi)
    return node(
      .call(function: function, target: nil, args: [left, right]), range(left).union(range(right)),
      height: max(height(left), height(right)) + 1)
  }

  /// Relations (precedence 3), `+ -` (4) and `* / %` (5), left-associative, by precedence climbing.
  mutating func parseBinary(_ minimum: Int) throws(ParseAbort) -> Expr {
    var lhs = try parseUnary()
    while let precedence = token.kind.binaryPrecedence, precedence >= minimum, precedence >= 3,
      let function = token.kind.binaryFunction
    {
      let op = token
      advance()
      let rhs = try parseBinary(precedence + 1)
      let h = max(height(lhs), height(rhs)) + 1
      try checkHeight(h, at: op.range)
      lhs = node(.call(function: function, target: nil, args: [lhs, rhs]), range(lhs).union(range(rhs)), height: h)
    }
    return lhs
  }

  /// `Unary = Member | "!" {"!"} Member | "-" {"-"} Member`.
  ///
  /// As in cel-go, an even run of the same operator cancels out and an odd run is one call; a `-`
  /// directly before a number literal is its sign, so `-9223372036854775808` is the smallest int.
  mutating func parseUnary() throws(ParseAbort) -> Expr {
    let kind = token.kind
    guard kind == .bang || kind == .minus else { return try parseMember(sign: nil) }
    let first = token
    var last = token
    var count = 0
    defer { depth -= count }
    while token.kind == kind {
      last = token
      count += 1
      try enter(at: token.range)
      advance()
    }
    var operators = count
    var sign: Token? = nil
    if kind == .minus && (token.kind == .intLiteral || token.kind == .doubleLiteral) {
      sign = last
      operators -= 1
    }
    let operand = try parseMember(sign: sign)
    guard operators % 2 == 1 else { return operand }
    let function = kind == .bang ? OperatorName.logicalNot : OperatorName.negate
    return node(
      .call(function: function, target: nil, args: [operand]),
      SourceRange(start: first.start, end: range(operand).end), height: height(operand) + 1)
  }

  /// `Member = Primary | Member "." SELECTOR ["(" [ExprList] ")"] | Member "[" Expr "]"`.
  mutating func parseMember(sign: Token?) throws(ParseAbort) -> Expr {
    var e = try parsePrimary(sign: sign)
    while true {
      switch token.kind {
      case .dot:
        let dot = token
        advance()
        guard token.kind == .identifier else {
          unexpected(expected: "a field or method name")
          return e
        }
        let name = identifierText(token)
        advance()
        let start = range(e).start
        if token.kind == .leftParen {
          let args = try parseArguments()
          e = try makeCall(name, target: e, args: args, SourceRange(start: start, end: previousEnd), at: dot.range)
        } else {
          let h = height(e) + 1
          try checkHeight(h, at: dot.range)
          e = node(.select(operand: e, field: name, testOnly: false), SourceRange(start: start, end: previousEnd), height: h)
        }
      case .leftBracket:
        let open = token
        try enter(at: open.range)
        advance()
        let index = try parseExpr()
        leave()
        guard expect(.rightBracket, "']'") else { return e }
        let h = max(height(e), height(index)) + 1
        try checkHeight(h, at: open.range)
        e = node(
          .call(function: OperatorName.index, target: nil, args: [e, index]),
          SourceRange(start: range(e).start, end: previousEnd), height: h)
      case .leftBrace:
        guard isQualifiedName(e) else {
          unexpected()
          return e
        }
        report(.messageConstruction, at: SourceRange(start: range(e).start, end: token.end))
        skipBraces()
        e = errorNode(range(e))
      default:
        return e
      }
    }
  }

  /// `Primary = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")" | List | Map | LITERAL`.
  mutating func parsePrimary(sign: Token?) throws(ParseAbort) -> Expr {
    if let sign { return parseNumber(sign: sign) }
    switch token.kind {
    case .identifier:
      return try parseIdentifierOrCall(leadingDot: nil)
    case .dot:
      let dot = token
      advance()
      guard token.kind == .identifier else {
        unexpected(expected: "an identifier")
        return errorNode(dot.range)
      }
      return try parseIdentifierOrCall(leadingDot: dot)
    case .leftParen:
      try enter(at: token.range)
      defer { leave() }
      advance()
      let e = try parseExpr()
      expect(.rightParen, "')'")
      return e
    case .leftBracket:
      return try parseList()
    case .leftBrace:
      return try parseMap()
    case .intLiteral, .uintLiteral, .doubleLiteral:
      return parseNumber(sign: nil)
    case .stringLiteral, .bytesLiteral:
      return parseQuoted()
    case .trueKeyword, .falseKeyword, .nullKeyword:
      let t = token
      advance()
      let literal: Literal = t.kind == .nullKeyword ? .null : .bool(t.kind == .trueKeyword)
      return node(.literal(literal), t.range)
    case .invalid:
      panicking = true  // the lexer has reported it
      let t = token
      advance()
      return errorNode(t.range)
    default:
      unexpected(expected: "an expression")
      return errorNode(token.range)
    }
  }

  /// An identifier (after an optional leading dot, which stays in the name) or a global call.
  private mutating func parseIdentifierOrCall(leadingDot: Token?) throws(ParseAbort) -> Expr {
    let id = token
    let start = leadingDot?.start ?? id.start
    var name = identifierText(id)
    if reservedWords.contains(name) { report(.reservedIdentifier(name), at: id.range) }
    if leadingDot != nil { name = "." + name }
    advance()
    if token.kind == .leftParen {
      let args = try parseArguments()
      return try makeCall(name, target: nil, args: args, SourceRange(start: start, end: previousEnd), at: id.range)
    }
    return node(.ident(name), SourceRange(start: start, end: id.end))
  }

  /// The name an identifier token spells.
  func identifierText(_ token: Token) -> String { text(from: token.start, to: token.end) }

  /// `"(" [ExprList] ")"`, starting at the `(`; no trailing comma.
  mutating func parseArguments() throws(ParseAbort) -> [Expr] {
    try enter(at: token.range)
    defer { leave() }
    advance()
    var args: [Expr] = []
    if token.kind == .rightParen {
      advance()
      return args
    }
    repeat {
      args.append(try parseExpr())
    } while continueList(closer: .rightParen, expected: "',' or ')'", trailingComma: false)
    return args
  }

  /// `"[" [ExprList] [","] "]"`.
  private mutating func parseList() throws(ParseAbort) -> Expr {
    let open = token
    try enter(at: open.range)
    defer { leave() }
    advance()
    var elements: [Expr] = []
    if token.kind == .rightBracket {
      advance()
    } else {
      repeat {
        elements.append(try parseExpr())
      } while continueList(closer: .rightBracket, expected: "',' or ']'", trailingComma: true)
    }
    var h: Int32 = 0
    for e in elements { h = max(h, height(e)) }
    return node(.list(elements), SourceRange(start: open.start, end: previousEnd), height: h + 1)
  }

  /// `"{" [MapInits] [","] "}"` with `MapInits = Expr ":" Expr {"," Expr ":" Expr}`.
  private mutating func parseMap() throws(ParseAbort) -> Expr {
    let open = token
    try enter(at: open.range)
    defer { leave() }
    advance()
    var entries: [Expr.MapEntry] = []
    var h: Int32 = 0
    if token.kind == .rightBrace {
      advance()
    } else {
      repeat {
        let key = try parseExpr()
        let value = expect(.colon, "':'") ? try parseExpr() : errorNode(range(key))
        let entryHeight = max(height(key), height(value)) + 1
        h = max(h, entryHeight)
        let id = entryID(range(key).union(range(value)), height: entryHeight)
        entries.append(Expr.MapEntry(id: id, key: key, value: value))
      } while continueList(closer: .rightBrace, expected: "',' or '}'", trailingComma: true)
    }
    return node(.map(entries), SourceRange(start: open.start, end: previousEnd), height: h + 1)
  }

  /// After one element of a delimited list: `true` to parse another, `false` once the list is over
  /// (its closer consumed, or an error left the parser panicking).
  private mutating func continueList(closer: Token.Kind, expected: String, trailingComma: Bool) -> Bool {
    while true {
      if panicking {
        synchronize(to: closer)
        if panicking { return false }
      }
      if token.kind == .comma {
        advance()
        if trailingComma && token.kind == closer {
          advance()
          return false
        }
        return true
      }
      if token.kind == closer {
        advance()
        return false
      }
      unexpected(expected: expected)
    }
  }

  /// Whether `e` is a (possibly dotted) name, as before a message literal's `{`.
  private func isQualifiedName(_ e: Expr) -> Bool {
    var current = e
    while true {
      switch current.kind {
      case .ident: return true
      case .select(let operand, _, false): current = operand
      default: return false
      }
    }
  }

  /// Skips a balanced `{ ... }` group, starting at the `{`.
  private mutating func skipBraces() {
    var nesting = 0
    repeat {
      if token.kind == .leftBrace { nesting += 1 } else if token.kind == .rightBrace { nesting -= 1 }
      advance()
    } while nesting > 0 && token.kind != .endOfInput
  }
}
