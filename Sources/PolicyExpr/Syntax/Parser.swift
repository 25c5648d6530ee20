import PolicySource

/// Parses CEL expressions into ``ParsedExpression``s (the grammar is in `grammar/expression.ebnf`).
public struct ExprParser {
  /// Parses CEL source. Diagnostics have ranges in expression-local UTF-8 byte offsets (file: nil);
  /// the caller maps them into a file with Diagnostic.located(in:mapping:).
  ///
  /// The expression is `nil` when there is any error. Every node has a ``NodeID``; ids are dense
  /// from 0 and index ``ParsedExpression/ranges`` (a macro's discarded argument nodes keep their
  /// ids, so a few ids may not appear in the tree). With `macros`, `has`, `all`, `exists`,
  /// `exists_one`/`existsOne`, `map`, `filter`, `transformList` and `transformMap` are expanded into
  /// comprehensions as cel-go does. Nesting is limited by ``Limits/maxExpressionNesting`` and never
  /// allowed beyond 1,000 levels whatever the limits say, to protect the stack.
  public static func parse(_ source: String, limits: Limits = .default, macros: Bool = true)
    -> (ParsedExpression?, [Diagnostic])
  {
    let length = source.utf8.count
    if length > limits.maxExpressionBytes {
      let message = ParseMessage.expressionTooLong(length, limit: limits.maxExpressionBytes)
      return (nil, [message.diagnostic(at: SourceRange(at: 0))])
    }
    var text = source
    return text.withUTF8 { bytes in
      var parser = Parser(bytes: bytes, limits: limits, macros: macros)
      let root = parser.parseRoot()
      let diagnostics = parser.allDiagnostics()
      guard let root, diagnostics.isEmpty else { return (nil, diagnostics) }
      return (ParsedExpression(root: root, ranges: parser.ranges, source: source), [])
    }
  }
}

/// Thrown to unwind the whole parse when a limit is crossed; the diagnostic is already recorded.
struct ParseAbort: Error {}

/// The recursive-descent parser's state: the lexer, the current token and the node tables.
///
/// Split by grammar area: expressions in `Parser+Expressions.swift`, literals in
/// `Parser+Literals.swift`, macro expansion in `Parser+Macros.swift`.
struct Parser {
  var lexer: Lexer
  /// The token being looked at.
  var token: Token
  /// The end offset of the last consumed token.
  var previousEnd: Int32 = 0
  /// The range of every node, indexed by ``NodeID/rawValue``.
  var ranges: [SourceRange] = []
  /// The height of every node's subtree (a leaf is 1), indexed like ``ranges``.
  var heights: [Int32] = []
  /// Parser errors (lexer errors stay in ``Lexer/diagnostics``).
  var diagnostics: [Diagnostic] = []
  /// Set after a syntax error until the parser resynchronizes at `,` or a closing delimiter;
  /// errors are not reported meanwhile, so one mistake gives one error.
  var panicking = false
  /// How many parentheses, brackets, braces, calls, ternaries and unary operators are open.
  var depth = 0
  /// ``Limits/maxExpressionNesting``, at most ``hardNestingLimit``.
  let maxNesting: Int

  /// The deepest nesting the parser accepts whatever the limits say, so that its recursion stays
  /// within small thread stacks (about 2.3 KB per level in debug builds, much less in release).
  static let hardNestingLimit = 1_000
  /// Whether to expand macros.
  let macros: Bool

