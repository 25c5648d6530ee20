import PolicyExpr

/// A decision table whose input cells are all bands over doubles (`< 0.02`, `[0.02..0.05)`, `-`),
/// as risk-band and tier tables are: each cell is stored as an interval of two doubles, and a row
/// matches by plain comparisons, with no value boxing or dispatch per cell.
///
/// Used when every column value of an evaluation is a double (or an int a double holds exactly);
/// otherwise the table's general cell tests run on the same values (they give the same answers).
struct NumericBands: Sendable {
  /// Per cell, row-major: low and high bounds (±infinity when open-ended) and whether each is closed.
  let low: [Double], high: [Double]
  let lowClosed: [Bool], highClosed: [Bool]

  /// Builds the bands, or `nil` when some cell is not a band over doubles.
  init?(_ cells: [CellTest]) {
    var low: [Double] = [], high: [Double] = [], lc: [Bool] = [], hc: [Bool] = []
    for var cell in cells {
      // An integer bound (`> 0`) is exact as a double below 2^53.
      if case .compare(let op, .int(let i)) = cell, i.magnitude < 1 << 53 { cell = .compareDouble(op, Double(i)) }
      if case .interval(.int(let lo), let lc, .int(let hi), let hc) = cell, lo.magnitude < 1 << 53, hi.magnitude < 1 << 53 {
        cell = .intervalDouble(low: Double(lo), lowClosed: lc, high: Double(hi), highClosed: hc)
      }
      switch cell {
      case .any:
        low.append(-.infinity); high.append(.infinity); lc.append(true); hc.append(true)
      case .compareDouble(let op, let c):
        switch op {
        case .lt: low.append(-.infinity); high.append(c); lc.append(true); hc.append(false)
        case .le: low.append(-.infinity); high.append(c); lc.append(true); hc.append(true)
        case .gt: low.append(c); high.append(.infinity); lc.append(false); hc.append(true)
        case .ge: low.append(c); high.append(.infinity); lc.append(true); hc.append(true)
        case .eq: low.append(c); high.append(c); lc.append(true); hc.append(true)
        case .ne: return nil
        }
      case .intervalDouble(let lo, let loClosed, let hi, let hiClosed):
        low.append(lo); high.append(hi); lc.append(loClosed); hc.append(hiClosed)
      default:
        return nil
      }
    }
    self.low = low; self.high = high; self.lowClosed = lc; self.highClosed = hc
  }

  /// The column value as a band operand: a double that is not NaN, or an int a double holds
  /// exactly; `nil` for anything else, which the general cell tests decide. (NaN is left to them
  /// because `-` accepts it while every band comparison with NaN is false.)
  @inline(__always)
  static func operand(_ v: Value) -> Double? {
    switch v {
    case .double(let d) where !d.isNaN: d
    case .int(let i) where i.magnitude < 1 << 53: Double(i)
    default: nil
    }
  }

  /// Whether the cell at `i` accepts `x` (never NaN here). Plain IEEE comparisons: for these
  /// operands they order exactly as ``Value/order(_:_:)`` does (ints below 2^53 are exact doubles).
  @inline(__always)
  func accepts(_ i: Int, _ x: Double) -> Bool {
    (lowClosed[i] ? x >= low[i] : x > low[i]) && (highClosed[i] ? x <= high[i] : x < high[i])
  }
}
