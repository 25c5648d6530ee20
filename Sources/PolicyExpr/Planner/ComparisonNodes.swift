/// `==` / `!=`, a planner intrinsic: ``Value/celEquals(_:)`` of the two sides.
final class EqualityNode: Composite {
  let lhs: any Interpretable, rhs: any Interpretable
  let negate: Bool
  init(_ lhs: any Interpretable, _ rhs: any Interpretable, negate: Bool) { self.lhs = lhs; self.rhs = rhs; self.negate = negate }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let x = try lhs.eval(a)
    let y = try rhs.eval(a)
    return x.celEquals(y) != negate
  }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    EqualityNode(f(lhs), f(rhs), negate: negate)
  }
}

/// `<`, `<=`, `>`, `>=`, a planner intrinsic: ``Value/order(_:_:_:)`` of the two sides.
final class OrderingNode: Composite {
  let lhs: any Interpretable, rhs: any Interpretable
  let op: OrderingOperator
  let id: NodeID
  init(_ op: OrderingOperator, _ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) {
    self.op = op; self.lhs = lhs; self.rhs = rhs; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value { .bool(try evalBool(a)) }
  func evalBool(_ a: Activation) throws(EvalError) -> Bool {
    let x = try lhs.eval(a)
    let y = try rhs.eval(a)
    do { return try Value.order(x, op, y) } catch { throw error.at(id) }
  }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    OrderingNode(op, f(lhs), f(rhs), id: id)
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
