/// `==` / `!=` with fast paths for the kinds policies compare most (strings, ints, bools).
final class EqualityNode: Interpretable {
  let lhs: any Interpretable, rhs: any Interpretable
  let negate: Bool
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, negate: Bool) { self.lhs = lhs; self.rhs = rhs; self.negate = negate }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let x = try lhs.eval(a)
    let y = try rhs.eval(a)
    let equal: Bool
    switch (x, y) {
    case (.string(let l), .string(let r)): equal = utf8Equal(l, r)
    case (.int(let l), .int(let r)): equal = l == r
    case (.bool(let l), .bool(let r)): equal = l == r
    default: equal = x.celEquals(y)
    }
    return equal != negate
  }
}

/// `record.a == other.b` over two declared string fields, read in place.
final class FieldEqualityNode: Interpretable {
  let lhs: VariableFieldNode, rhs: VariableFieldNode
  let generic: EqualityNode
  init(_ lhs: VariableFieldNode, _ rhs: VariableFieldNode, negate: Bool) {
    self.lhs = lhs; self.rhs = rhs; generic = EqualityNode(lhs, rhs, negate: negate)
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[lhs.variable], a.ready[rhs.variable],
      case .object(let l) = a.values[lhs.variable], l.type === lhs.type, case .string(let x)? = l.fields[lhs.slot],
      case .object(let r) = a.values[rhs.variable], r.type === rhs.type, case .string(let y)? = r.fields[rhs.slot]
    {
      return utf8Equal(x, y) != generic.negate
    }
    return try generic.evalBool(a)
  }
}

/// An ordering whose left side is a declared record field and whose right side is another such
/// field or a constant (`req.at < r.due`, `r.amount > 0.0`): the fields are read in place.
final class FieldOrderingNode: Interpretable {
  let lhs: VariableFieldNode
  let rhsField: VariableFieldNode?
  let constant: Value?
  let generic: OrderingNode
  /// The constant right side, unboxed by kind.
  let constantTimestamp: Timestamp?, constantDecimal: DecimalNumber?, constantInt: Int64?
  init(_ generic: OrderingNode, lhs: VariableFieldNode, rhsField: VariableFieldNode?, constant: Value?) {
    self.generic = generic; self.lhs = lhs; self.rhsField = rhsField; self.constant = constant
    if case .timestamp(let t)? = constant { constantTimestamp = t } else { constantTimestamp = nil }
    if case .decimal(let d)? = constant { constantDecimal = d } else { constantDecimal = nil }
    if case .int(let i)? = constant { constantInt = i } else { constantInt = nil }
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }

  /// The right side's timestamp, decimal or int, read in place (POD payloads copy no references).
  @inline(__always)
  func rightTimestamp(_ a: Activation) -> Timestamp? {
    if let constantTimestamp { return constantTimestamp }
    if let r = rhsField, a.ready[r.variable], case .object(let o) = a.values[r.variable], o.type === r.type,
      case .timestamp(let t)? = o.fields[r.slot] { return t }
    return nil
  }
  @inline(__always)
  func rightDecimal(_ a: Activation) -> DecimalNumber? {
    if let constantDecimal { return constantDecimal }
    if let r = rhsField, a.ready[r.variable], case .object(let o) = a.values[r.variable], o.type === r.type,
      case .decimal(let d)? = o.fields[r.slot] { return d }
    return nil
  }
  @inline(__always)
  func rightInt(_ a: Activation) -> Int64? {
    if let constantInt { return constantInt }
    if let r = rhsField, a.ready[r.variable], case .object(let o) = a.values[r.variable], o.type === r.type,
      case .int(let i)? = o.fields[r.slot] { return i }
    return nil
  }

  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    if a.ready[lhs.variable], case .object(let l) = a.values[lhs.variable], l.type === lhs.type {
      switch l.fields[lhs.slot] {
      case .timestamp(let x)?:
        if let y = rightTimestamp(a) { return generic.test(x < y ? -1 : (x == y ? 0 : 1)) }
      case .decimal(let x)?:
        if let y = rightDecimal(a) { return generic.test(x < y ? -1 : (x == y ? 0 : 1)) }
      case .int(let x)?:
        if let y = rightInt(a) { return generic.test(x < y ? -1 : (x == y ? 0 : 1)) }
      default: break
      }
    }
    return try generic.evalBool(a)
  }
}

/// Byte equality of two strings (CEL compares code points; no Unicode normalization).
@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool {
  let (x, y) = (a.utf8, b.utf8)
  guard x.count == y.count else { return false }
  // Native strings expose their bytes without copying; compare them directly.
  if let equal = x.withContiguousStorageIfAvailable({ pa in
    y.withContiguousStorageIfAvailable { pb in pa.count == 0 || memcmpEqual(pa, pb) }
  }), let equal {
    return equal
  }
  return x.elementsEqual(y)
}

@inline(__always)
func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
  for i in 0..<a.count where a[i] != b[i] { return false }
  return true
}

/// `<`, `<=`, `>`, `>=` with inline fast paths; other kinds go to the bound overload.
final class OrderingNode: Interpretable {
  enum Op: Sendable { case lt, le, gt, ge }
  let lhs: any Interpretable, rhs: any Interpretable
  let op: Op
  let fallback: @Sendable (Value, Value) throws(EvalError) -> Value
  let id: NodeID
  let constantInt: Int64?
  let lhsSlot: Int
  /// The right side when it is a constant.
  let constant: Value?
  init(_ op: Op, _ lhs: any Interpretable, _ rhs: any Interpretable, fallback: @escaping @Sendable (Value, Value) throws(EvalError) -> Value, id: NodeID) {
    self.op = op; self.lhs = lhs; self.rhs = rhs; self.fallback = fallback; self.id = id
    if let c = rhs as? ConstNode, case .int(let i) = c.value { constantInt = i } else { constantInt = nil }
    lhsSlot = (lhs as? VariableNode)?.slot ?? -1
    constant = (rhs as? ConstNode)?.value
  }

  @inline(__always)
  func test(_ c: Int) -> Bool {
    switch op {
    case .lt: c < 0
    case .le: c <= 0
    case .gt: c > 0
    case .ge: c >= 0
    }
  }

  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    // `variable < constant`: one slot read, no calls.
    if lhsSlot >= 0, let c = constantInt, a.ready[lhsSlot], case .int(let l) = a.values[lhsSlot] {
      return test(l < c ? -1 : (l > c ? 1 : 0))
    }
    let x = try lhs.eval(a)
    // A constant right side (`x < 10`, the usual shape) is read without a call.
    if let c = constantInt, case .int(let l) = x { return test(l < c ? -1 : (l > c ? 1 : 0)) }
    let y: Value
    if let constant { y = constant } else { y = try rhs.eval(a) }
    switch (x, y) {
    case (.int(let l), .int(let r)): return test(l < r ? -1 : (l > r ? 1 : 0))
    case (.double(let l), .double(let r)):
      if l.isNaN || r.isNaN { return false }
      return test(l < r ? -1 : (l > r ? 1 : 0))
    case (.decimal(let l), .decimal(let r)): return test(l < r ? -1 : (l == r ? 0 : 1))
    case (.timestamp(let l), .timestamp(let r)): return test(l < r ? -1 : (l == r ? 0 : 1))
    default:
      let v: Value
      do { v = try fallback(x, y) } catch { throw error.at(id) }
      guard case .bool(let b) = v else { throw EvalError(.noSuchOverload, "comparison did not produce a bool", node: id) }
      return b
    }
  }
}
