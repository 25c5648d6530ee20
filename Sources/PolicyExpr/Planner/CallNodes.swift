/// A call of one library overload with one argument (the overload the checker chose).
final class Call1Node: Composite {
  let f: @Sendable (Value) throws(EvalError) -> Value
  let arg: any Interpretable
  let overload: Overload
  let id: NodeID
  init(_ f: @escaping @Sendable (Value) throws(EvalError) -> Value, _ arg: any Interpretable, overload: Overload, id: NodeID) {
    self.f = f; self.arg = arg; self.overload = overload; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try arg.eval(a)
    do { return try f(x) } catch { throw error.at(id) }
  }
  func mapChildren(_ g: (any Interpretable) -> any Interpretable) -> any Interpretable { Call1Node(f, g(arg), overload: overload, id: id) }
}

/// A call of one library overload with two arguments.
final class Call2Node: Composite {
  let f: @Sendable (Value, Value) throws(EvalError) -> Value
  let lhs: any Interpretable, rhs: any Interpretable
  let overload: Overload
  let id: NodeID
  init(_ f: @escaping @Sendable (Value, Value) throws(EvalError) -> Value, _ lhs: any Interpretable, _ rhs: any Interpretable,
       overload: Overload, id: NodeID) {
    self.f = f; self.lhs = lhs; self.rhs = rhs; self.overload = overload; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try lhs.eval(a)
    let y = try rhs.eval(a)
    do { return try f(x, y) } catch { throw error.at(id) }
  }
  func mapChildren(_ g: (any Interpretable) -> any Interpretable) -> any Interpretable {
    Call2Node(f, g(lhs), g(rhs), overload: overload, id: id)
  }
}

/// A call of one library overload with three arguments.
final class Call3Node: Composite {
  let f: @Sendable (Value, Value, Value) throws(EvalError) -> Value
  let a0: any Interpretable, a1: any Interpretable, a2: any Interpretable
  let overload: Overload
  let id: NodeID
  init(_ f: @escaping @Sendable (Value, Value, Value) throws(EvalError) -> Value, _ args: [any Interpretable], overload: Overload, id: NodeID) {
    self.f = f; a0 = args[0]; a1 = args[1]; a2 = args[2]; self.overload = overload; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try a0.eval(a), y = try a1.eval(a), z = try a2.eval(a)
    do { return try f(x, y, z) } catch { throw error.at(id) }
  }
  func mapChildren(_ g: (any Interpretable) -> any Interpretable) -> any Interpretable {
    Call3Node(f, [g(a0), g(a1), g(a2)], overload: overload, id: id)
  }
}

/// A call of one library overload with an argument array.
final class CallNNode: Composite {
  let f: @Sendable ([Value]) throws(EvalError) -> Value
  let args: [any Interpretable]
  let overload: Overload
  let id: NodeID
  init(_ f: @escaping @Sendable ([Value]) throws(EvalError) -> Value, _ args: [any Interpretable], overload: Overload, id: NodeID) {
    self.f = f; self.args = args; self.overload = overload; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var vs: [Value] = []
    vs.reserveCapacity(args.count)
    for x in args { vs.append(try x.eval(a)) }
    do { return try f(vs) } catch { throw error.at(id) }
  }
  func mapChildren(_ g: (any Interpretable) -> any Interpretable) -> any Interpretable { CallNNode(f, args.map(g), overload: overload, id: id) }
}

/// Binds an implementation to argument nodes: the call node of its arity.
func bindCall(_ impl: Implementation, _ xs: [any Interpretable], overload: Overload, id: NodeID) -> any Interpretable {
  switch impl {
  case .unary(let f) where xs.count == 1: return Call1Node(f, xs[0], overload: overload, id: id)
  case .binary(let f) where xs.count == 2: return Call2Node(f, xs[0], xs[1], overload: overload, id: id)
  case .ternary(let f) where xs.count == 3: return Call3Node(f, xs, overload: overload, id: id)
  case .variadic(let f): return CallNNode(f, xs, overload: overload, id: id)
  default: return CallNNode({ vs throws(EvalError) in try impl.call(vs) }, xs, overload: overload, id: id)
  }
}

/// Checks the size of a built string, bytes, list or map against the activation's limits.
///
/// It also counts what the call built against the decision's memory budget: the whole result,
/// except for a list concatenation (`accu + [x]`, `xs + ys`), which counts the elements it
/// appends, so that a list grown one element at a time costs what it holds, not the square.
final class SizeLimitNode: Composite {
  let inner: any Interpretable
  let id: NodeID
  /// Whether `inner` is the list concatenation overload (decided by the planner).
  let appendsList: Bool
  init(_ inner: any Interpretable, id: NodeID, appendsList: Bool = false) { self.inner = inner; self.id = id; self.appendsList = appendsList }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable { SizeLimitNode(f(inner), id: id, appendsList: appendsList) }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let v: Value
    let built: Int
    if appendsList, let call = inner as? Call2Node {
      let x = try call.lhs.eval(a)
      let y = try call.rhs.eval(a)
      do { v = try call.f(x, y) } catch { throw error.at(call.id) }
      built = y.builtBytes
    } else {
      v = try inner.eval(a)
      built = v.builtBytes
    }
    try check(v, a)
    do { try a.chargeMemory(built) } catch { throw error.at(id) }
    return v
  }

  @inline(__always)
  func check(_ v: Value, _ a: Activation) throws(EvalError) {
    switch v {
    case .string(let s) where s.utf8.count > a.limits.maxStringBytes:
      throw EvalError(.sizeLimit, "string of \(s.utf8.count) bytes exceeds the limit of \(a.limits.maxStringBytes)", node: id)
    case .bytes(let b) where b.count > a.limits.maxStringBytes:
      throw EvalError(.sizeLimit, "bytes of length \(b.count) exceed the limit of \(a.limits.maxStringBytes)", node: id)
    case .list(let xs) where xs.count > a.limits.maxCollectionSize:
      throw EvalError(.sizeLimit, "list of \(xs.count) elements exceeds the limit of \(a.limits.maxCollectionSize)", node: id)
    case .map(let m) where m.count > a.limits.maxCollectionSize:
      throw EvalError(.sizeLimit, "map of \(m.count) entries exceeds the limit of \(a.limits.maxCollectionSize)", node: id)
    default: return
    }
  }
}

