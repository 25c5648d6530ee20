import PolicySource

/// Splits CEL source bytes into ``Token``s on demand.
///
/// The lexer works on UTF-8 bytes with ASCII predicates only. It finds the extent of string and
/// bytes literals (quotes, prefixes, escaped quotes) but leaves decoding escapes to the parser.
/// Errors become ``Token/Kind/invalid`` tokens and a diagnostic in ``diagnostics``.
struct Lexer {
  /// The expression's bytes; valid only while the parse runs.
  let bytes: UnsafeBufferPointer<UInt8>
  /// The offset of the next byte to read.
  var position: Int = 0
  /// Errors found so far (unexpected characters, unterminated literals).
  var diagnostics: [Diagnostic] = []

  /// Creates a lexer over `bytes`.
  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// The byte at `offset`, or 0 past the end.
  @inline(__always) func byte(at offset: Int) -> UInt8 { offset < bytes.count ? bytes[offset] : 0 }

  /// Reads the next token, skipping whitespace and `//` comments.
  mutating func next() -> Token {
    skipTrivia()
    let start = position
    guard start < bytes.count else { return make(.endOfInput, from: start) }
    let b = bytes[start]
    if isIdentifierStart(b) {
      if let quoteAt = stringPrefixLength(at: start) { return lexString(from: start, quoteAt: start + quoteAt) }
      return lexIdentifier(from: start)
    }
    if isDigit(b) { return lexNumber(from: start) }
    position += 1
    switch b {
    case UInt8(ascii: "\""), UInt8(ascii: "'"): return lexString(from: start, quoteAt: start)
    case UInt8(ascii: "`"): return lexQuotedIdentifier(from: start)
    case UInt8(ascii: "("): return make(.leftParen, from: start)
    case UInt8(ascii: ")"): return make(.rightParen, from: start)
    case UInt8(ascii: "["): return make(.leftBracket, from: start)
    case UInt8(ascii: "]"): return make(.rightBracket, from: start)
    case UInt8(ascii: "{"): return make(.leftBrace, from: start)
    case UInt8(ascii: "}"): return make(.rightBrace, from: start)
    case UInt8(ascii: "."):
      if isDigit(byte(at: position)) { position = start; return lexNumber(from: start) }
      return make(.dot, from: start)
    case UInt8(ascii: ","): return make(.comma, from: start)
    case UInt8(ascii: ":"): return make(.colon, from: start)
    case UInt8(ascii: "?"): return make(.question, from: start)
    case UInt8(ascii: "+"): return make(.plus, from: start)
    case UInt8(ascii: "-"): return make(.minus, from: start)
    case UInt8(ascii: "*"): return make(.star, from: start)
    case UInt8(ascii: "/"): return make(.slash, from: start)
    case UInt8(ascii: "%"): return make(.percent, from: start)
    case UInt8(ascii: "!"): return pair(UInt8(ascii: "="), .bangEqual, else: .bang, from: start)
    case UInt8(ascii: "<"): return pair(UInt8(ascii: "="), .lessEqual, else: .less, from: start)
    case UInt8(ascii: ">"): return pair(UInt8(ascii: "="), .greaterEqual, else: .greater, from: start)
    case UInt8(ascii: "="): return pair(UInt8(ascii: "="), .equalEqual, else: nil, from: start)
    case UInt8(ascii: "&"): return pair(UInt8(ascii: "&"), .logicalAnd, else: nil, from: start)
    case UInt8(ascii: "|"): return pair(UInt8(ascii: "|"), .logicalOr, else: nil, from: start)
    default:
      position = start + scalarLength(at: start)
      return invalid(from: start, .unexpectedCharacter(describeScalar(at: start)))
    }
  }

  // MARK: - Trivia and simple tokens

