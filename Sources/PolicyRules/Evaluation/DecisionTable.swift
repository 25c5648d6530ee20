import PolicyExpr

/// A compiled decision table: input expressions, rows of unary tests and output expressions, and
/// a hit policy.
///
/// Simple cells (`< 0.02`, `[1..5)`, `"A", "B"`, `-`) are tests on constants evaluated without the
/// interpreter; other cells are expressions over `?`, the column's input value.
public final class DecisionTable: Sendable {
  /// The table's id.
  public let id: String
  /// How matching rows combine.
  public let hit: HitPolicy
  /// The column inputs.
  let inputs: [CompiledExpression]
  /// Output names.
  public let outputNames: [String]
  /// Rows: one test per input column.
  let rows: [[CellTest]]
  /// The same tests flattened row by row (`width` per row): one array, no inner-array retains.
  let cells: [CellTest]
  let width: Int
  /// Each row's result when all its outputs are constants (most tables), computed once.
  let constantRows: [Value?]
  /// The cells as double bands, when every cell is one (risk bands, tiers).
  let bands: NumericBands?
  /// Outputs per row, one per output column.
  let outputs: [[OutputCell]]
  /// Values when no row matches, or `nil` (then no match is an error).
  let defaults: [Value]?
  /// For `priority`: rank of each first-output value, lower is higher priority.
  let priority: [Value]
  /// The result type (the single output's type, a record of outputs, a list, or a number).
  public let resultType: CELType
  /// The record type of a multi-output row.
  let rowType: ObjectType?
  /// The variable slot holding the table's result (set once, when the policy declares it).
  public let slot: Int
  /// The hidden variable slot `?` reads from: the table's own, so a table forced from inside
  /// another table's cell leaves that cell's `?` alone.
  let cellSlot: Int
  /// Row source ranges, for the trace.
  let rowLines: [Int]

  init(id: String, hit: HitPolicy, inputs: [CompiledExpression], outputNames: [String], rows: [[CellTest]], outputs: [[OutputCell]],
       defaults: [Value]?, priority: [Value], resultType: CELType, rowType: ObjectType?, slot: Int = -1, cellSlot: Int, rowLines: [Int]) {
    self.id = id; self.hit = hit; self.inputs = inputs; self.outputNames = outputNames; self.rows = rows; self.outputs = outputs
    self.cells = rows.flatMap { $0 }.map(\.specialized)
    self.width = inputs.count
    self.bands = NumericBands(self.cells)
    self.constantRows = outputs.map { cells -> Value? in
      var values: [Value] = []
      for cell in cells {
        guard case .constant(let v) = cell else { return nil }
        values.append(v)
      }
      if values.count == 1 { return values[0] }
      guard let rowType else { return nil }
      return .object(ObjectValue(type: rowType, fields: values.map { $0 }))
    }
    self.defaults = defaults; self.priority = priority; self.resultType = resultType; self.rowType = rowType; self.slot = slot
    self.cellSlot = cellSlot; self.rowLines = rowLines
  }

  func withSlot(_ s: Int) -> DecisionTable {
    DecisionTable(id: id, hit: hit, inputs: inputs, outputNames: outputNames, rows: rows, outputs: outputs, defaults: defaults,
                  priority: priority, resultType: resultType, rowType: rowType, slot: s, cellSlot: cellSlot, rowLines: rowLines)
  }
}

/// One input cell.
enum CellTest: Sendable {
  case any
  case compare(Comparison, Value)
  case interval(low: Value, lowClosed: Bool, high: Value, highClosed: Bool)
  case oneOf([Value])
  case not(Box)
  case expression(CompiledExpression)
  /// `compare` / `interval` against double or decimal constants, stored unboxed: testing them
  /// copies no reference-counted payload (the common band and threshold cells).
  case compareDouble(Comparison, Double)
  case intervalDouble(low: Double, lowClosed: Bool, high: Double, highClosed: Bool)
  case compareDecimal(Comparison, DecimalNumber)
  case intervalDecimal(low: DecimalNumber, lowClosed: Bool, high: DecimalNumber, highClosed: Bool)

