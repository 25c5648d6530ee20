/// A node made by the ``Fusion`` pass: a fast form of one general node, which it keeps.
///
/// On every input a fused node gives the same value as ``general``, or an error of the same
/// kind; `FusionDifferentialTests` checks this over generated inputs.
protocol FusedNode: Interpretable {
  /// The general node this one replaces.
  var general: any Interpretable { get }
}

/// `x.field` on a declared record type: an array index. Twin: ``SelectNode``.
final class FieldSlotNode: FusedNode {
  let operand: any Interpretable
  let slot: Int
  let field: String
  let type: ObjectType
  let id: NodeID
  let general: any Interpretable
  init(_ operand: any Interpretable, type: ObjectType, slot: Int, field: String, id: NodeID, general: any Interpretable) {
    self.operand = operand; self.type = type; self.slot = slot; self.field = field; self.id = id; self.general = general
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let v = try operand.eval(a)
    // The checker proved the type; identity of the record type guards values built elsewhere.
    if case .object(let o) = v, o.type === type {
      if let f = o.fields[slot] { return f }
      throw EvalError(.noSuchField, "no such field '\(field)'", node: id)
    }
    return try selectField(v, field, id)
  }
}

/// `variable.field` on a declared record type: one slot read and one array index.
/// Twin: ``SelectNode`` over a ``VariableNode``.
final class VariableFieldNode: FusedNode {
  let variable: Int
  let slot: Int
  let field: String
  let type: ObjectType
  let id: NodeID
  let general: any Interpretable
  init(variable: Int, type: ObjectType, slot: Int, field: String, id: NodeID, general: any Interpretable) {
    self.variable = variable; self.type = type; self.slot = slot; self.field = field; self.id = id; self.general = general
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    if a.ready[variable], case .object(let o) = a.values[variable], o.type === type {
      if let f = o.fields[slot] { return f }
      throw EvalError(.noSuchField, "no such field '\(field)'", node: id)
    }
    return try selectField(try a.variable(variable), field, id)
  }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[variable], case .object(let o) = a.values[variable], o.type === type, case .bool(let b)? = o.fields[slot] { return b }
    guard case .bool(let b) = try eval(a) else { throw EvalError(.noSuchOverload, "no such overload: expected a bool condition", node: id) }
    return b
  }
}

/// `record.a == other.b` (or `!=`) over two declared string fields, read in place; anything
/// else goes to the twin. Twin: ``EqualityNode``.
final class FieldEqualityNode: FusedNode {
  let lhs: VariableFieldNode, rhs: VariableFieldNode
  let equality: EqualityNode
  var general: any Interpretable { equality }
  init(_ lhs: VariableFieldNode, _ rhs: VariableFieldNode, general: EqualityNode) {
    self.lhs = lhs; self.rhs = rhs; equality = general
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[lhs.variable], a.ready[rhs.variable],
      case .object(let l) = a.values[lhs.variable], l.type === lhs.type, case .string(let x)? = l.fields[lhs.slot],
      case .object(let r) = a.values[rhs.variable], r.type === rhs.type, case .string(let y)? = r.fields[rhs.slot]
    {
      return utf8Equal(x, y) != equality.negate
    }
    return try equality.evalBool(a)
  }
}

/// `x == constant` (or `!=`): the constant is not re-evaluated, and strings, ints and bools
/// are compared inline. Twin: ``EqualityNode`` with a ``ConstNode`` right side.
final class ConstantEqualityNode: FusedNode {
  let lhs: any Interpretable
  let constant: Value
  let equality: EqualityNode
  var general: any Interpretable { equality }
  init(_ general: EqualityNode, lhs: any Interpretable, constant: Value) { equality = general; self.lhs = lhs; self.constant = constant }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let x = try lhs.eval(a)
    let equal: Bool
    switch (x, constant) {
    case (.string(let l), .string(let r)): equal = utf8Equal(l, r)
    case (.int(let l), .int(let r)): equal = l == r
    case (.bool(let l), .bool(let r)): equal = l == r
    default: equal = x.celEquals(constant)
    }
    return equal != equality.negate
  }
}

