extension DecimalNumber: Hashable, Comparable {
  /// Numeric equality across scales: `1.0 == 1.00 == 1`.
  public static func == (a: DecimalNumber, b: DecimalNumber) -> Bool {
    if a.storedScale == b.storedScale { return a.coefficient == b.coefficient }
    return compare(a, b) == 0
  }

  /// Numeric order across scales.
  public static func < (a: DecimalNumber, b: DecimalNumber) -> Bool {
    if a.storedScale == b.storedScale { return a.coefficient < b.coefficient }
    return compare(a, b) < 0
  }

  /// Hashes the normalized value, so that numerically equal values hash alike.
  public func hash(into hasher: inout Hasher) {
    let n = normalized
    hasher.combine(n.coefficient)
    hasher.combine(n.storedScale)
  }

  /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`.
  ///
  /// Aligns scales in 128 bits when that fits, and in 256 bits otherwise, so it never overflows.
  public static func compare(_ a: DecimalNumber, _ b: DecimalNumber) -> Int {
    let x = a.coefficient, y = b.coefficient
    if a.storedScale == b.storedScale { return x < y ? -1 : (x == y ? 0 : 1) }
    let sa = a.signum, sb = b.signum
    if sa != sb { return sa < sb ? -1 : 1 }
    if sa == 0 { return 0 }
    let s = Swift.max(a.scale, b.scale)
    let ma = x.magnitude, mb = y.magnitude
    let order: Int
    if let ax = scaleUp(ma, by: s - a.scale), let bx = scaleUp(mb, by: s - b.scale) {
      order = ax < bx ? -1 : (ax == bx ? 0 : 1)
    } else {
      let wa = WideMagnitude(product: ma, powerOfTen(s - a.scale))
      let wb = WideMagnitude(product: mb, powerOfTen(s - b.scale))
      order = wa < wb ? -1 : (wa == wb ? 0 : 1)
    }
    return sa < 0 ? -order : order
  }
}
