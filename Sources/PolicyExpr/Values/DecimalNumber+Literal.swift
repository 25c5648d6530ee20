/// Why a number literal of an expression is not a decimal (see ``DecimalNumber/init(literal:)``).
public enum DecimalLiteralError: Error, Sendable, Hashable {
  /// The coefficient needs this many digits (more than 38); trailing zeros count.
  case tooManyDigits(Int)
  /// The literal has this many decimal places (more than 38).
  case tooManyPlaces(Int)
  /// The text is not a number literal of the expression grammar.
  case malformed

  /// The message for the literal `text`: a lowercase phrase quoting it, without a final period.
  public func message(literal text: String) -> String {
    switch self {
    case .tooManyDigits(let n):
      "number literal '\(text)' needs \(n) digits as a decimal; a decimal holds at most 38 significant digits (trailing zeros count: they carry the places)"
    case .tooManyPlaces(let n):
      "number literal '\(text)' has \(n) decimal places; a decimal holds at most 38"
    case .malformed:
      "'\(text)' is not a number literal"
    }
  }
}

extension DecimalNumber {
  /// The exact decimal a number literal of an expression spells, with its places as written.
  ///
  /// The grammar is the expression language's number literal, optionally negated: `-`? digits?
  /// (`.` digits)? (`e`|`E` (`+`|`-`)? digits)?, with at least one digit before the exponent:
  /// `0.90`, `.5`, `-0.5`, `12`, `1e3`, `1.5E-7`. The places are the fraction digits minus the
  /// exponent, at least 0 (`0.90` has 2, `1.50e1` has 1, `1e3` has 0); the coefficient is every
  /// digit written from the first nonzero one, trailing zeros included (they carry the places),
  /// times 10 to the exponent beyond the places (`1e3` is `1000`). Leading zeros do not count.
  ///
  /// Nothing is ever rounded or dropped: a literal whose coefficient needs more than 38 digits, or
  /// that has more than 38 places, is an error (`0.` followed by 38 digits fits, 39 do not; so
  /// does `1.` followed by 37 zeros, but not 38).
  /// - Throws: the reason when the literal is not an exact decimal.
  public init(literal text: some StringProtocol) throws(DecimalLiteralError) {
    var utf8 = Array(text.utf8)[...]
    var negative = false
    if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
    var m: UInt128 = 0
    var significant = 0  // digits from the first nonzero one
    var fractionDigits = 0, digitsBeforeExponent = 0
    var seenPoint = false
    var i = utf8.startIndex
    while i < utf8.endIndex {
      let b = utf8[i]
      if b == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else if isDigit(b) {
        let digit = UInt128(b &- UInt8(ascii: "0"))
        if significant > 0 || digit != 0 {
          significant += 1
          if significant <= Self.maxDigits { m = m * 10 + digit }
        }
        digitsBeforeExponent += 1
        if seenPoint { fractionDigits += 1 }
      } else {
        break
      }
      i += 1
    }
    // A point must have digits after it: `5.` is not a literal.
    guard digitsBeforeExponent > 0, !seenPoint || fractionDigits > 0 else { throw .malformed }
    var exponent = 0
    if i < utf8.endIndex {
      guard utf8[i] | 0x20 == UInt8(ascii: "e") else { throw .malformed }
      exponent = try Self.literalExponent(utf8[(i + 1)...])
    }
    let places = fractionDigits - exponent
    if places > Self.maxScale { throw .tooManyPlaces(places) }
    let padding = Swift.max(0, -places)  // zeros a positive exponent appends: `1e3`
    if m == 0 {
      self.init(unchecked: 0, scale: Swift.max(0, places))
      return
    }
    let needed = significant + padding
    guard needed <= Self.maxDigits, let c = Self.scaleUp(m, by: padding) else { throw .tooManyDigits(needed) }
    self.init(magnitude: c, negative: negative, scale: Swift.max(0, places))
  }

  /// The value of a literal's exponent text (after the `e`); beyond ±10^9 (far past any valid
  /// literal) it is clamped there, so arithmetic on it never overflows.
  private static func literalExponent(_ bytes: ArraySlice<UInt8>) throws(DecimalLiteralError) -> Int {
    var rest = bytes
    var negative = false
    if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
      negative = sign == UInt8(ascii: "-")
      rest = rest.dropFirst()
    }
    guard !rest.isEmpty else { throw .malformed }
    var value = 0
    for b in rest {
      guard isDigit(b) else { throw .malformed }
      value = Swift.min(value * 10 + Int(b &- UInt8(ascii: "0")), 1_000_000_000)
    }
    return negative ? -value : value
  }
}