  /// Skips spaces, tabs, line breaks, form feeds and `//` comments.
  private mutating func skipTrivia() {
    while position < bytes.count {
      let b = bytes[position]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
        position += 1
      } else if b == UInt8(ascii: "/") && byte(at: position + 1) == UInt8(ascii: "/") {
        while position < bytes.count && bytes[position] != 0x0A { position += 1 }
      } else {
        return
      }
    }
  }

  @inline(__always) private func make(_ kind: Token.Kind, from start: Int) -> Token {
    Token(kind: kind, start: Int32(start), end: Int32(position))
  }

  /// A two-byte operator if `second` follows, else the one-byte `single` (or an error).
  private mutating func pair(_ second: UInt8, _ double: Token.Kind, else single: Token.Kind?, from start: Int)
    -> Token
  {
    if byte(at: position) == second {
      position += 1
      return make(double, from: start)
    }
    if let single { return make(single, from: start) }
    return invalid(from: start, .unexpectedCharacter(describeScalar(at: start)))
  }

  private mutating func invalid(from start: Int, _ message: ParseMessage) -> Token {
    let token = make(.invalid, from: start)
    diagnostics.append(message.diagnostic(at: token.range))
    return token
  }

  // MARK: - Identifiers and numbers

  private mutating func lexIdentifier(from start: Int) -> Token {
    position = start + 1
    while position < bytes.count && isIdentifierContinue(bytes[position]) { position += 1 }
    let length = position - start
    let kind: Token.Kind
    switch length {
    case 2 where bytes[start] == UInt8(ascii: "i") && bytes[start + 1] == UInt8(ascii: "n"): kind = .inKeyword
    case 4 where matches("true", at: start): kind = .trueKeyword
    case 4 where matches("null", at: start): kind = .nullKeyword
    case 5 where matches("false", at: start): kind = .falseKeyword
    default: kind = .identifier
    }
    return make(kind, from: start)
  }

  /// Whether an identifier token is one of CEL's reserved words, which may not be identifiers
  /// (they may follow a `.`): `as break const continue else for function if import let loop
  /// package namespace return var void while`.
  func isReservedWord(_ token: Token) -> Bool {
    let start = Int(token.start)
    switch token.end - token.start {
    case 2: return matches("as", at: start) || matches("if", at: start)
    case 3: return matches("for", at: start) || matches("let", at: start) || matches("var", at: start)
    case 4: return matches("else", at: start) || matches("loop", at: start) || matches("void", at: start)
    case 5: return matches("break", at: start) || matches("const", at: start) || matches("while", at: start)
    case 6: return matches("import", at: start) || matches("return", at: start)
    case 7: return matches("package", at: start)
    case 8: return matches("continue", at: start) || matches("function", at: start)
    case 9: return matches("namespace", at: start)
    default: return false
    }
  }

  /// Whether the bytes at `offset` spell the ASCII `word`.
  func matches(_ word: StaticString, at offset: Int) -> Bool {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { return false }
    let w = word.utf8Start
    for i in 0..<count where bytes[offset + i] != w[i] { return false }
    return true
  }

  /// Lexes `123`, `0x1F`, `12u`, `0x1Fu`, `1.5`, `.5`, `1e3`, `1.5E-3` (the spec's literal forms).
  ///
  /// `1.` is the int `1` followed by a dot, and `1e` is `1` followed by the identifier `e`.
  private mutating func lexNumber(from start: Int) -> Token {
    position = start
    if byte(at: start) == UInt8(ascii: "0") && byte(at: start + 1) == UInt8(ascii: "x")
      && isHexDigit(byte(at: start + 2))
    {
      position = start + 2
      while isHexDigit(byte(at: position)) { position += 1 }
      return integerSuffix(from: start)
    }
    var isDouble = false
    while isDigit(byte(at: position)) { position += 1 }
    if byte(at: position) == UInt8(ascii: "."), isDigit(byte(at: position + 1)) {
      isDouble = true
      position += 1
      while isDigit(byte(at: position)) { position += 1 }
    }
    let e = byte(at: position)
    if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      var p = position + 1
      let sign = byte(at: p)
      if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { p += 1 }
      if isDigit(byte(at: p)) {
        isDouble = true
        position = p
        while isDigit(byte(at: position)) { position += 1 }
      }
    }
    if isDouble { return make(.doubleLiteral, from: start) }
    return integerSuffix(from: start)
  }

  private mutating func integerSuffix(from start: Int) -> Token {
    let u = byte(at: position)
    if u == UInt8(ascii: "u") || u == UInt8(ascii: "U") {
      position += 1
      return make(.uintLiteral, from: start)
    }
    return make(.intLiteral, from: start)
  }

  /// Lexes `` `name` `` where the name is letters, digits and `_ . - /` or spaces (the spec's
  /// escaped field selectors).
  private mutating func lexQuotedIdentifier(from start: Int) -> Token {
    while position < bytes.count {
      let b = bytes[position]
      if b == UInt8(ascii: "`") {
        position += 1
        guard position > start + 2 else { break }
        return make(.quotedIdentifier, from: start)
      }
      guard isIdentifierContinue(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "/")
        || b == UInt8(ascii: " ")
      else { break }
      position += 1
    }
    return invalid(from: start, .invalidQuotedIdentifier)
  }

  // MARK: - Strings and bytes

  /// The length of a string prefix (`r`, `b`, `br`, any case) at `start` when a quote follows it.
  private func stringPrefixLength(at start: Int) -> Int? {
    var p = start
    let first = byte(at: p) | 0x20
    if first == UInt8(ascii: "b") {
      p += 1
      if byte(at: p) | 0x20 == UInt8(ascii: "r") { p += 1 }
    } else if first == UInt8(ascii: "r") {
      p += 1
    } else {
      return nil
    }
    let q = byte(at: p)
    return q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") ? p - start : nil
  }

  /// Lexes a quoted literal whose (optional) prefix starts at `start` and first quote is at `quoteAt`.
  private mutating func lexString(from start: Int, quoteAt: Int) -> Token {
    let quote = bytes[quoteAt]
    var isRaw = false
    var isBytes = false
    for i in start..<quoteAt {
      let p = bytes[i] | 0x20
      if p == UInt8(ascii: "r") { isRaw = true } else if p == UInt8(ascii: "b") { isBytes = true }
    }
    let triple = byte(at: quoteAt + 1) == quote && byte(at: quoteAt + 2) == quote
    position = quoteAt + (triple ? 3 : 1)
    while position < bytes.count {
      let b = bytes[position]
      if b == UInt8(ascii: "\\") && !isRaw {
        let escaped = byte(at: position + 1)
        if !triple && (escaped == 0x0A || escaped == 0x0D) {
          position += 1
          break
        }
        position += 2
        continue
      }
      if b == quote {
        if !triple {
          position += 1
          return make(isBytes ? .bytesLiteral : .stringLiteral, from: start)
        }
        if byte(at: position + 1) == quote && byte(at: position + 2) == quote {
          position += 3
          return make(isBytes ? .bytesLiteral : .stringLiteral, from: start)
        }
      } else if !triple && (b == 0x0A || b == 0x0D) {
        break
      }
      position += 1
    }
    position = min(position, bytes.count)
    return invalid(from: start, .unterminatedString)
  }

  // MARK: - Characters

  /// The number of bytes of the UTF-8 scalar starting at `offset` (1 for stray bytes).
  func scalarLength(at offset: Int) -> Int {
    let b = bytes[offset]
    let length = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
    return min(length, bytes.count - offset)
  }

  /// The character at `offset` for a message: itself when printable, else `U+XXXX`.
  func describeScalar(at offset: Int) -> String {
    let length = scalarLength(at: offset)
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
    if let scalar = text.unicodeScalars.first, length == 1, scalar.value < 0x20 || scalar.value == 0x7F {
      let hex = String(scalar.value, radix: 16, uppercase: true)
      return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
    return text
  }
}

/// Whether `b` is an ASCII decimal digit.
@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

/// Whether `b` is an ASCII hexadecimal digit.
@inline(__always) func isHexDigit(_ b: UInt8) -> Bool {
  isDigit(b) || (b | 0x20) &- UInt8(ascii: "a") < 6
}

/// Whether `b` may start an identifier: an ASCII letter or `_`.
@inline(__always) func isIdentifierStart(_ b: UInt8) -> Bool {
  (b | 0x20) &- UInt8(ascii: "a") < 26 || b == UInt8(ascii: "_")
}

/// Whether `b` may continue an identifier: an ASCII letter, digit or `_`.
@inline(__always) func isIdentifierContinue(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
