import PolicyExpr

/// The set of values a simple cell accepts, for load-time analysis of tables.
enum CellSet {
  case any
  /// `nil` bounds are unbounded.
  case interval(low: Value?, lowClosed: Bool, high: Value?, highClosed: Bool)
  case values([Value])

  init?(_ test: CellTest) {
    switch test.general {
    case .any: self = .any
    case .compare(let op, let v):
      switch op {
      case .lt: self = .interval(low: nil, lowClosed: false, high: v, highClosed: false)
      case .le: self = .interval(low: nil, lowClosed: false, high: v, highClosed: true)
      case .gt: self = .interval(low: v, lowClosed: false, high: nil, highClosed: false)
      case .ge: self = .interval(low: v, lowClosed: true, high: nil, highClosed: false)
      case .eq: self = .values([v])
      case .ne: return nil
      }
    case .interval(let lo, let loC, let hi, let hiC): self = .interval(low: lo, lowClosed: loC, high: hi, highClosed: hiC)
    case .oneOf(let vs): self = .values(vs)
    case .not, .expression, .compareDouble, .intervalDouble, .compareDecimal, .intervalDecimal: return nil
    }
  }

  /// The language's ordering of two cell constants (``Value/order(_:_:)``); `nil` (cannot tell)
  /// when they are unordered (NaN) or of kinds without an order.
  static func order(_ a: Value, _ b: Value) -> Int? {
    if case .ordered(let c) = Value.order(a, b) { return c }
    return nil
  }

  func contains(_ v: Value) -> Bool? {
    switch self {
    case .any: return true
    case .values(let vs): return vs.contains { $0.celEquals(v) }
    case .interval(let lo, let loC, let hi, let hiC):
      if let lo { guard let c = CellSet.order(v, lo) else { return nil }; if c < 0 || (c == 0 && !loC) { return false } }
      if let hi { guard let c = CellSet.order(v, hi) else { return nil }; if c > 0 || (c == 0 && !hiC) { return false } }
      return true
    }
  }

  /// Whether every value `other` accepts is accepted by `self` (`nil`: cannot tell).
  func covers(_ other: CellSet) -> Bool? {
    switch (self, other) {
    case (.any, _): return true
    case (_, .any): return false
    case (_, .values(let vs)):
      for v in vs { guard let c = contains(v) else { return nil }; if !c { return false } }
      return true
    case (.values, .interval): return false
    case (.interval(let l1, let c1, let h1, let d1), .interval(let l2, let c2, let h2, let d2)):
      // Low end of self must be at or below other's; high end at or above.
      if let l1 {
        guard let l2 else { return false }
        guard let c = CellSet.order(l1, l2) else { return nil }
        if c > 0 || (c == 0 && !c1 && c2) { return false }
      }
      if let h1 {
        guard let h2 else { return false }
        guard let c = CellSet.order(h1, h2) else { return nil }
        if c < 0 || (c == 0 && !d1 && d2) { return false }
      }
      return true
    }
  }

  /// Whether some value is accepted by both (`nil`: cannot tell).
  func intersects(_ other: CellSet) -> Bool? {
    switch (self, other) {
    case (.any, _), (_, .any): return true
    case (.values(let vs), let s), (let s, .values(let vs)):
      var unknown = false
      for v in vs {
        switch s.contains(v) {
        case true?: return true
        case nil: unknown = true
        default: break
        }
      }
      return unknown ? nil : false
    case (.interval(let l1, let c1, let h1, let d1), .interval(let l2, let c2, let h2, let d2)):
      // The intersection's low end is the larger low, its high end the smaller high.
      func below(_ lo: Value?, _ loC: Bool, _ hi: Value?, _ hiC: Bool) -> Bool? {
        guard let lo, let hi else { return true }
        guard let c = CellSet.order(lo, hi) else { return nil }
        return c < 0 || (c == 0 && loC && hiC)
      }
      guard let a = below(l1, c1, h2, d2), let b = below(l2, c2, h1, d1) else { return nil }
      return a && b
    }
  }
}

extension PolicyCompiler {
  /// Warns about rows that can never match (`first`) and rows that overlap (`unique`).
  mutating func analyze(_ table: DecisionTable, _ spec: DecisionTableSpec) {
    guard table.hit == .first || table.hit == .unique || table.hit == .priority || table.hit == .any else { return }
    let sets: [[CellSet]?] = table.rows.map { row in
      let s = row.compactMap(CellSet.init)
      return s.count == row.count ? s : nil
    }
    for j in sets.indices {
      guard let b = sets[j] else { continue }
      for i in 0..<j {
        guard let a = sets[i] else { continue }
        if table.hit == .first {
          if zip(a, b).allSatisfy({ $0.covers($1) == true }) {
            let line = policy.file.location(of: spec.rowRanges[i].start).line
            diagnostics.append(Diagnostic(.warning, code: .policyUnreachableRow,
              message: "row \(j + 1) of table '\(table.id)' can never match: row \(i + 1) above it matches everything it does",
              range: spec.rowRanges[j], file: policy.file, hint: "row \(i + 1) is on line \(line); reorder or remove one"))
            break
          }
        } else if table.hit == .unique {
          if zip(a, b).allSatisfy({ $0.intersects($1) == true }) {
            let line = policy.file.location(of: spec.rowRanges[i].start).line
            diagnostics.append(Diagnostic(.warning, code: .policyOverlappingRows,
              message: "rows \(i + 1) and \(j + 1) of table '\(table.id)' overlap, but its hit policy is unique",
              range: spec.rowRanges[j], file: policy.file, hint: "row \(i + 1) is on line \(line)"))
          }
        }
      }
    }
  }
}