/// A call whose overload is chosen at runtime from the argument values (arguments typed `dyn`).
final class DispatchNode: Composite {
  let name: String
  let overloads: [Overload]
  let args: [any Interpretable]
  let id: NodeID
  init(name: String, overloads: [Overload], args: [any Interpretable], id: NodeID) {
    self.name = name; self.overloads = overloads; self.args = args; self.id = id
  }
  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    DispatchNode(name: name, overloads: overloads, args: args.map(f), id: id)
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var vs: [Value] = []
    vs.reserveCapacity(args.count)
    for x in args { vs.append(try x.eval(a)) }
    return try call(vs)
  }

  /// Chooses the overload from the runtime kinds of `vs` and calls it.
  func call(_ vs: [Value]) throws(EvalError) -> Value {
    for o in overloads where zip(o.params, vs).allSatisfy({ $1.conforms(to: $0) }) {
      do { return try o.implementation.call(vs) } catch { throw error.at(id) }
    }
    throw EvalError(.noSuchOverload, "no such overload: '\(name)' applied to (\(vs.map(\.kindName).joined(separator: ", ")))", node: id)
  }
}

extension Implementation {
  /// Calls the implementation with an argument array of the right arity.
  public func call(_ vs: [Value]) throws(EvalError) -> Value {
    switch self {
    case .unary(let f): return try f(vs[0])
    case .binary(let f): return try f(vs[0], vs[1])
    case .ternary(let f): return try f(vs[0], vs[1], vs[2])
    case .variadic(let f): return try f(vs)
    }
  }
}

extension Value {
  /// Whether the value may be passed as a parameter declared with type `t` (runtime dispatch).
  public func conforms(to t: CELType) -> Bool {
    switch (t, self) {
    case (.dyn, _), (.param, _), (.error, _): return true
    case (.null, .null), (.bool, .bool), (.int, .int), (.uint, .uint), (.double, .double),
      (.decimal, .decimal), (.string, .string), (.bytes, .bytes), (.timestamp, .timestamp),
      (.duration, .duration), (.type, .type), (.optional, .optional):
      return true
    case (.list(let e), .list(let xs)):
      if case .dyn = e { return true }
      if case .param = e { return true }
      return xs.allSatisfy { $0.conforms(to: e) }
    case (.map, .map): return true
    case (.object(let ot), .object(let o)): return ot == o.type
    case (.object, .null): return true
    default: return false
    }
  }
}

/// A fold over a list or map (the expansion of a macro).
final class ComprehensionNode: Composite {
  let range: any Interpretable
  let iterSlot: Int
  let iter2Slot: Int?
  let accuSlot: Int
  let accuInit: any Interpretable
  let condition: any Interpretable
  let step: any Interpretable
  let result: any Interpretable
  let id: NodeID

  init(range: any Interpretable, iterSlot: Int, iter2Slot: Int?, accuSlot: Int, accuInit: any Interpretable,
       condition: any Interpretable, step: any Interpretable, result: any Interpretable, id: NodeID) {
    self.range = range; self.iterSlot = iterSlot; self.iter2Slot = iter2Slot; self.accuSlot = accuSlot
    self.accuInit = accuInit; self.condition = condition; self.step = step; self.result = result; self.id = id
  }

  func mapChildren(_ f: (any Interpretable) -> any Interpretable) -> any Interpretable {
    ComprehensionNode(range: f(range), iterSlot: iterSlot, iter2Slot: iter2Slot, accuSlot: accuSlot, accuInit: f(accuInit),
                      condition: f(condition), step: f(step), result: f(result), id: id)
  }

  func eval(_ a: Activation) throws(EvalError) -> Value {
    let r = try range.eval(a)
    let base = a.localBase
    a.setLocal(accuSlot, .success(try accuInit.eval(a)))
    defer { a.setLocal(accuSlot, .success(.null)) }
    switch r {
    case .list(let xs):
      for (i, x) in xs.enumerated() {
        try a.charge(1)
        if let iter2Slot {
          a.values[base + iterSlot] = .int(Int64(i))
          a.values[base + iter2Slot] = x
        } else {
          a.values[base + iterSlot] = x
        }
        guard case .bool(true) = try condition.eval(a) else { break }
        try step(a)
      }
    case .map(let m):
      for i in 0..<m.count {
        try a.charge(1)
        a.values[base + iterSlot] = m.keys[i]
        if let iter2Slot { a.values[base + iter2Slot] = m.values[i] }
        guard case .bool(true) = try condition.eval(a) else { break }
        try step(a)
      }
    default:
      throw EvalError(.noSuchOverload, "cannot iterate over a value of type '\(r.kindName)'", node: id)
    }
    return try result.eval(a)
  }

  /// Runs the loop step; an error is stored in the accumulator, not thrown, so a later `false`
  /// in `all()` (or `true` in `exists()`) can still absorb it.
  @inline(__always)
  func step(_ a: Activation) throws(EvalError) {
    do {
      a.setLocal(accuSlot, .success(try step.eval(a)))
    } catch {
      if error.isLimit { throw error }
      a.setLocal(accuSlot, .failure(error))
    }
  }
}
