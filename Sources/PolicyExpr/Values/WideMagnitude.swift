/// An unsigned 256-bit integer: just enough arithmetic for the rare results wider than 38 digits.
struct WideMagnitude: Comparable {
  var high: UInt128
  var low: UInt128

  init(_ value: UInt128) { high = 0; low = value }
  init(high: UInt128, low: UInt128) { self.high = high; self.low = low }

  /// The full product of two 128-bit magnitudes.
  init(product a: UInt128, _ b: UInt128) {
    let (h, l) = a.multipliedFullWidth(by: b)
    high = h
    low = l
  }

  /// Whether the value is at most 10^38 - 1.
  var fitsCoefficient: Bool { high == 0 && low <= DecimalNumber.maxCoefficient }

  static func < (a: WideMagnitude, b: WideMagnitude) -> Bool {
    a.high != b.high ? a.high < b.high : a.low < b.low
  }

  static func + (a: WideMagnitude, b: WideMagnitude) -> WideMagnitude {
    let (l, carry) = a.low.addingReportingOverflow(b.low)
    return WideMagnitude(high: a.high &+ b.high &+ (carry ? 1 : 0), low: l)
  }

  /// `a - b` for `a >= b`.
  static func - (a: WideMagnitude, b: WideMagnitude) -> WideMagnitude {
    let (l, borrow) = a.low.subtractingReportingOverflow(b.low)
    return WideMagnitude(high: a.high &- b.high &- (borrow ? 1 : 0), low: l)
  }

  /// Divides in place by a 64-bit divisor and returns the remainder.
  mutating func divide(by divisor: UInt64) -> UInt64 {
    var limbs = (UInt64(truncatingIfNeeded: high >> 64), UInt64(truncatingIfNeeded: high),
                 UInt64(truncatingIfNeeded: low >> 64), UInt64(truncatingIfNeeded: low))
    var r: UInt64 = 0
    (limbs.0, r) = divisor.dividingFullWidth((r, limbs.0))
    (limbs.1, r) = divisor.dividingFullWidth((r, limbs.1))
    (limbs.2, r) = divisor.dividingFullWidth((r, limbs.2))
    (limbs.3, r) = divisor.dividingFullWidth((r, limbs.3))
    high = UInt128(limbs.0) << 64 | UInt128(limbs.1)
    low = UInt128(limbs.2) << 64 | UInt128(limbs.3)
    return r
  }

  /// Divides in place by 10^`count` (truncating) and returns whether the remainder was nonzero.
  @discardableResult
  mutating func divideByPowerOfTen(_ count: Int) -> Bool {
    var left = count
    var inexact = false
    while left > 0 {
      let step = Swift.min(left, 19)
      if divide(by: UInt64(truncatingIfNeeded: DecimalNumber.powerOfTen(step))) != 0 { inexact = true }
      left -= step
    }
    return inexact
  }
}