/// An ordering whose left side is a declared record field and whose right side is another such
/// field or a constant (`req.at < r.due`, `r.amount > 0.0`): timestamps, decimals and ints are
/// read in place; anything else goes to the twin. Twin: ``OrderingNode``.
final class FieldOrderingNode: FusedNode {
  let lhs: VariableFieldNode
  let rhsField: VariableFieldNode?
  let ordering: OrderingNode
  var general: any Interpretable { ordering }
  /// The constant right side, unboxed by kind.
  let constantTimestamp: Timestamp?, constantDecimal: DecimalNumber?, constantInt: Int64?
  init(_ general: OrderingNode, lhs: VariableFieldNode, rhsField: VariableFieldNode?, constant: Value?) {
    self.ordering = general; self.lhs = lhs; self.rhsField = rhsField
    if case .timestamp(let t)? = constant { constantTimestamp = t } else { constantTimestamp = nil }
    if case .decimal(let d)? = constant { constantDecimal = d } else { constantDecimal = nil }
    if case .int(let i)? = constant { constantInt = i } else { constantInt = nil }
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }

  /// The right field's value when its record is in place (POD payloads copy no references).
  @inline(__always)
  func rightField(_ a: Activation) -> Value? {
    guard let r = rhsField, a.ready[r.variable], case .object(let o) = a.values[r.variable], o.type === r.type else { return nil }
    return o.fields[r.slot]
  }

  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[lhs.variable], case .object(let l) = a.values[lhs.variable], l.type === lhs.type {
      switch l.fields[lhs.slot] {
      case .timestamp(let x)?:
        if let y = constantTimestamp { return ordering.op.holds(x < y ? -1 : (x == y ? 0 : 1)) }
        if case .timestamp(let y)? = rightField(a) { return ordering.op.holds(x < y ? -1 : (x == y ? 0 : 1)) }
      case .decimal(let x)?:
        if let y = constantDecimal { return ordering.op.holds(DecimalNumber.compare(x, y)) }
        if case .decimal(let y)? = rightField(a) { return ordering.op.holds(DecimalNumber.compare(x, y)) }
      case .int(let x)?:
        if let y = constantInt { return ordering.op.holds(x < y ? -1 : (x > y ? 1 : 0)) }
        if case .int(let y)? = rightField(a) { return ordering.op.holds(x < y ? -1 : (x > y ? 1 : 0)) }
      default: break
      }
    }
    return try ordering.evalBool(a)
  }
}

/// `x < constant` (any ordering operator): the constant is not re-evaluated and an int is
/// compared inline. Twin: ``OrderingNode`` with a ``ConstNode`` right side.
final class ConstantOrderingNode: FusedNode {
  let lhs: any Interpretable
  let constant: Value
  let constantInt: Int64?
  let ordering: OrderingNode
  var general: any Interpretable { ordering }
  init(_ general: OrderingNode, lhs: any Interpretable, constant: Value) {
    self.ordering = general; self.lhs = lhs; self.constant = constant
    if case .int(let i) = constant { constantInt = i } else { constantInt = nil }
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let x = try lhs.eval(a)
    if let c = constantInt, case .int(let l) = x { return ordering.op.holds(l < c ? -1 : (l > c ? 1 : 0)) }
    do { return try Value.order(x, ordering.op, constant) } catch { throw error.at(ordering.id) }
  }
}

/// `variable < intConstant` (any ordering operator): one slot read, no calls.
/// Twin: ``OrderingNode`` over a ``VariableNode`` and an int ``ConstNode``.
final class VariableIntOrderingNode: FusedNode {
  let slot: Int
  let constant: Int64
  let ordering: OrderingNode
  var general: any Interpretable { ordering }
  init(_ general: OrderingNode, slot: Int, constant: Int64) { ordering = general; self.slot = slot; self.constant = constant }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  @inline(__always)
  func test(_ a: Activation) -> Bool? {
    guard a.ready[slot], case .int(let x) = a.values[slot] else { return nil }
    return ordering.op.holds(x < constant ? -1 : (x > constant ? 1 : 0))
  }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if let b = test(a) { return b }
    return try ordering.evalBool(a)
  }
}

/// `c1 ? v1 : c2 ? v2 : ... : otherwise` flattened into a loop (a tiered rate, a band lookup),
/// so a long chain costs one call per condition instead of a nested call per level; conditions
/// that are ``VariableIntOrderingNode``s are tested inline. Twin: nested ``TernaryNode``s.
final class ConditionChainNode: FusedNode {
  let conditions: [any Interpretable]
  let values: [any Interpretable]
  let otherwise: any Interpretable
  let ids: [NodeID]
  /// For each condition, the inline int test when it is one; `nil` elsewhere.
  let inline: [VariableIntOrderingNode?]
  let general: any Interpretable
  init(conditions: [any Interpretable], values: [any Interpretable], otherwise: any Interpretable, ids: [NodeID],
       inline: [VariableIntOrderingNode?], general: any Interpretable) {
    self.conditions = conditions; self.values = values; self.otherwise = otherwise; self.ids = ids
    self.inline = inline; self.general = general
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    for i in conditions.indices {
      let c: Bool
      if let t = inline[i], let b = t.test(a) {
        c = b
      } else {
        do { c = try conditions[i].evalBool(a) } catch { throw error.at(ids[i]) }
      }
      if c { return try values[i].eval(a) }
    }
    return try otherwise.eval(a)
  }
}