  /// The unboxed form of a numeric test, for evaluation (analysis keeps the general form).
  var specialized: CellTest {
    switch self {
    case .compare(let op, .double(let d)) where !d.isNaN: return .compareDouble(op, d)
    case .compare(let op, .decimal(let d)): return .compareDecimal(op, d)
    case .interval(.double(let lo), let lc, .double(let hi), let hc): return .intervalDouble(low: lo, lowClosed: lc, high: hi, highClosed: hc)
    case .interval(.decimal(let lo), let lc, .decimal(let hi), let hc): return .intervalDecimal(low: lo, lowClosed: lc, high: hi, highClosed: hc)
    default: return self
    }
  }

  /// `x op c` on two numbers of one kind. For doubles these are IEEE comparisons, which are CEL's:
  /// every ordering with NaN is false, NaN equals nothing, and -0.0 equals 0.0.
  @inline(__always)
  static func holds<T: Comparable>(_ op: Comparison, _ x: T, _ c: T) -> Bool {
    switch op {
    case .lt: x < c
    case .le: x <= c
    case .gt: x > c
    case .ge: x >= c
    case .eq: x == c
    case .ne: x != c
    }
  }

  /// `v op c` for an ordering operator, with the language's one ordering (``Value/order(_:_:)``):
  /// NaN makes it false; `nil` when the kinds have no order (an error, as in an expression).
  static func ordering(_ op: Comparison, _ v: Value, _ c: Value) -> Bool? {
    switch Value.order(v, c) {
    case .ordered(let order):
      switch op {
      case .lt: return order < 0
      case .le: return order <= 0
      case .gt: return order > 0
      case .ge: return order >= 0
      case .eq: return order == 0
      case .ne: return order != 0
      }
    case .unordered: return false
    case .incomparable: return nil
    }
  }

  static func cannotCompare(_ v: Value, _ c: Value) -> EvalError {
    EvalError(.noSuchOverload, "cannot compare \(v.debugText) with \(c.debugText)")
  }

  /// The general form of a specialized test, for inputs of another kind.
  var general: CellTest {
    switch self {
    case .compareDouble(let op, let d): .compare(op, .double(d))
    case .compareDecimal(let op, let d): .compare(op, .decimal(d))
    case .intervalDouble(let lo, let lc, let hi, let hc): .interval(low: .double(lo), lowClosed: lc, high: .double(hi), highClosed: hc)
    case .intervalDecimal(let lo, let lc, let hi, let hc): .interval(low: .decimal(lo), lowClosed: lc, high: .decimal(hi), highClosed: hc)
    default: self
    }
  }

  /// A comparison operator of a unary test.
  enum Comparison: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=", ne = "!=" }

  /// Indirection for the recursive `not(...)` case.
  final class Box: Sendable {
    let test: CellTest
    init(_ test: CellTest) { self.test = test }
  }

