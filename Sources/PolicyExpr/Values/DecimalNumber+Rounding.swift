extension DecimalNumber {
  /// The value rounded to `places` fractional digits.
  ///
  /// With `places >= 0` the result has exactly that scale, padding with zeros when needed
  /// (`2.3` to 2 places is `2.30`). Negative `places` round to tens, hundreds and so on and give
  /// scale 0 (`1234.5` to -2 places is `1200`).
  /// - Throws: ``DecimalError/overflow`` when `places` is above 38 or the result needs more
  ///   than 38 digits.
  public func rounded(places: Int, mode: RoundingMode = .halfEven) throws(DecimalError) -> DecimalNumber {
    // Below -39 places every value rounds alike (to 0 or to an overflow); clamping keeps
    // `scale - places` from overflowing `Int`.
    let places = Swift.max(places, -(Self.maxDigits + 1))
    let negative = signum < 0
    let m = coefficient.magnitude
    if places >= scale {
      guard places <= Self.maxScale else { throw .overflow }
      guard let c = Self.scaleUp(m, by: places - scale) else { throw .overflow }
      return DecimalNumber(magnitude: c, negative: negative, scale: places)
    }
    let q = Self.dropDigits(m, count: scale - places, negative: negative, mode: mode)
    if places >= 0 { return DecimalNumber(magnitude: q, negative: negative, scale: places) }
    if q == 0 { return .zero }
    guard -places <= Self.maxDigits, let c = Self.scaleUp(q, by: -places) else { throw .overflow }
    return DecimalNumber(magnitude: c, negative: negative, scale: 0)
  }

  /// `m × 10^digits`, or `nil` when that exceeds 38 digits.
  static func scaleUp(_ m: UInt128, by digits: Int) -> UInt128? {
    if digits == 0 { return m }
    if m == 0 { return 0 }
    guard digits <= maxDigits else { return nil }
    let (p, o) = m.multipliedReportingOverflow(by: powerOfTen(digits))
    return o || p > maxCoefficient ? nil : p
  }

  /// `m / 10^count` rounded by `mode`; `negative` is the sign of the value `m` is the magnitude of.
  static func dropDigits(_ m: UInt128, count: Int, negative: Bool, mode: RoundingMode) -> UInt128 {
    if count <= 0 { return m }
    if count > maxDigits {
      // m < 10^38 <= 10^count / 2: below half, inexact unless zero.
      return roundsAway(odd: false, half: -1, inexact: m != 0, negative: negative, mode: mode) ? 1 : 0
    }
    let d = powerOfTen(count)
    let (q, r) = m.quotientAndRemainder(dividingBy: d)
    if r == 0 { return q }
    let twice = r &* 2  // r < d <= 10^38, so 2r < 2^128
    let half = twice < d ? -1 : (twice == d ? 0 : 1)
    return roundsAway(odd: q & 1 == 1, half: half, inexact: true, negative: negative, mode: mode) ? q + 1 : q
  }

  /// Whether a truncated magnitude must be incremented.
  /// - Parameters:
  ///   - odd: whether the truncated magnitude is odd.
  ///   - half: how the discarded part compares with one half of the last kept unit (-1, 0, 1).
  ///   - inexact: whether anything nonzero was discarded.
  ///   - negative: the sign of the value.
  @inline(__always)
  static func roundsAway(odd: Bool, half: Int, inexact: Bool, negative: Bool, mode: RoundingMode) -> Bool {
    switch mode {
    case .down: false
    case .up: inexact
    case .floor: inexact && negative
    case .ceiling: inexact && !negative
    case .halfUp: half >= 0 && inexact
    case .halfEven: half > 0 || (half == 0 && odd)
    }
  }

  /// Rounds a wide magnitude at `scale` half-even to the largest scale (at most `scale` and at
  /// most 38) whose coefficient fits 38 digits; `nil` when the integer part alone does not fit.
  static func fitting(_ n: WideMagnitude, scale: Int, negative: Bool) -> (UInt128, Int)? {
    var k = Swift.max(0, scale - maxScale)
    var t = n
    t.divideByPowerOfTen(k)
    while !t.fitsCoefficient {
      t.divideByPowerOfTen(1)
      k += 1
    }
    if k == 0 { return (t.low, scale) }
    guard k <= scale else { return nil }
    // Recompute from n to learn the first discarded digit and whether any later one is nonzero.
    var u = n
    let sticky = u.divideByPowerOfTen(k - 1)
    let digit = u.divide(by: 10)
    var q = u.low
    let half = digit > 5 || (digit == 5 && sticky) ? 1 : (digit == 5 ? 0 : -1)
    var s = scale - k
    if roundsAway(odd: q & 1 == 1, half: half, inexact: digit != 0 || sticky, negative: negative, mode: .halfEven) {
      q += 1
      if q > maxCoefficient {
        guard s > 0 else { return nil }
        q /= 10
        s -= 1
      }
    }
    return (q, s)
  }
}
