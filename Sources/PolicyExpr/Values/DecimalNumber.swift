/// An exact base-10 number for money: a signed integer coefficient of at most 38 digits and a
/// scale of 0 through 38 fractional digits (value = coefficient × 10^-scale).
///
/// The scale is kept as written and as computed, so `250000 * 0.90` prints `225000.00`:
/// a sum or difference has the larger scale of its operands, a product the sum of their scales
/// (CEL's and SQL's rule). Equality, ordering and hashing are numeric: `1.0 == 1.00 == 1`.
///
/// Arithmetic works on Swift's `Int128` without heap allocation. `+`, `-` and `*` are exact
/// whenever the exact result fits 38 digits; otherwise fractional digits are rounded away
/// (half-even) and ``DecimalError/overflow`` is thrown only when the integer part itself does not
/// fit. Division is exact when the quotient terminates within 38 digits, and otherwise rounded
/// half-even to 28 significant digits (see ``dividing(_:)``). Rounding to places is explicit
/// (``rounded(places:mode:)``).
public struct DecimalNumber: Sendable {
  // The Int128 coefficient split in two words keeps the struct 8-byte aligned: a 24-byte stride
  // instead of 32, which keeps `Value` small.
  private(set) var low: UInt64
  private(set) var high: Int64
  private(set) var storedScale: UInt8

  /// The most digits a coefficient holds (38: every 38-digit integer fits `Int128`).
  public static let maxDigits = 38
  /// The most fractional digits a value holds.
  public static let maxScale = 38
  /// The significant digits a non-terminating quotient is rounded to.
  public static let divisionDigits = 28
  /// The largest coefficient magnitude, 10^38 - 1.
  static let maxCoefficient: UInt128 = 99_999_999_999_999_999_999_999_999_999_999_999_999

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

  /// A value from a coefficient and scale already known to be in range.
  init(unchecked coefficient: Int128, scale: Int) {
    low = coefficient._low
    high = coefficient._high
    storedScale = UInt8(truncatingIfNeeded: scale)
  }

  /// A value from a magnitude already known to be at most ``maxCoefficient``, and a sign.
  init(magnitude: UInt128, negative: Bool, scale: Int) {
    let c = Int128(truncatingIfNeeded: magnitude)
    self.init(unchecked: negative ? 0 - c : c, scale: scale)
  }

  /// The value `coefficient × 10^-scale`, or `nil` when the coefficient has more than 38 digits
  /// or the scale lies outside 0 through 38.
  public init?(coefficient: Int128, scale: Int) {
    guard coefficient.magnitude <= Self.maxCoefficient, scale >= 0, scale <= Self.maxScale else { return nil }
    self.init(unchecked: coefficient, scale: scale)
  }

  /// An exact integer.
  public init(_ value: Int64) { self.init(unchecked: Int128(value), scale: 0) }

  /// An exact unsigned integer.
  public init(_ value: UInt64) { self.init(unchecked: Int128(value), scale: 0) }

  /// Zero, with scale 0.
  public static let zero = DecimalNumber(Int64(0))

  /// The integer coefficient: the value is `coefficient × 10^-scale`.
  public var coefficient: Int128 { Int128(_low: low, _high: high) }

  /// The number of digits after the decimal point as stored (`2` for `225000.00`).
  public var scale: Int { Int(storedScale) }

  /// -1, 0 or 1 by the sign of the value.
  public var signum: Int { high < 0 ? -1 : (high == 0 && low == 0 ? 0 : 1) }

  /// The value with its sign flipped (same scale).
  public var negated: DecimalNumber { DecimalNumber(unchecked: 0 - coefficient, scale: scale) }

  /// The absolute value (same scale).
  public var magnitude: DecimalNumber { high < 0 ? negated : self }

  /// Whether the value has no nonzero fractional digit (`2.00` is an integer).
  public var isInteger: Bool {
    storedScale == 0 || coefficient.magnitude % Self.powerOfTen(scale) == 0
  }

  /// The value as an `Int64`, when it is an integer in `Int64`'s range.
  public var exactInt64: Int64? {
    let (q, r) = coefficient.quotientAndRemainder(dividingBy: Int128(Self.powerOfTen(scale)))
    guard r == 0 else { return nil }
    return Int64(exactly: q)
  }

  /// The value as a `UInt64`, when it is a non-negative integer in `UInt64`'s range.
  public var exactUInt64: UInt64? {
    let (q, r) = coefficient.quotientAndRemainder(dividingBy: Int128(Self.powerOfTen(scale)))
    guard r == 0 else { return nil }
    return UInt64(exactly: q)
  }

  /// The truncated integer part as an `Int64`, or `nil` when it is out of range.
  public var truncatedInt64: Int64? {
    Int64(exactly: coefficient / Int128(Self.powerOfTen(scale)))
  }

  /// The nearest double, correctly rounded.
  ///
  /// Small coefficients take the exact fast path (both operands exact doubles, one correctly
  /// rounded division); the rest go through the text and `Double(String)`.
  public var doubleValue: Double {
    let m = coefficient.magnitude
    if m < (1 << 53), scale <= 22 {
      let d = Double(UInt64(truncatingIfNeeded: m)) / Self.doublePowersOfTen[scale]
      return high < 0 ? -d : d
    }
    return Double(description) ?? .nan
  }

  /// The same value with trailing fractional zeros removed (`2.500` → `2.5`, `3.00` → `3`).
  public var normalized: DecimalNumber {
    var m = coefficient.magnitude
    var s = scale
    guard m != 0 else { return .zero }
    if s > 0, m <= UInt128(UInt64.max) {
      // 64-bit division is several times cheaper than 128-bit.
      var small = UInt64(truncatingIfNeeded: m)
      while s > 0, small % 10 == 0 { small /= 10; s -= 1 }
      return DecimalNumber(magnitude: UInt128(small), negative: high < 0, scale: s)
    }
    while s > 0 {
      let (q, r) = m.quotientAndRemainder(dividingBy: 10)
      if r != 0 { break }
      m = q
      s -= 1
    }
    return DecimalNumber(magnitude: m, negative: high < 0, scale: s)
  }

  /// 10^`exponent` for `exponent` in 0...38.
  @inline(__always)
  static func powerOfTen(_ exponent: Int) -> UInt128 { powersOfTen[exponent] }

  /// The number of decimal digits of `m` (1 for zero).
  static func digitCount(_ m: UInt128) -> Int {
    var n = 1
    while n < 39, m >= powersOfTen[n] { n += 1 }
    return n
  }

  /// 10^0 through 10^22 as doubles (all exact).
  static let doublePowersOfTen: [Double] = (0...22).map(pow10Double)
}

/// 10^0 through 10^38.
let powersOfTen: [UInt128] = {
  var table: [UInt128] = [1]
  for _ in 1...38 { table.append(table[table.count - 1] * 10) }
  return table
}()

/// 10^n as a double by repeated exact multiplication (exact through 10^22).
private func pow10Double(_ n: Int) -> Double {
  var d = 1.0
  for _ in 0..<n { d *= 10 }
  return d
}

/// Why a decimal operation has no result.
public enum DecimalError: Error, Sendable, Hashable {
  /// The integer part of the result needs more than 38 digits (or a requested scale is above 38).
  case overflow
  /// The divisor is zero.
  case divisionByZero
}