  /// Whether the column value `v` passes the test, exactly as the equivalent expression would say
  /// (`< 0.5` is `? < 0.5`, `[a..b)` is `? >= a && ? < b`, `"A", "B"` is `? == "A" || ? == "B"`).
  /// An expression cell reads `v` from the table's own cell slot.
  func matches(_ v: Value, _ a: Activation, table: DecisionTable) throws(EvalError) -> Bool {
    switch self {
    case .any: return true
    case .compareDouble(let op, let c):
      if case .double(let x) = v { return CellTest.holds(op, x, c) }
      return try general.matches(v, a, table: table)
    case .intervalDouble(let lo, let lc, let hi, let hc):
      if case .double(let x) = v { return (lc ? x >= lo : x > lo) && (hc ? x <= hi : x < hi) }
      return try general.matches(v, a, table: table)
    case .compareDecimal(let op, let c):
      if case .decimal(let x) = v { return CellTest.holds(op, x, c) }
      return try general.matches(v, a, table: table)
    case .intervalDecimal(let lo, let lc, let hi, let hc):
      if case .decimal(let x) = v { return (lc ? x >= lo : x > lo) && (hc ? x <= hi : x < hi) }
      return try general.matches(v, a, table: table)
    case .compare(let op, let c):
      switch op {
      case .eq: return v.celEquals(c)
      case .ne: return !v.celEquals(c)
      default:
        guard let b = CellTest.ordering(op, v, c) else { throw CellTest.cannotCompare(v, c) }
        return b
      }
    case .interval(let lo, let loC, let hi, let hiC):
      // `? >= lo && ? < hi`, with CEL's `&&`: a false side decides even when the other is an error.
      let low = CellTest.ordering(loC ? .ge : .gt, v, lo), high = CellTest.ordering(hiC ? .le : .lt, v, hi)
      if low == false || high == false { return false }
      guard low != nil else { throw CellTest.cannotCompare(v, lo) }
      guard high != nil else { throw CellTest.cannotCompare(v, hi) }
      return true
    case .oneOf(let values): return values.contains { $0.celEquals(v) }
    case .not(let box): return try !box.test.matches(v, a, table: table)
    case .expression(let e):
      a.set(table.cellSlot, v)
      guard case .bool(let b) = try e.evaluate(a) else {
        throw EvalError(.noSuchOverload, "table cell '\(e.text)' did not produce a bool")
      }
      return b
    }
  }
}

/// One output cell: a constant or an expression.
enum OutputCell: Sendable {
  case constant(Value)
  case expression(CompiledExpression)

  func value(_ a: Activation) throws(EvalError) -> Value {
    switch self {
    case .constant(let v): return v
    case .expression(let e): return try e.evaluate(a)
    }
  }
}

extension DecisionTable {
  /// Evaluates the table; `matched` receives the 0-based indices of matching rows (for the trace).
  public func evaluate(_ a: Activation, matched: inout [Int]) throws(EvalError) -> Value {
    // The column values are computed once and live on the stack: no allocation per call.
    let result: Result<Void, EvalError> = withUnsafeTemporaryAllocation(of: Value.self, capacity: max(1, inputs.count)) { values in
      var initialized = 0
      defer { values.baseAddress!.deinitialize(count: initialized) }
      do throws(EvalError) {
        for e in inputs {
          (values.baseAddress! + initialized).initialize(to: try e.evaluate(a))
          initialized += 1
        }
        let columns = UnsafeBufferPointer(values)
        if bands.map({ matchBands($0, columns, &matched) }) != true { try match(columns, a, &matched) }
        return .success(())
      } catch {
        return .failure(error)
      }
    }
    if case .failure(let error) = result { throw error }
    return try combine(matched, a)
  }

  /// Matches double bands by plain comparisons; `false` (matching nothing) when a column value is
  /// not one the bands take (``NumericBands/operand(_:)``), so the general cell tests decide instead.
  func matchBands(_ bands: NumericBands, _ columns: UnsafeBufferPointer<Value>, _ matched: inout [Int]) -> Bool {
    guard columns.count <= 8 else { return false }
    var x: (Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0, 0)
    return withUnsafeMutableBytes(of: &x) { raw in
      let xs = raw.bindMemory(to: Double.self)
      for c in 0..<columns.count {
        guard let x = NumericBands.operand(columns[c]) else { return false }
        xs[c] = x
      }
      let width = self.width
      rowLoop: for r in 0..<rows.count {
        for c in 0..<width where !bands.accepts(r &* width &+ c, xs[c]) { continue rowLoop }
        matched.append(r)
        if hit == .first { break }
      }
      return true
    }
  }

