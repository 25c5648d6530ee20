import PolicySource

extension Parser {
  // The functions on the recursive path (parseExpr → … → parsePrimary → parseExpr) only dispatch;
  // the work of each construct is in a separate, non-inlined function, which keeps the stack small
  // per nesting level (debug builds give every local its own slot).

  /// `Expr = ConditionalOr ["?" ConditionalOr ":" Expr]`.
  mutating func parseExpr() throws(ParseAbort) -> Expr {
    let condition = try parseLogicalOr()
    if token.kind != .question { return condition }
    return try parseConditional(condition)
  }

  /// The `? ifTrue : ifFalse` after `condition`.
  @inline(never)
  private mutating func parseConditional(_ condition: Expr) throws(ParseAbort) -> Expr {
    try enter(at: token.range)
    defer { leave() }
    advance()
    let ifTrue = try parseLogicalOr()
    guard expect(.colon, "':'") else { return errorNode(range(condition)) }
    let ifFalse = try parseExpr()
    return try call(OperatorName.conditional, [condition, ifTrue, ifFalse], checkAt: nil)
  }

  /// A global call node spanning its first to its last argument.
  ///
  /// With `checkAt`, the node's height is checked against the nesting limit and reported there.
  @inline(never)
  mutating func call(_ function: String, _ args: [Expr], checkAt: SourceRange?) throws(ParseAbort) -> Expr {
    var h: Int32 = 0
    for arg in args { h = max(h, height(arg)) }
    if let checkAt { try checkHeight(h + 1, at: checkAt) }
    let range = range(args[0]).union(range(args[args.count - 1]))
    return node(.call(function: function, target: nil, args: args), range, height: h + 1)
  }

  /// `ConditionalOr = ConditionalAnd {"||" ConditionalAnd}`.
  private mutating func parseLogicalOr() throws(ParseAbort) -> Expr {
    let first = try parseLogicalAnd()
    if token.kind != .logicalOr { return first }
    return try parseLogicalChain(first, .logicalOr)
  }

  /// `ConditionalAnd = Relation {"&&" Relation}`.
  private mutating func parseLogicalAnd() throws(ParseAbort) -> Expr {
    let first = try parseBinary(3)
    if token.kind != .logicalAnd { return first }
    return try parseLogicalChain(first, .logicalAnd)
  }

