/// A node of a compiled program: evaluates itself against an activation.
///
/// Nodes are immutable final classes behind this class-constrained protocol, so a program is
/// `Sendable` and evaluation involves no dictionary lookups and no boxing.
public protocol Interpretable: AnyObject, Sendable {
  /// Evaluates the node.
  func eval(_ a: Activation) throws(EvalError) -> Value
  /// Evaluates a node used as a condition; comparison and logic nodes answer without building a
  /// ``Value``. A non-bool result is a `no_such_overload` error.
  func evalBool(_ a: Activation) throws(EvalError) -> Bool
}

extension Interpretable {
  public func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    guard case .bool(let b) = try eval(a) else { throw EvalError(.noSuchOverload, "no such overload: expected a bool condition") }
    return b
  }
}

final class ConstNode: Interpretable {
  let value: Value
  init(_ value: Value) { self.value = value }
  func eval(_ a: Activation) throws(EvalError) -> Value { value }
}

final class VariableNode: Interpretable {
  let slot: Int
  init(_ slot: Int) { self.slot = slot }
  func eval(_ a: Activation) throws(EvalError) -> Value { try a.variable(slot) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[slot], case .bool(let b) = a.values[slot] { return b }
    guard case .bool(let b) = try a.variable(slot) else { throw EvalError(.noSuchOverload, "no such overload: expected a bool condition") }
    return b
  }
}

final class LocalNode: Interpretable {
  let offset: Int
  init(_ offset: Int) { self.offset = offset }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    if a.localErrorCount > 0, let e = a.localErrors[offset] { throw e }
    return a.values[a.localBase + offset]
  }
}

/// A node that always fails (an unbound name in unchecked mode).
final class ErrorNode: Interpretable {
  let error: EvalError
  init(_ error: EvalError) { self.error = error }
  func eval(_ a: Activation) throws(EvalError) -> Value { throw error }
}