  /// Tests every row against the column values; appends the matching rows (only the first under `first`).
  @inline(__always)
  func match(_ inputValues: UnsafeBufferPointer<Value>, _ a: Activation, _ matched: inout [Int]) throws(EvalError) {
    let stopAtFirst = hit == .first
    let width = self.width
    // Cells are tested through a buffer pointer: indexing the array would copy each test out.
    try cells.withUnsafeBufferPointer { (buffer) throws(EvalError) in
      rowLoop: for r in 0..<rows.count {
        for c in 0..<width {
          let ok: Bool
          do throws(EvalError) { ok = try buffer[r &* width &+ c].matches(inputValues[c], a, table: self) } catch {
            throw EvalError(error.kind, "table '\(id)' row \(r + 1), column \(c + 1): \(error.message)", node: .none)
          }
          if !ok { continue rowLoop }
        }
        matched.append(r)
        if stopAtFirst { break }
      }
    }
  }

  func rowValue(_ r: Int, _ a: Activation) throws(EvalError) -> Value {
    if let v = constantRows[r] { return v }
    if outputs[r].count == 1 { return try outputs[r][0].value(a) }
    var fields: [Value?] = []
    for o in outputs[r] { fields.append(try o.value(a)) }
    return .object(ObjectValue(type: rowType!, fields: fields))
  }

  func defaultValue() throws(EvalError) -> Value {
    guard let defaults else { throw EvalError(.invalidArgument, "no row of table '\(id)' matched and the table has no default") }
    if defaults.count == 1 { return defaults[0] }
    return .object(ObjectValue(type: rowType!, fields: defaults.map { $0 }))
  }

  func combine(_ matched: [Int], _ a: Activation) throws(EvalError) -> Value {
    switch hit {
    case .first:
      guard let r = matched.first else { return try defaultValue() }
      return try rowValue(r, a)
    case .unique:
      if matched.count > 1 {
        throw EvalError(.invalidArgument, "rows \(matched.map { String($0 + 1) }.joined(separator: ", ")) of table '\(id)' all match, but its hit policy is unique")
      }
      guard let r = matched.first else { return try defaultValue() }
      return try rowValue(r, a)
    case .any:
      guard let r = matched.first else { return try defaultValue() }
      let v = try rowValue(r, a)
      for other in matched.dropFirst() where !(try rowValue(other, a)).celEquals(v) {
        throw EvalError(.invalidArgument, "rows \(r + 1) and \(other + 1) of table '\(id)' match with different outputs, but its hit policy is any")
      }
      return v
    case .priority:
      guard !matched.isEmpty else { return try defaultValue() }
      var best = matched[0], bestRank = Int.max
      for r in matched {
        let first = try outputs[r][0].value(a)
        let rank = priority.firstIndex { $0.celEquals(first) } ?? Int.max - 1
        if rank < bestRank { best = r; bestRank = rank }
      }
      return try rowValue(best, a)
    case .collect, .ruleOrder:
      var out: [Value] = []
      for r in matched { out.append(try rowValue(r, a)) }
      return .list(out)
    case .collectCount:
      return .int(Int64(matched.count))
    case .collectSum, .collectMin, .collectMax:
      var acc: Value? = nil
      for r in matched {
        let v = try outputs[r][0].value(a)
        guard let current = acc else { acc = v; continue }
        switch hit {
        case .collectSum:
          acc = try CoreLibrary.add(current, v)
        default:
          // The language's ordering; outputs it cannot order (NaN, mixed kinds) fail the table.
          guard case .ordered(let c) = Value.order(v, current) else {
            throw EvalError(.invalidArgument, "table '\(id)' cannot order its outputs \(v.debugText) and \(current.debugText) for \(hit.rawValue)")
          }
          if hit == .collectMin ? c < 0 : c > 0 { acc = v }
        }
      }
      if let acc { return acc }
      if hit == .collectSum { return defaults?.first ?? .int(0) }
      return try defaultValue()
    }
  }
}