  /// The rest of a `||` or `&&` chain, built as a balanced tree (as cel-go does) so that long
  /// chains stay shallow.
  @inline(never)
  private mutating func parseLogicalChain(_ first: Expr, _ kind: Token.Kind) throws(ParseAbort) -> Expr {
    var terms = [first]
    var operators: [SourceRange] = []
    while token.kind == kind {
      operators.append(token.range)
      advance()
      terms.append(kind == .logicalOr ? try parseLogicalAnd() : try parseBinary(3))
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
  private mutating func parseBinary(_ minimum: Int) throws(ParseAbort) -> Expr {
    let lhs = try parseUnary()
    guard let precedence = token.kind.binaryPrecedence, precedence >= minimum, precedence >= 3 else { return lhs }
    return try parseBinaryOperators(lhs, minimum)
  }

  /// The operators and right operands after `first` with precedence at least `minimum`.
  @inline(never)
  private mutating func parseBinaryOperators(_ first: Expr, _ minimum: Int) throws(ParseAbort) -> Expr {
    var lhs = first
    while let precedence = token.kind.binaryPrecedence, precedence >= minimum, precedence >= 3 {
      let op = token
      advance()
      let rhs = try parseBinary(precedence + 1)
      lhs = try call(op.kind.binaryFunction ?? "", [lhs, rhs], checkAt: op.range)
    }
    return lhs
  }

  /// `Unary = Member | "!" {"!"} Member | "-" {"-"} Member`.
  private mutating func parseUnary() throws(ParseAbort) -> Expr {
    if token.kind == .bang || token.kind == .minus { return try parseUnaryOperators() }
    return try parseMember(sign: nil)
  }

  /// A run of `!` or `-` and its operand.
  ///
  /// As in cel-go, an even run of the same operator cancels out and an odd run is one call; a `-`
  /// directly before a number literal is its sign, so `-9223372036854775808` is the smallest int.
  @inline(never)
  private mutating func parseUnaryOperators() throws(ParseAbort) -> Expr {
    let kind = token.kind
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
    } else if kind == .bang && token.kind == .minus && nextIsNumber() {
      sign = token  // `!-1`: the operand is the literal -1, as in the spec's grammar
      advance()
    }
    let operand = try parseMember(sign: sign)
    guard operators % 2 == 1 else { return operand }
    return unaryNode(kind, operand, start: first.start)
  }

  /// Whether the token after the current one is an int or double literal.
  private func nextIsNumber() -> Bool {
    var lookahead = lexer
    let next = lookahead.next().kind
    return next == .intLiteral || next == .doubleLiteral
  }

  /// `!_` or `-_` applied to `operand`, starting at `start`.
  @inline(never)
  private mutating func unaryNode(_ kind: Token.Kind, _ operand: Expr, start: Int32) -> Expr {
    let function = kind == .bang ? OperatorName.logicalNot : OperatorName.negate
    return node(
      .call(function: function, target: nil, args: [operand]),
      SourceRange(start: start, end: range(operand).end), height: height(operand) + 1)
  }

  /// `Member = Primary | Member "." SELECTOR ["(" [ExprList] ")"] | Member "[" Expr "]"`.
  private mutating func parseMember(sign: Token?) throws(ParseAbort) -> Expr {
    var e = try parsePrimary(sign: sign)
    while !panicking {
      switch token.kind {
      case .dot: e = try parseSelectOrCall(e)
      case .leftBracket: e = try parseIndex(e)
      case .leftBrace: e = parseMessage(e)
      default: return e
      }
    }
    return e
  }

  /// `"." SELECTOR ["(" [ExprList] ")"]` after `operand`, starting at the dot.
  @inline(never)
  private mutating func parseSelectOrCall(_ operand: Expr) throws(ParseAbort) -> Expr {
    let dot = token
    advance()
    guard token.kind == .identifier else { return try parseUnusualSelect(operand, dot: dot) }
    let name = token
    advance()
    guard token.kind == .leftParen else { return try select(operand, name, dot: dot) }
    let errorsBefore = errorCount
    let args = try parseArguments()
    return try methodCall(operand, name, args, dot: dot, errorsBefore: errorsBefore)
  }

  /// The receiver call `operand.name(args)` (or its macro expansion).
  @inline(never)
  private mutating func methodCall(_ operand: Expr, _ name: Token, _ args: [Expr], dot: Token, errorsBefore: Int)
    throws(ParseAbort) -> Expr
  {
    let range = SourceRange(start: range(operand).start, end: previousEnd)
    return try makeCall(
      identifierText(name), target: operand, args: args, range, at: dot.range,
      expandMacros: errorCount == errorsBefore)
  }

  /// A backquoted field after the dot, or an error (`.?` gets its own message).
  @inline(never)
  private mutating func parseUnusualSelect(_ operand: Expr, dot: Token) throws(ParseAbort) -> Expr {
    if token.kind == .quotedIdentifier {
      let name = token
      advance()
      return try select(operand, name, dot: dot)
    }
    if token.kind == .question && token.start == dot.end {
      fail(.unsupportedSyntax(".?"), at: SourceRange(start: dot.start, end: token.end))
    } else {
      unexpected(expected: "a field or method name")
    }
    return operand
  }

  /// A select of the field `name` (an identifier or backquoted token), checking the chain's height.
  @inline(never)
  private mutating func select(_ operand: Expr, _ name: Token, dot: Token) throws(ParseAbort) -> Expr {
    let h = height(operand) + 1
    try checkHeight(h, at: dot.range)
    let field =
      name.kind == .quotedIdentifier ? text(from: name.start + 1, to: name.end - 1) : identifierText(name)
    let range = SourceRange(start: range(operand).start, end: name.end)
    return node(.select(operand: operand, field: field, testOnly: false), range, height: h)
  }

  /// `"[" Expr "]"` after `operand`, starting at the bracket.
  @inline(never)
  private mutating func parseIndex(_ operand: Expr) throws(ParseAbort) -> Expr {
    let open = token
    advance()
    if token.kind == .question && token.start == open.end {
      fail(.unsupportedSyntax("[?"), at: SourceRange(start: open.start, end: token.end))
      return operand
    }
    try enter(at: open.range)
    let index = try parseExpr()
    leave()
    guard expect(.rightBracket, "']'") else { return operand }
    let e = try call(OperatorName.index, [operand, index], checkAt: open.range)
    ranges[Int(e.id.rawValue)].end = previousEnd
    return e
  }

  /// A message literal `Name{...}` after `operand`, which is reported as unsupported and skipped.
  @inline(never)
  private mutating func parseMessage(_ operand: Expr) -> Expr {
    guard isQualifiedName(operand) else {
      unexpected()
      return operand
    }
    report(.messageConstruction, at: SourceRange(start: range(operand).start, end: token.end))
    skipBraces()
    return errorNode(range(operand))
  }

  /// `Primary = ["."] IDENT ["(" [ExprList] ")"] | "(" Expr ")" | List | Map | LITERAL`.
  private mutating func parsePrimary(sign: Token?) throws(ParseAbort) -> Expr {
    if let sign { return parseNumber(sign: sign) }
    switch token.kind {
    case .identifier: return try parseIdentifierOrCall(leadingDot: nil)
    case .dot: return try parseLeadingDot()
    case .leftParen: return try parseParenthesized()
    case .leftBracket: return try parseList()
    case .leftBrace: return try parseMap()
    case .intLiteral, .uintLiteral, .doubleLiteral: return parseNumber(sign: nil)
    case .stringLiteral, .bytesLiteral: return parseQuoted()
    case .trueKeyword, .falseKeyword, .nullKeyword: return parseKeyword()
    case .invalid: return skipInvalid()
    default:
      unexpected(expected: "an expression")
      return errorNode(token.range)
    }
  }

  /// `"(" Expr ")"`.
  @inline(never)
  private mutating func parseParenthesized() throws(ParseAbort) -> Expr {
    try enter(at: token.range)
    defer { leave() }
    advance()
    let e = try parseExpr()
    expect(.rightParen, "')'")
    return e
  }

  /// `"." IDENT ["(" [ExprList] ")"]`: a name resolved from the root namespace.
  @inline(never)
  private mutating func parseLeadingDot() throws(ParseAbort) -> Expr {
    let dot = token
    advance()
    guard token.kind == .identifier else {
      unexpected(expected: "an identifier")
      return errorNode(dot.range)
    }
    return try parseIdentifierOrCall(leadingDot: dot)
  }

  /// `true`, `false` or `null`.
  private mutating func parseKeyword() -> Expr {
    let t = token
    advance()
    let literal: Literal = t.kind == .nullKeyword ? .null : .bool(t.kind == .trueKeyword)
    return node(.literal(literal), t.range)
  }

  /// A token the lexer rejected (and reported): skipped quietly, starting a panic.
  private mutating func skipInvalid() -> Expr {
    panicking = true
    let t = token
    advance()
    return errorNode(t.range)
  }

  /// An identifier (after an optional leading dot, which stays in the name) or a global call.
  @inline(never)
  private mutating func parseIdentifierOrCall(leadingDot: Token?) throws(ParseAbort) -> Expr {
    let id = token
    advance()
    guard token.kind == .leftParen else { return identifier(id, leadingDot: leadingDot) }
    let errorsBefore = errorCount
    let args = try parseArguments()
    return try globalCall(id, leadingDot: leadingDot, args, errorsBefore: errorsBefore)
  }

  /// The name of identifier token `id`, with the leading dot if any; reserved words are reported.
  @inline(never)
  private mutating func name(_ id: Token, leadingDot: Token?) -> String {
    let name = identifierText(id)
    if lexer.isReservedWord(id) { report(.reservedIdentifier(name), at: id.range) }
    return leadingDot == nil ? name : "." + name
  }

  /// An identifier node.
  @inline(never)
  private mutating func identifier(_ id: Token, leadingDot: Token?) -> Expr {
    let name = name(id, leadingDot: leadingDot)
    return node(.ident(name), SourceRange(start: leadingDot?.start ?? id.start, end: id.end))
  }

  /// The global call `name(args)` (or its macro expansion).
  @inline(never)
  private mutating func globalCall(_ id: Token, leadingDot: Token?, _ args: [Expr], errorsBefore: Int)
    throws(ParseAbort) -> Expr
  {
    let clean = errorCount == errorsBefore
    let name = name(id, leadingDot: leadingDot)
    let range = SourceRange(start: leadingDot?.start ?? id.start, end: previousEnd)
    return try makeCall(name, target: nil, args: args, range, at: id.range, expandMacros: clean)
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
  @inline(never)
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
        rejectOptionalEntry()
        elements.append(try parseExpr())
      } while continueList(closer: .rightBracket, expected: "',' or ']'", trailingComma: true)
    }
    return listNode(elements, start: open.start)
  }

  /// A list node from `start` to the last consumed token.
  @inline(never)
  private mutating func listNode(_ elements: [Expr], start: Int32) -> Expr {
    var h: Int32 = 0
    for e in elements { h = max(h, height(e)) }
    return node(.list(elements), SourceRange(start: start, end: previousEnd), height: h + 1)
  }

  /// `"{" [MapInits] [","] "}"` with `MapInits = Expr ":" Expr {"," Expr ":" Expr}`.
  @inline(never)
  private mutating func parseMap() throws(ParseAbort) -> Expr {
    let open = token
    try enter(at: open.range)
    defer { leave() }
    advance()
    var entries: [Expr.MapEntry] = []
    if token.kind == .rightBrace {
      advance()
    } else {
      repeat {
        rejectOptionalEntry()
        let key = try parseExpr()
        let value = expect(.colon, "':'") ? try parseExpr() : errorNode(range(key))
        entries.append(mapEntry(key, value))
      } while continueList(closer: .rightBrace, expected: "',' or '}'", trailingComma: true)
    }
    return mapNode(entries, start: open.start)
  }

  /// A map entry with a fresh id.
  @inline(never)
  private mutating func mapEntry(_ key: Expr, _ value: Expr) -> Expr.MapEntry {
    let id = entryID(range(key).union(range(value)), height: max(height(key), height(value)) + 1)
    return Expr.MapEntry(id: id, key: key, value: value)
  }

  /// A map node from `start` to the last consumed token.
  @inline(never)
  private mutating func mapNode(_ entries: [Expr.MapEntry], start: Int32) -> Expr {
    var h: Int32 = 0
    for entry in entries { h = max(h, heights[Int(entry.id.rawValue)]) }
    return node(.map(entries), SourceRange(start: start, end: previousEnd), height: h + 1)
  }

  /// Reports cel-go's optional entries (`[?x]`, `{?k: v}`), which Proviso does not support.
  private mutating func rejectOptionalEntry() {
    if token.kind == .question { fail(.unsupportedSyntax("?"), at: token.range) }
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