/// `record.field` on a declared record type: an array index.
final class FieldSlotNode: Interpretable {
  let operand: any Interpretable
  let slot: Int
  let field: String
  let type: ObjectType
  let id: NodeID
  init(_ operand: any Interpretable, type: ObjectType, slot: Int, field: String, id: NodeID) {
    self.operand = operand; self.type = type; self.slot = slot; self.field = field; self.id = id
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

/// `variable.field` fused: one slot read and one array index.
final class VariableFieldNode: Interpretable {
  let variable: Int
  let slot: Int
  let field: String
  let type: ObjectType
  let id: NodeID
  init(variable: Int, type: ObjectType, slot: Int, field: String, id: NodeID) {
    self.variable = variable; self.type = type; self.slot = slot; self.field = field; self.id = id
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

/// `x.field` where the operand's type is only known at runtime.
final class SelectNode: Interpretable {
  let operand: any Interpretable
  let field: String
  let id: NodeID
  init(_ operand: any Interpretable, field: String, id: NodeID) { self.operand = operand; self.field = field; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value { try selectField(try operand.eval(a), field, id) }
}

func selectField(_ v: Value, _ field: String, _ id: NodeID) throws(EvalError) -> Value {
  switch v {
  case .map(let m):
    if let r = m.lookup(string: field) { return r }
    throw EvalError(.noSuchKey, "no such key: '\(field)'", node: id)
  case .object(let o):
    guard let slot = o.type.slots[field] else { throw EvalError(.noSuchField, "no such field '\(field)'", node: id) }
    if let f = o.fields[slot] { return f }
    throw EvalError(.noSuchField, "no such field '\(field)'", node: id)
  case .optional(let box):
    guard let inner = box.value else { return v }
    do { return .optional(OptionalBox(try selectField(inner, field, id))) } catch { return .optional(OptionalBox(nil)) }
  default:
    throw EvalError(.noSuchOverload, "type '\(v.kindName)' does not support field selection", node: id)
  }
}

/// `has(x.field)`.
final class HasNode: Interpretable {
  let operand: any Interpretable
  let field: String
  let id: NodeID
  init(_ operand: any Interpretable, field: String, id: NodeID) { self.operand = operand; self.field = field; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    switch try operand.eval(a) {
    case .map(let m): return .bool(m.lookup(string: field) != nil)
    case .object(let o):
      guard let slot = o.type.slots[field] else { throw EvalError(.noSuchField, "no such field '\(field)'", node: id) }
      return .bool(o.fields[slot] != nil)
    case let v: throw EvalError(.noSuchOverload, "has() cannot test a field of type '\(v.kindName)'", node: id)
    }
  }
}

final class AndNode: Interpretable {
  let lhs: any Interpretable, rhs: any Interpretable
  let id: NodeID
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) { self.lhs = lhs; self.rhs = rhs; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    // Commutative error absorption: `false` on either side wins over an error on the other.
    let left: Bool
    do throws(EvalError) { left = try lhs.evalBool(a) } catch {
      if error.isLimit { throw error }
      if try !rhs.evalBool(a) { return false }
      throw error.at(id)
    }
    if !left { return false }
    return try rhs.evalBool(a)
  }
}

final class OrNode: Interpretable {
  let lhs: any Interpretable, rhs: any Interpretable
  let id: NodeID
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) { self.lhs = lhs; self.rhs = rhs; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let left: Bool
    do throws(EvalError) { left = try lhs.evalBool(a) } catch {
      if error.isLimit { throw error }
      if try rhs.evalBool(a) { return true }
      throw error.at(id)
    }
    if left { return true }
    return try rhs.evalBool(a)
  }
}

final class NotNode: Interpretable {
  let operand: any Interpretable
  let id: NodeID
  init(_ operand: any Interpretable, id: NodeID) { self.operand = operand; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    do { return try !operand.evalBool(a) } catch { throw error.at(id) }
  }
}

/// `@not_strictly_false(x)`: true unless `x` is false (errors count as true), for macro loops.
final class NotStrictlyFalseNode: Interpretable {
  let operand: any Interpretable
  init(_ operand: any Interpretable) { self.operand = operand }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    do throws(EvalError) {
      if case .bool(false) = try operand.eval(a) { return .bool(false) }
    } catch {
      if error.isLimit { throw error }
    }
    return .bool(true)
  }
}

final class TernaryNode: Interpretable {
  let condition: any Interpretable, then: any Interpretable, otherwise: any Interpretable
  let id: NodeID
  init(_ c: any Interpretable, _ t: any Interpretable, _ o: any Interpretable, id: NodeID) {
    condition = c; then = t; otherwise = o; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let c: Bool
    do { c = try condition.evalBool(a) } catch { throw error.at(id) }
    return c ? try then.eval(a) : try otherwise.eval(a)
  }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let c: Bool
    do { c = try condition.evalBool(a) } catch { throw error.at(id) }
    return c ? try then.evalBool(a) : try otherwise.evalBool(a)
  }
}

/// `c1 ? v1 : c2 ? v2 : ... : otherwise` flattened into a loop (a tiered rate, a band lookup),
/// so a long chain costs one call per condition instead of a nested call per level.
final class ConditionChainNode: Interpretable {
  let conditions: [any Interpretable]
  let values: [any Interpretable]
  let otherwise: any Interpretable
  let ids: [NodeID]
  /// For each condition of the form `variable < constant` (any ordering operator) over ints: its
  /// slot, operator and constant, tested inline; `nil` where the condition is anything else.
  let inline: [(slot: Int, op: OrderingNode.Op, constant: Int64)?]
  init(conditions: [any Interpretable], values: [any Interpretable], otherwise: any Interpretable, ids: [NodeID]) {
    self.conditions = conditions; self.values = values; self.otherwise = otherwise; self.ids = ids
    inline = conditions.map { c in
      guard let o = c as? OrderingNode, o.lhsSlot >= 0, let k = o.constantInt else { return nil }
      return (o.lhsSlot, o.op, k)
    }
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    for i in conditions.indices {
      let c: Bool
      if let t = inline[i], a.ready[t.slot], case .int(let x) = a.values[t.slot] {
        switch t.op {
        case .lt: c = x < t.constant
        case .le: c = x <= t.constant
        case .gt: c = x > t.constant
        case .ge: c = x >= t.constant
        }
      } else {
        do { c = try conditions[i].evalBool(a) } catch { throw error.at(ids[i]) }
      }
      if c { return try values[i].eval(a) }
    }
    return try otherwise.eval(a)
  }
}

final class ListNode: Interpretable {
  let elements: [any Interpretable]
  init(_ elements: [any Interpretable]) { self.elements = elements }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var out: [Value] = []
    out.reserveCapacity(elements.count)
    for e in elements { out.append(try e.eval(a)) }
    return .list(out)
  }
}

/// A map literal whose keys are distinct constants: only the values are evaluated, and the key
/// index is shared by every map it builds.
final class ConstantKeyMapNode: Interpretable {
  let shape: MapValue
  let values: [any Interpretable]
  init(shape: MapValue, values: [any Interpretable]) { self.shape = shape; self.values = values }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var vs: [Value] = []
    vs.reserveCapacity(values.count)
    for v in values { vs.append(try v.eval(a)) }
    return .map(MapValue.sharingKeys(of: shape, values: vs))
  }
}

final class MapNode: Interpretable {
  let keys: [any Interpretable], values: [any Interpretable]
  let id: NodeID
  init(keys: [any Interpretable], values: [any Interpretable], id: NodeID) { self.keys = keys; self.values = values; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var ks: [Value] = [], vs: [Value] = []
    ks.reserveCapacity(keys.count); vs.reserveCapacity(keys.count)
    for i in keys.indices { ks.append(try keys[i].eval(a)); vs.append(try values[i].eval(a)) }
    switch MapValue.make(keys: ks, values: vs) {
    case .success(let m): return .map(m)
    case .failure(.duplicateKey(let k)): throw EvalError(.invalidArgument, "Failed with repeated key: \(k.debugText)", node: id)
    case .failure(.unsupportedKey(let k)): throw EvalError(.invalidArgument, "unsupported key type '\(k.kindName)'", node: id)
    }
  }
}
