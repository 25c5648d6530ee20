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

/// A general node with children. The fusion pass (``Fusion``) rebuilds the tree bottom-up
/// through this; general nodes never look at what their children are.
protocol Composite: Interpretable {
  /// The same node over `f` applied to each child.
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable
}

/// `x.field`: a map's string key or a record's field. `record` is the operand's declared record
/// type when the checker knows it (the fusion pass then reads the field by slot).
final class SelectNode: Composite {
  let operand: any Interpretable
  let field: String
  let record: ObjectType?
  let id: NodeID
  init(_ operand: any Interpretable, field: String, record: ObjectType?, id: NodeID) {
    self.operand = operand; self.field = field; self.record = record; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { try selectField(try operand.eval(a), field, id) }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    SelectNode(f(operand), field: field, record: record, id: id)
  }
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
final class HasNode: Composite {
  let operand: any Interpretable
  let field: String
  let id: NodeID
  init(_ operand: any Interpretable, field: String, id: NodeID) { self.operand = operand; self.field = field; self.id = id }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { HasNode(f(operand), field: field, id: id) }
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

final class AndNode: Composite {
  let lhs: any Interpretable, rhs: any Interpretable
  let id: NodeID
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) { self.lhs = lhs; self.rhs = rhs; self.id = id }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { AndNode(f(lhs), f(rhs), id: id) }
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

final class OrNode: Composite {
  let lhs: any Interpretable, rhs: any Interpretable
  let id: NodeID
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) { self.lhs = lhs; self.rhs = rhs; self.id = id }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { OrNode(f(lhs), f(rhs), id: id) }
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

final class NotNode: Composite {
  let operand: any Interpretable
  let id: NodeID
  init(_ operand: any Interpretable, id: NodeID) { self.operand = operand; self.id = id }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { NotNode(f(operand), id: id) }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    do { return try !operand.evalBool(a) } catch { throw error.at(id) }
  }
}

/// `@not_strictly_false(x)`: true unless `x` is false (errors count as true), for macro loops.
final class NotStrictlyFalseNode: Composite {
  let operand: any Interpretable
  init(_ operand: any Interpretable) { self.operand = operand }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { NotStrictlyFalseNode(f(operand)) }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    do throws(EvalError) {
      if case .bool(false) = try operand.eval(a) { return .bool(false) }
    } catch {
      if error.isLimit { throw error }
    }
    return .bool(true)
  }
}

final class TernaryNode: Composite {
  let condition: any Interpretable, then: any Interpretable, otherwise: any Interpretable
  let id: NodeID
  init(_ c: any Interpretable, _ t: any Interpretable, _ o: any Interpretable, id: NodeID) {
    condition = c; then = t; otherwise = o; self.id = id
  }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    TernaryNode(f(condition), f(then), f(otherwise), id: id)
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

final class ListNode: Composite {
  let elements: [any Interpretable]
  init(_ elements: [any Interpretable]) { self.elements = elements }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { ListNode(elements.map(f)) }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var out: [Value] = []
    out.reserveCapacity(elements.count)
    for e in elements { out.append(try e.eval(a)) }
    return .list(out)
  }
}

final class MapNode: Composite {
  let keys: [any Interpretable], values: [any Interpretable]
  let id: NodeID
  init(keys: [any Interpretable], values: [any Interpretable], id: NodeID) { self.keys = keys; self.values = values; self.id = id }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    MapNode(keys: keys.map(f), values: values.map(f), id: id)
  }
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
