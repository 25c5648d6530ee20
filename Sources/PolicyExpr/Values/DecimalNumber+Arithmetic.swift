extension DecimalNumber {
  /// The sum, with the larger of the two scales (`1.5 + 2.25` is `3.75`, `1.50 + 1` is `2.50`).
  ///
  /// Exact when the result fits 38 digits; otherwise fractional digits are rounded away
  /// half-even until it does.
  /// - Throws: ``DecimalError/overflow`` when the integer part needs more than 38 digits.
  public func adding(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    let a = coefficient, b = o.coefficient
    if scale == o.scale {
      let (sum, overflow) = a.addingReportingOverflow(b)
      if !overflow, sum.magnitude <= Self.maxCoefficient { return DecimalNumber(unchecked: sum, scale: scale) }
    } else {
      let s = Swift.max(scale, o.scale)
      let (x, y) = scale < s ? (a, b) : (b, a)  // x has the smaller scale
      let (aligned, o1) = x.multipliedReportingOverflow(by: Int128(Self.powerOfTen(s - Swift.min(scale, o.scale))))
      if !o1 {
        let (sum, o2) = aligned.addingReportingOverflow(y)
        if !o2, sum.magnitude <= Self.maxCoefficient { return DecimalNumber(unchecked: sum, scale: s) }
      }
    }
    return try Self.wideSum(self, o)
  }

  /// The exact sum, with the larger of the two scales, or `nil` when it needs more than 38 digits
  /// (where ``adding(_:)`` would round fractional digits away or throw): for totals that must
  /// never be rounded silently.
  public func addingExactly(_ o: DecimalNumber) -> DecimalNumber? {
    // `adding` keeps the larger scale exactly when the exact sum fits, and lowers it otherwise.
    guard let sum = try? adding(o), sum.scale == Swift.max(scale, o.scale) else { return nil }
    return sum
  }

  /// The exact difference, or `nil` when it needs more than 38 digits; see ``addingExactly(_:)``.
  public func subtractingExactly(_ o: DecimalNumber) -> DecimalNumber? { addingExactly(o.negated) }

  /// The difference, with the larger of the two scales; see ``adding(_:)``.
  public func subtracting(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    try adding(o.negated)
  }

  /// The product, with the sum of the two scales (`250000 × 0.90` is `225000.00`).
  ///
  /// Exact when the product fits 38 digits and 38 fractional digits. Otherwise it is rounded
  /// half-even to the largest scale below that at which the coefficient fits 38 digits (trailing
  /// zeros are dropped exactly), so precision is lost only in fractional digits.
  /// - Throws: ``DecimalError/overflow`` when the integer part needs more than 38 digits.
  public func multiplying(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    let s = scale + o.scale
    let (p, overflow) = coefficient.multipliedReportingOverflow(by: o.coefficient)
    if !overflow, p.magnitude <= Self.maxCoefficient, s <= Self.maxScale {
      return DecimalNumber(unchecked: p, scale: s)
    }
    let negative = (signum < 0) != (o.signum < 0)
    let wide = WideMagnitude(product: coefficient.magnitude, o.coefficient.magnitude)
    guard let (m, fitted) = Self.fitting(wide, scale: s, negative: negative) else { throw .overflow }
    return DecimalNumber(magnitude: m, negative: negative, scale: fitted)
  }

  /// The quotient.
  ///
  /// The preferred scale is the dividend's scale minus the divisor's (`225000.00 / 2` is
  /// `112500.00`). When the exact quotient terminates within 38 digits and 38 fractional
  /// digits it is returned exactly, with the fewest fractional digits at or above the preferred
  /// scale (`1 / 4` is `0.25`, `1 / 0.5` is `2`), however many of its 38 digits it needs.
  /// Otherwise (it does not terminate, or terminates only beyond 38 digits or 38 places) it is
  /// rounded half-even to 28 significant digits, never rounding into the integer part and never
  /// beyond 38 fractional digits (`1 / 3` is `0.3333333333333333333333333333`, `2 / 3` ends in
  /// `…6667`). 28, not 38, leaves 10 digits for the product a quotient usually goes into to stay
  /// exact (docs/language.md, §4).
  /// - Throws: ``DecimalError/divisionByZero``, or ``DecimalError/overflow`` when the integer
  ///   part of the quotient needs more than 38 digits.
  public func dividing(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    let d = o.coefficient.magnitude
    guard d != 0 else { throw .divisionByZero }
    let negative = (signum < 0) != (o.signum < 0)
    var (q, r) = coefficient.magnitude.quotientAndRemainder(dividingBy: d)
    var s = scale - o.scale
    // Produce further digits, up to 19 at a time: (r × 10^c) / d < 10^c since r < d.
    while r != 0, s < Self.maxScale {
      var c = Swift.min(19, Self.maxScale - s)
      while c > 0, q >= Self.powerOfTen(Self.maxDigits - c) { c -= 1 }
      if c == 0 { break }
      let (digits, rest) = Self.shiftedQuotient(r, digits: c, divisor: d)
      q = q * Self.powerOfTen(c) + digits
      r = rest
      s += c
    }
    if r == 0 {
      // Exact: drop the trailing zeros the last chunk produced beyond the preferred scale.
      let preferred = scale - o.scale
      while s > preferred, s > 0, q % 10 == 0, q != 0 { q /= 10; s -= 1 }
      if q == 0 { s = Swift.max(0, Swift.min(preferred, Self.maxScale)) }
      if s < 0 {
        guard let up = Self.scaleUp(q, by: -s) else { throw .overflow }
        return DecimalNumber(magnitude: up, negative: negative, scale: 0)
      }
      return DecimalNumber(magnitude: q, negative: negative, scale: s)
    }
    guard s >= 0 else { throw .overflow }
    // Inexact: round to 28 significant digits, keeping the integer part whole.
    let k = Swift.min(Swift.max(0, Self.digitCount(q) - Self.divisionDigits), s)
    let half: Int
    let odd: Bool
    if k == 0 {
      let twice = r &* 2  // r < d <= 10^38 - 1
      half = twice < d ? -1 : (twice == d ? 0 : 1)
      odd = q & 1 == 1
    } else {
      let (kept, dropped) = q.quotientAndRemainder(dividingBy: Self.powerOfTen(k))
      let twice = dropped &* 2
      let unit = Self.powerOfTen(k)
      half = twice < unit ? -1 : 1  // r != 0, so an exact half of the dropped digits is above half
      odd = kept & 1 == 1
      q = kept
      s -= k
    }
    if Self.roundsAway(odd: odd, half: half, inexact: true, negative: negative, mode: .halfEven) {
      q += 1
      if q > Self.maxCoefficient {
        guard s > 0 else { throw .overflow }
        q /= 10
        s -= 1
      }
    }
    return DecimalNumber(magnitude: q, negative: negative, scale: s)
  }

  /// The remainder of truncating division, with the dividend's sign, like Swift's `%`
  /// (`7.5 % 2` is `1.5`, `-7.5 % 2` is `-1.5`), at the larger of the two scales.
  /// - Throws: ``DecimalError/divisionByZero``.
  public func remainder(_ o: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    let b = o.coefficient.magnitude
    guard b != 0 else { throw .divisionByZero }
    let negative = signum < 0
    let s = Swift.max(scale, o.scale)
    let a = coefficient.magnitude
    if scale < s {
      // Align the dividend: (a × 10^k) mod b, k steps of r = r × 10^c mod b (r < b fits).
      var r = a % b
      var k = s - scale
      while k > 0 {
        let c = Swift.min(k, 19)
        r = Self.shiftedQuotient(r, digits: c, divisor: b).remainder
        k -= c
      }
      return DecimalNumber(magnitude: r, negative: negative, scale: s)
    }
    // Align the divisor; one wider than 38 digits exceeds the dividend, which is the remainder.
    guard let divisor = Self.scaleUp(b, by: s - o.scale) else { return self }
    return DecimalNumber(magnitude: a % divisor, negative: negative, scale: s)
  }

  /// `(r × 10^digits) / divisor` and its remainder, for `r < divisor` and `digits <= 19`.
  ///
  /// The product takes 128 bits when the divisor fits 64 bits; otherwise it is formed in 256.
  @inline(__always)
  private static func shiftedQuotient(_ r: UInt128, digits: Int, divisor: UInt128) -> (quotient: UInt128, remainder: UInt128) {
    if divisor <= UInt128(UInt64.max) {
      return (r * powerOfTen(digits)).quotientAndRemainder(dividingBy: divisor)
    }
    let wide = r.multipliedFullWidth(by: powerOfTen(digits))
    return divisor.dividingFullWidth(wide)
  }

  /// The exact sum computed in 256 bits, then fitted to 38 digits.
  private static func wideSum(_ x: DecimalNumber, _ y: DecimalNumber) throws(DecimalError) -> DecimalNumber {
    let s = Swift.max(x.scale, y.scale)
    let a = WideMagnitude(product: x.coefficient.magnitude, powerOfTen(s - x.scale))
    let b = WideMagnitude(product: y.coefficient.magnitude, powerOfTen(s - y.scale))
    let na = x.signum < 0, nb = y.signum < 0
    let sum: WideMagnitude
    let negative: Bool
    if na == nb {
      sum = a + b; negative = na
    } else if a < b {
      sum = b - a; negative = nb
    } else {
      sum = a - b; negative = na
    }
    guard let (m, fitted) = fitting(sum, scale: s, negative: negative) else { throw .overflow }
    return DecimalNumber(magnitude: m, negative: negative, scale: fitted)
  }
}