  init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits, macros: Bool) {
    lexer = Lexer(bytes: bytes)
    token = lexer.next()
    maxNesting = min(max(1, limits.maxExpressionNesting), Parser.hardNestingLimit)
    self.macros = macros
    let estimate = bytes.count / 3 + 4
    ranges.reserveCapacity(estimate)
    heights.reserveCapacity(estimate)
  }

  /// Parses the whole input; `nil` when a limit aborted the parse.
  mutating func parseRoot() -> Expr? {
    do {
      let root = try parseExpr()
      if token.kind != .endOfInput { unexpected(expected: "an operator or the end of the expression") }
      return root
    } catch {
      return nil
    }
  }

  /// Lexer and parser diagnostics in source order.
  func allDiagnostics() -> [Diagnostic] {
    if lexer.diagnostics.isEmpty { return diagnostics }
    return (lexer.diagnostics + diagnostics).enumerated().sorted {
      $0.element.range.start != $1.element.range.start
        ? $0.element.range.start < $1.element.range.start : $0.offset < $1.offset
    }.map(\.element)
  }

  // MARK: - Tokens

  /// Moves to the next token. A lexer error met while panicking (skipping after a syntax error) is
  /// dropped like any other error there.
  @inline(__always) mutating func advance() {
    previousEnd = token.end
    token = lexer.next()
    if token.kind == .invalid && panicking { lexer.diagnostics.removeLast() }
  }

  /// Consumes a token of `kind`, or reports the current one as unexpected.
  @discardableResult
  mutating func expect(_ kind: Token.Kind, _ description: String) -> Bool {
    if token.kind == kind {
      advance()
      return true
    }
    unexpected(expected: description)
    return false
  }

  /// The source text of `token`, shortened for a message.
  func text(of token: Token) -> String {
    let start = Int(token.start)
    let end = min(Int(token.end), start + 40)
    let text = String(decoding: UnsafeBufferPointer(rebasing: lexer.bytes[start..<end]), as: UTF8.self)
    return end < Int(token.end) ? text + "…" : text
  }

  /// The source text between two offsets.
  func text(from start: Int32, to end: Int32) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: lexer.bytes[Int(start)..<Int(end)]), as: UTF8.self)
  }

  // MARK: - Diagnostics

  /// How many errors the lexer and parser have reported so far.
  var errorCount: Int { diagnostics.count + lexer.diagnostics.count }

  /// Reports the current token as unexpected and starts panicking.
  mutating func unexpected(expected: String? = nil) {
    if token.kind == .invalid {
      panicking = true  // the lexer has reported it
      return
    }
    if token.kind == .endOfInput {
      fail(.unexpectedEnd(expected: expected), at: token.range)
    } else {
      fail(.unexpectedToken(text(of: token), expected: expected), at: token.range)
    }
  }

  /// Reports a syntax error and starts panicking (unless already panicking).
  mutating func fail(_ message: ParseMessage, at range: SourceRange) {
    if !panicking { diagnostics.append(message.diagnostic(at: range)) }
    panicking = true
  }

  /// Reports an error that needs no recovery (a bad literal, a reserved word, a macro misuse).
  mutating func report(_ message: ParseMessage, at range: SourceRange) {
    if !panicking { diagnostics.append(message.diagnostic(at: range)) }
  }

  /// Skips to the next `,` or `closer` at this nesting level, and stops panicking if it gets there;
  /// at another closer or the end it keeps panicking so that the enclosing construct stays quiet.
  mutating func synchronize(to closer: Token.Kind) {
    var nesting = 0
    while true {
      switch token.kind {
      case .endOfInput:
        return
      case .leftParen, .leftBracket, .leftBrace:
        nesting += 1
      case .rightParen, .rightBracket, .rightBrace:
        if nesting == 0 {
          if token.kind == closer { panicking = false }
          return
        }
        nesting -= 1
      case .comma where nesting == 0:
        panicking = false
        return
      default:
        break
      }
      advance()
    }
  }

  // MARK: - Nodes

  /// Creates a node with a fresh id.
  @inline(__always) mutating func node(_ kind: Expr.Kind, _ range: SourceRange, height: Int32 = 1) -> Expr {
    let id = NodeID(Int32(ranges.count))
    ranges.append(range)
    heights.append(height)
    return Expr(id: id, kind)
  }

  /// A fresh id for a map entry.
  mutating func entryID(_ range: SourceRange, height: Int32) -> NodeID {
    let id = NodeID(Int32(ranges.count))
    ranges.append(range)
    heights.append(height)
    return id
  }

  /// A placeholder for a part that failed to parse (the result is discarded anyway).
  mutating func errorNode(_ range: SourceRange) -> Expr { node(.literal(.null), range) }

  /// The subtree height of `e`.
  @inline(__always) func height(_ e: Expr) -> Int32 { heights[Int(e.id.rawValue)] }

  /// The range of `e`.
  @inline(__always) func range(_ e: Expr) -> SourceRange { ranges[Int(e.id.rawValue)] }

  /// Enters one nesting level at `range` (the opening token), failing past the limit.
  mutating func enter(at range: SourceRange) throws(ParseAbort) {
    depth += 1
    if depth > maxNesting { throw abort(.nestingTooDeep(limit: maxNesting), at: range) }
  }

  /// Leaves one nesting level.
  @inline(__always) mutating func leave() { depth -= 1 }

  /// Fails when a chain (`a.b.c`, `a + b + c`) has built a subtree taller than the limit.
  mutating func checkHeight(_ height: Int32, at range: SourceRange) throws(ParseAbort) {
    if Int(height) > maxNesting { throw abort(.nestingTooDeep(limit: maxNesting), at: range) }
  }

  /// Records a limit diagnostic (even while panicking) and returns the error that unwinds the parse.
  mutating func abort(_ message: ParseMessage, at range: SourceRange) -> ParseAbort {
    diagnostics.append(message.diagnostic(at: range))
    return ParseAbort()
  }
}
