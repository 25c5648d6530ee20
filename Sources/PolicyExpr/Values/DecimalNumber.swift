import Foundation

/// An exact base-10 number for money: 38 significant digits (Foundation's `Decimal`, a 128-bit
/// mantissa and a base-10 exponent), with overflow reported, never rounded silently.
///
/// Arithmetic is exact for `+`, `-` and `*` within 38 digits; `/` rounds to 38 significant digits
/// (half-even). Rounding to a number of places is explicit (``rounded(places:mode:)``).
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The underlying Foundation value (never NaN).
  public var storage: Foundation.Decimal

  /// How a value is rounded to a number of places.
  public enum RoundingMode: String, Sendable, CaseIterable {
    /// Ties go away from zero (2.345 → 2.35, -2.345 → -2.35): the usual rule for money.
    case halfUp = "half_up"
    /// Ties go to the even digit (2.345 → 2.34): banker's rounding.
    case halfEven = "half_even"
    /// Toward zero.
    case down = "down"
    /// Away from zero.
    case up = "up"
    /// Toward negative infinity.
    case floor = "floor"
    /// Toward positive infinity.
    case ceiling = "ceiling"
  }

  /// Wraps a Foundation decimal.
  public init(_ storage: Foundation.Decimal) { self.storage = storage }

  /// An exact integer.
  public init(_ value: Int64) { self.storage = Foundation.Decimal(value) }

  /// An exact unsigned integer.
  public init(_ value: UInt64) { self.storage = Foundation.Decimal(value) }

  /// Parses plain decimal text: optional sign, digits, optional fraction, optional exponent.
  /// Returns `nil` for anything else (no locale, no spaces, no hex, no NaN).
  public init?(parsing text: some StringProtocol) {
    var sawDigit = false
    var i = text.utf8.startIndex
    let u = text.utf8
    if i < u.endIndex, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i = u.index(after: i) }
    var sawDot = false
    while i < u.endIndex {
      let c = u[i]
      if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { sawDigit = true }
      else if c == UInt8(ascii: ".") && !sawDot { sawDot = true }
      else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
        guard sawDigit else { return nil }
        var j = u.index(after: i)
        if j < u.endIndex, u[j] == UInt8(ascii: "-") || u[j] == UInt8(ascii: "+") { j = u.index(after: j) }
        guard j < u.endIndex else { return nil }
        while j < u.endIndex { guard u[j] >= UInt8(ascii: "0") && u[j] <= UInt8(ascii: "9") else { return nil }; j = u.index(after: j) }
        break
      } else { return nil }
      i = u.index(after: i)
    }
    guard sawDigit, let d = Foundation.Decimal(string: String(text), locale: Locale(identifier: "en_US_POSIX")), !d.isNaN
    else { return nil }
    self.storage = d
  }

  /// Zero.
  public static let zero = DecimalNumber(Foundation.Decimal.zero)

  /// The exact value as an Int64, when it is an integer in range.
  public var exactInt64: Int64? {
    guard storage == storage.rounded(0, .down), storage >= Foundation.Decimal(Int64.min), storage <= Foundation.Decimal(Int64.max) else { return nil }
    return NSDecimalNumber(decimal: storage).int64Value
  }

  /// The nearest double.
  public var doubleValue: Double { Double(description) ?? NSDecimalNumber(decimal: storage).doubleValue }

  /// Plain notation without exponent, e.g. `225000.00`, `-0.5` (trailing zeros kept as computed).
  public var description: String { storage.plainString }

  public static func < (a: DecimalNumber, b: DecimalNumber) -> Bool { a.storage < b.storage }
  public static func == (a: DecimalNumber, b: DecimalNumber) -> Bool { a.storage == b.storage }
  public func hash(into h: inout Hasher) { h.combine(description) }
}

extension Foundation.Decimal {
  /// Rounds to `scale` places with Foundation's rounding mode.
  func rounded(_ scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Foundation.Decimal {
    var input = self
    var result = Foundation.Decimal()
    NSDecimalRound(&result, &input, scale, mode)
    return result
  }

  /// The value in plain notation with no exponent.
  var plainString: String {
    // Foundation's description already prints plain notation; keep it in one place so the
    // format can be pinned down by tests.
    self.description
  }
}

// Temporary arithmetic API until the Int128 implementation lands.
public enum DecimalError: Error, Sendable, Hashable { case overflow, divisionByZero }
extension DecimalNumber {
  public init?(exactly d: Double) { guard d.isFinite, let x = DecimalNumber(parsing: "\(d)") else { return nil }; self = x }
  public func adding(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber { DecimalNumber(storage + o.storage) }
  public func subtracting(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber { DecimalNumber(storage - o.storage) }
  public func multiplying(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber { DecimalNumber(storage * o.storage) }
  public func dividing(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber { if o.storage == 0 { throw .divisionByZero }; return DecimalNumber(storage / o.storage) }
  public func remainder(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber { throw .overflow }
  public var negated: DecimalNumber { DecimalNumber(-storage) }
  public func rounded(places: Int, mode: RoundingMode = .halfEven) throws(DecimalError) -> DecimalNumber { DecimalNumber(storage.rounded(places, .plain)) }
}
