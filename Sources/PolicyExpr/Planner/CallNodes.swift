final class Call1Node: Interpretable {
  let f: @Sendable (Value) throws(EvalError) -> Value
  let arg: any Interpretable
  let id: NodeID
  init(_ f: @escaping @Sendable (Value) throws(EvalError) -> Value, _ arg: any Interpretable, id: NodeID) { self.f = f; self.arg = arg; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try arg.eval(a)
    do { return try f(x) } catch { throw error.at(id) }
  }
}

final class Call2Node: Interpretable {
  let f: @Sendable (Value, Value) throws(EvalError) -> Value
  let lhs: any Interpretable, rhs: any Interpretable
  let id: NodeID
  init(_ f: @escaping @Sendable (Value, Value) throws(EvalError) -> Value, _ lhs: any Interpretable, _ rhs: any Interpretable, id: NodeID) {
    self.f = f; self.lhs = lhs; self.rhs = rhs; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try lhs.eval(a)
    let y = try rhs.eval(a)
    do { return try f(x, y) } catch { throw error.at(id) }
  }
}

final class Call3Node: Interpretable {
  let f: @Sendable (Value, Value, Value) throws(EvalError) -> Value
  let a0: any Interpretable, a1: any Interpretable, a2: any Interpretable
  let id: NodeID
  init(_ f: @escaping @Sendable (Value, Value, Value) throws(EvalError) -> Value, _ args: [any Interpretable], id: NodeID) {
    self.f = f; a0 = args[0]; a1 = args[1]; a2 = args[2]; self.id = id
  }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let x = try a0.eval(a), y = try a1.eval(a), z = try a2.eval(a)
    do { return try f(x, y, z) } catch { throw error.at(id) }
  }
}

final class CallNNode: Interpretable {
  let f: @Sendable ([Value]) throws(EvalError) -> Value
  let args: [any Interpretable]
  let id: NodeID
  init(_ f: @escaping @Sendable ([Value]) throws(EvalError) -> Value, _ args: [any Interpretable], id: NodeID) { self.f = f; self.args = args; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    var vs: [Value] = []
    vs.reserveCapacity(args.count)
    for x in args { vs.append(try x.eval(a)) }
    do { return try f(vs) } catch { throw error.at(id) }
  }
}

/// Checks the size of a built string, bytes, list or map against the activation's limits.
final class SizeLimitNode: Interpretable {
  let inner: any Interpretable
  let id: NodeID
  init(_ inner: any Interpretable, id: NodeID) { self.inner = inner; self.id = id }
  func eval(_ a: Activation) throws(EvalError) -> Value {
    let v = try inner.eval(a)
    switch v {
    case .string(let s) where s.utf8.count > a.limits.maxStringBytes:
      throw EvalError(.sizeLimit, "string of \(s.utf8.count) bytes exceeds the limit of \(a.limits.maxStringBytes)", node: id)
    case .bytes(let b) where b.count > a.limits.maxStringBytes:
      throw EvalError(.sizeLimit, "bytes of length \(b.count) exceed the limit of \(a.limits.maxStringBytes)", node: id)
    case .list(let xs) where xs.count > a.limits.maxCollectionSize:
      throw EvalError(.sizeLimit, "list of \(xs.count) elements exceeds the limit of \(a.limits.maxCollectionSize)", node: id)
    case .map(let m) where m.count > a.limits.maxCollectionSize:
      throw EvalError(.sizeLimit, "map of \(m.count) entries exceeds the limit of \(a.limits.maxCollectionSize)", node: id)
    default: return v
    }
  }
}

/// A call whose overload is chosen at runtime from the argument values (arguments typed `dyn`).
final class DispatchNode: Interpretable {
  let name: String
  let overloads: [Overload]
  let args: [any Interpretable]
  let id: NodeID
  init(name: String, overloads: [Overload], args: [any Interpretable], id: NodeID) {
    self.name = name; self.overloads = overloads; self.args = args; self.id = id
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

/// `map` and `filter`: evaluates an element per item (when the filter holds) into one array.
final class AppendComprehensionNode: Interpretable {
  let range: any Interpretable
  let iterSlot: Int
  let iter2Slot: Int?
  let filter: (any Interpretable)?
  let element: any Interpretable
  let id: NodeID

  init(range: any Interpretable, iterSlot: Int, iter2Slot: Int?, filter: (any Interpretable)?, element: any Interpretable, id: NodeID) {
    self.range = range; self.iterSlot = iterSlot; self.iter2Slot = iter2Slot; self.filter = filter; self.element = element; self.id = id
  }

  func eval(_ a: Activation) throws(EvalError) -> Value {
    let r = try range.eval(a)
    let base = a.localBase
    var out: [Value] = []
    func step() throws(EvalError) {
      try a.charge(1)
      if let filter, try !filter.evalBool(a) { return }
      out.append(try element.eval(a))
      if out.count > a.limits.maxCollectionSize {
        throw EvalError(.sizeLimit, "list of more than \(a.limits.maxCollectionSize) elements exceeds the limit", node: id)
      }
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
    return .list(out)
  }
}

/// A fold over a list or map (the expansion of a macro).
final class ComprehensionNode: Interpretable {
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