/// A map literal whose keys are distinct constants: only the values are evaluated, and the key
/// index is shared by every map it builds. Twin: ``MapNode``.
final class ConstantKeyMapNode: FusedNode {
  let shape: MapValue
  let values: [any Interpretable]
  let general: any Interpretable
  init(shape: MapValue, values: [any Interpretable], general: any Interpretable) {
    self.shape = shape; self.values = values; self.general = general
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var vs: [Value] = []
    vs.reserveCapacity(values.count)
    for v in values { vs.append(try v.eval(a)) }
    return .map(MapValue.sharingKeys(of: shape, values: vs))
  }
}

/// A call whose overload's specializer made a faster implementation for its constant
/// arguments (a regex compiled once). Twin: the call node of the overload's implementation.
final class SpecializedCallNode: FusedNode {
  let fast: any Interpretable
  let general: any Interpretable
  init(fast: any Interpretable, general: any Interpretable) { self.fast = fast; self.general = general }
  func eval(_ a: Activation) throws(EvalError) -> Value { try fast.eval(a) }
}

/// `map` and `filter`: evaluates an element per item (when the filter holds) into one array,
/// instead of rebuilding the accumulator list at every step. Twin: the ``ComprehensionNode``
/// of the macro's expansion (`accu = []; accu = c ? accu + [e] : accu; accu`).
///
/// Errors follow the twin exactly: it keeps its first error in the accumulator and goes on
/// iterating (charging cost), a later filter error replaces it, and the loop ends in it.
final class AppendComprehensionNode: FusedNode {
  let range: any Interpretable
  let iterSlot: Int
  let iter2Slot: Int?
  let filter: (any Interpretable)?
  /// The node of the twin's conditional step, where its filter errors are located.
  let filterID: NodeID
  let element: any Interpretable
  /// The node of the twin's `accu + [e]`, where its memory-limit error is located.
  let appendID: NodeID
  let id: NodeID
  let general: any Interpretable

  init(range: any Interpretable, iterSlot: Int, iter2Slot: Int?, filter: (any Interpretable)?, filterID: NodeID,
       element: any Interpretable, appendID: NodeID, id: NodeID, general: any Interpretable) {
    self.range = range; self.iterSlot = iterSlot; self.iter2Slot = iter2Slot; self.filter = filter; self.filterID = filterID
    self.element = element; self.appendID = appendID; self.id = id; self.general = general
  }

  func eval(_ a: Activation) throws(EvalError) -> Value {
    let r = try range.eval(a)
    let base = a.localBase
    var out: [Value] = []
    var pending: EvalError?
    // The twin's `accu + [e]` refuses lists beyond the default limit too.
    let cap = min(a.limits.maxCollectionSize, Limits.default.maxCollectionSize)
    func step() throws(EvalError) {
      try a.charge(1)
      if let filter {
        let keep: Bool
        do throws(EvalError) { keep = try filter.evalBool(a) } catch {
          if error.isLimit { throw error }
          pending = error.at(filterID)
          return
        }
        if !keep { return }
      }
      if pending != nil { return }
      do throws(EvalError) { out.append(try element.eval(a)) } catch {
        if error.isLimit { throw error }
        pending = error
        return
      }
      if out.count > cap {
        throw EvalError(.sizeLimit, "list of \(out.count) elements exceeds the limit of \(cap)", node: id)
      }
      // What the twin's `accu + [e]` counts: the one element it appends.
      do { try a.chargeMemory(MemoryLayout<Value>.stride) } catch { throw error.at(appendID) }
    }
    switch r {
    case .list(let xs):
      out.reserveCapacity(filter == nil ? xs.count : 0)
      for (i, x) in xs.enumerated() {
        if let iter2Slot {
          a.values[base + iterSlot] = .int(Int64(i))
          a.values[base + iter2Slot] = x
        } else {
          a.values[base + iterSlot] = x
        }
        try step()
      }
    case .map(let m):
      for i in 0..<m.count {
        a.values[base + iterSlot] = m.keys[i]
        if let iter2Slot { a.values[base + iter2Slot] = m.values[i] }
        try step()
      }
    default:
      throw EvalError(.noSuchOverload, "cannot iterate over a value of type '\(r.kindName)'", node: id)
    }
    if let pending { throw pending }
    return .list(out)
  }
}
