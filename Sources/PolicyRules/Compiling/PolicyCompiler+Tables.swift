import PolicyExpr
import PolicyYAML

extension PolicyCompiler {
  /// Compiles a table; its cells' `?` reads a variable slot of its own, declared after it.
  mutating func compileTable(_ spec: DecisionTableSpec) -> DecisionTable? {
    let errorsBefore = diagnostics.filter { $0.severity == .error }.count
    let cellSlot = env.variables.count
    defer { reserveCellSlot(cellSlot, for: spec.id) }
    let inputs = spec.inputs.compactMap { compile($0, what: "input of table '\(spec.id)'") }
    var rows: [[CellTest]] = []
    var outputs: [[OutputCell]] = []
    var outputTypes: [CELType?] = spec.outputs.map(\.type)
    for cells in spec.rows {
      var tests: [CellTest] = []
      for (c, cell) in cells.prefix(spec.inputs.count).enumerated() {
        let inputType = c < inputs.count ? inputs[c].program.resultType : .dyn
        if let t = inputCell(cell, inputType: inputType, table: spec.id, cellSlot: cellSlot) { tests.append(t) }
      }
      var outs: [OutputCell] = []
      for (o, cell) in cells.dropFirst(spec.inputs.count).enumerated() {
        guard let (out, type) = outputCell(cell, column: spec.outputs[o], table: spec.id) else { continue }
        outs.append(out)
        outputTypes[o] = Self.unify(outputTypes[o], type)
      }
      rows.append(tests); outputs.append(outs)
    }
    var defaults: [Value]? = nil
    if let d = spec.defaults {
      defaults = []
      for (o, node) in d.enumerated() {
        guard let (cell, type) = outputCell(node, column: spec.outputs[o], table: spec.id, what: "default") else { continue }
        guard case .constant(let v) = cell else {
          error(.policyTableError, "default of table '\(spec.id)' must be a constant", node.range)
          continue
        }
        defaults!.append(v)
        outputTypes[o] = Self.unify(outputTypes[o], type)
      }
    }
    var priority: [Value] = []
    for node in spec.priority ?? [] {
      guard let column = spec.outputs.first else { break }
      if let (cell, _) = outputCell(node, column: column, table: spec.id, what: "priority value"), case .constant(let v) = cell { priority.append(v) }
    }
    guard diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
    // Int cells in a decimal column become decimals, so the column has one type.
    let types = outputTypes.map { $0 ?? .dyn }
    for r in outputs.indices {
      for o in outputs[r].indices where types[o] == .decimal {
        if case .constant(.int(let i)) = outputs[r][o] { outputs[r][o] = .constant(.decimal(DecimalNumber(i))) }
      }
    }
    if var d = defaults {
      for o in d.indices where types[o] == .decimal { if case .int(let i) = d[o] { d[o] = .decimal(DecimalNumber(i)) } }
      defaults = d
    }
    let rowType: ObjectType? = spec.outputs.count > 1
      ? ObjectType(name: spec.variableName, fields: zip(spec.outputs, types).map { ObjectType.Field(name: $0.0.name, type: $0.1) })
      : nil
    let single: CELType = rowType.map { .object($0) } ?? types.first ?? .dyn
    let resultType: CELType
    switch spec.hit {
    case .collect, .ruleOrder: resultType = .list(single)
    case .collectCount: resultType = .int
    default: resultType = single
    }
    let table = DecisionTable(
      id: spec.id, hit: spec.hit, inputs: inputs, outputNames: spec.outputs.map(\.name), rows: rows, outputs: outputs,
      defaults: defaults, priority: priority, resultType: resultType, rowType: rowType, cellSlot: cellSlot,
      rowLines: spec.rowRanges.map { policy.file.location(of: $0.start).line })
    analyze(table, spec)
    return table
  }

  static func unify(_ a: CELType?, _ b: CELType) -> CELType {
    guard let a else { return b }
    if a == b { return a }
    if (a == .decimal && b == .int) || (a == .int && b == .decimal) { return .decimal }
    return .dyn
  }

  /// The expression of an output cell written `=expr` (unquoted), located after the `=`.
  static func outputExpression(_ node: YAMLNode) -> ExpressionSource? {
    guard let s = node.scalar, !s.style.isQuoted, s.value.hasPrefix("=") else { return nil }
    var mapping = s.mapping
    if mapping.collapsedTo == nil { mapping = .contiguous(at: s.mapping.fileOffset(1)) }
    return ExpressionSource(text: String(s.value.dropFirst()), mapping: mapping, range: node.range)
  }

  /// An output cell, checked against its column's declared type (an int constant in a decimal
  /// column is taken as a decimal; anything else must have the declared type).
  mutating func outputCell(_ node: YAMLNode, column: (name: String, type: CELType?), table: String, what: String = "output cell")
    -> (OutputCell, CELType)?
  {
    guard let (cell, type) = outputCellValue(node, declared: column.type, table: table) else { return nil }
    if let declared = column.type, !Self.accepts(declared, type) {
      let convertible: Bool
      if case .constant = cell { convertible = declared == .decimal && type == .int } else { convertible = false }
      if !convertible {
        error(.policyTableError, "\(what) '\(node.scalar?.value ?? "")' of table '\(table)' is a \(type), but column '\(column.name)' is \(declared)", node.range)
        return nil
      }
    }
    return (cell, type)
  }

  /// An output cell's value: YAML numbers are exact (a fraction makes a decimal), booleans are
  /// booleans, text is a string, and text starting with `=` is an expression.
  mutating func outputCellValue(_ node: YAMLNode, declared: CELType?, table: String) -> (OutputCell, CELType)? {
    guard let s = node.scalar else {
      error(.policyTableError, "an output cell of table '\(table)' must be a scalar", node.range)
      return nil
    }
    if let src = Self.outputExpression(node) {
      guard let e = compile(src, what: "output cell of table '\(table)'") else { return nil }
      if let c = e.program.constantValue { return (.constant(c), e.program.resultType) }
      return (.expression(e), e.program.resultType)
    }
    if s.style.isQuoted || declared == .string { return (.constant(.string(s.value)), .string) }
    switch node.resolved {
    case .int(let i):
      if declared == .double { return (.constant(.double(Double(i))), .double) }
      if declared == .decimal { return (.constant(.decimal(DecimalNumber(Int64(i)))), .decimal) }
      return (.constant(.int(Int64(i))), .int)
    case .float(let d):
      if declared == .double { return (.constant(.double(d)), .double) }
      guard let dec = DecimalNumber(parsing: s.value) else {
        error(.policyTableError, "output '\(s.value)' of table '\(table)' is not a finite number", node.range)
        return nil
      }
      return (.constant(.decimal(dec)), .decimal)
    case .bool(let b): return (.constant(.bool(b)), .bool)
    case .null: return (.constant(.null), .null)
    default: return (.constant(.string(s.value)), .string)
    }
  }
}
