/// CEL's core functions and operators: logic, equality, ordering, arithmetic, indexing,
/// membership, sizes and numeric conversions, with Proviso's `decimal` in every numeric family.
public enum CoreLibrary {
  /// All core declarations.
  public static let functions: [FunctionDecl] = logic + equality + ordering + arithmetic + collections + conversions

  static let A = CELType.param("A"), K = CELType.param("K"), V = CELType.param("V")
  static let numeric: [CELType] = [.int, .uint, .double, .decimal]

  // MARK: - Planner intrinsics
  //
  // `&&`, `||`, `!`, `?:`, `@not_strictly_false`, `==`, `!=` and the four orderings are
  // intrinsics of the planner (``Planner/intrinsics``): their error absorption, short circuits
  // and the one order of values (``Value/order(_:_:_:)``) are planner nodes, not library code.
  // They are declared here only so that the checker types them; their implementations are never
  // called.

  static let logic: [FunctionDecl] = [
    FunctionDecl("_&&_", [.intrinsic("logical_and", "_&&_", [.bool, .bool], .bool)]),
    FunctionDecl("_||_", [.intrinsic("logical_or", "_||_", [.bool, .bool], .bool)]),
    FunctionDecl("!_", [.intrinsic("logical_not", "!_", [.bool], .bool)]),
    FunctionDecl("@not_strictly_false", [.intrinsic("not_strictly_false", "@not_strictly_false", [.bool], .bool)]),
    FunctionDecl("_?_:_", [.intrinsic("conditional", "_?_:_", [.bool, A, A], A)]),
  ]

  static let equality: [FunctionDecl] = [
    FunctionDecl("_==_", [.intrinsic("equals", "_==_", [A, A], .bool)]),
    FunctionDecl("_!=_", [.intrinsic("not_equals", "_!=_", [A, A], .bool)]),
  ]

  /// The signatures of one ordering operator: every numeric pair except decimal with double
  /// (money is never compared with a binary double), and five kinds with themselves.
  static func orderingOverloads(_ name: String, _ id: String) -> FunctionDecl {
    var overloads: [Overload] = []
    for x in numeric {
      for y in numeric where !((x == .decimal && y == .double) || (x == .double && y == .decimal)) {
        overloads.append(.intrinsic("\(id)_\(x)_\(y)", name, [x, y], .bool))
      }
    }
    for t: CELType in [.string, .bytes, .bool, .timestamp, .duration] {
      overloads.append(.intrinsic("\(id)_\(t.runtimeName)", name, [t, t], .bool))
    }
    return FunctionDecl(name, overloads)
  }

  static let ordering: [FunctionDecl] = [
    orderingOverloads("_<_", "less"),
    orderingOverloads("_<=_", "less_equals"),
    orderingOverloads("_>_", "greater"),
    orderingOverloads("_>=_", "greater_equals"),
  ]

  static let collections: [FunctionDecl] = [
    FunctionDecl("_[_]", [
      .binary("index_list", .list(A), .int, A, indexList),
      .binary("index_list_uint", .list(A), .uint, A, indexList),
      .binary("index_list_double", .list(A), .double, A, indexList),
      .binary("index_map", .map(K, V), K, V, indexMap),
    ]),
    FunctionDecl("@in", [
      .binary("in_list", A, .list(A), .bool) { x, l throws(EvalError) in
        guard case .list(let xs) = l else { throw .noOverload("@in", x, l) }
        return .bool(xs.contains { $0.celEquals(x) })
      },
      .binary("in_map", K, .map(K, V), .bool) { x, m throws(EvalError) in
        guard case .map(let mv) = m else { throw .noOverload("@in", x, m) }
        return .bool(mv.lookup(x) != nil)
      },
    ]),
    FunctionDecl("size", [
      .unary("size_list", .list(A), .int, size), .unary("size_map", .map(K, V), .int, size),
      .method("list_size", .list(A), .int, size), .method("map_size", .map(K, V), .int, size),
    ]),
    FunctionDecl("cel.@mapInsert", [
      Overload("map_insert", [.map(K, V), K, V], .map(K, V), .ternary { m, k, v throws(EvalError) in
        guard case .map(let mv) = m else { throw .noOverload("cel.@mapInsert", m) }
        if mv.lookup(k) != nil { throw EvalError(.invalidArgument, "insert failed: key \(k.debugText) already exists") }
        switch MapValue.make(keys: mv.keys + [k], values: mv.values + [v]) {
        case .success(let r): return .map(r)
        case .failure: throw EvalError(.invalidArgument, "unsupported map key \(k.debugText)")
        }
      }),
      .binary("map_insert_map", .map(K, V), .map(K, V), .map(K, V)) { a, b throws(EvalError) in
        guard case .map(let x) = a, case .map(let y) = b else { throw .noOverload("cel.@mapInsert", a, b) }
        switch MapValue.make(keys: x.keys + y.keys, values: x.values + y.values) {
        case .success(let r): return .map(r)
        case .failure: throw EvalError(.invalidArgument, "insert failed: duplicate key")
        }
      },
    ]),
  ]

  static let size: @Sendable (Value) throws(EvalError) -> Value = { v throws(EvalError) in
    switch v {
    case .list(let xs): return .int(Int64(xs.count))
    case .map(let m): return .int(Int64(m.count))
    case .string(let s): return .int(Int64(s.unicodeScalars.count))
    case .bytes(let b): return .int(Int64(b.count))
    default: throw .noOverload("size", v)
    }
  }

  static let indexList: @Sendable (Value, Value) throws(EvalError) -> Value = { l, i throws(EvalError) in
    guard case .list(let xs) = l else { throw .noOverload("_[_]", l, i) }
    let index: Int64
    switch i {
    case .int(let x): index = x
    case .uint(let x): index = x > UInt64(Int64.max) ? Int64.max : Int64(x)
    case .double(let d):
      guard d == d.rounded(), d.magnitude < 9.2e18 else { throw EvalError(.invalidArgument, "invalid list index \(d)") }
      index = Int64(d)
    default: throw .noOverload("_[_]", l, i)
    }
    guard index >= 0, index < xs.count else { throw EvalError(.outOfRange, "index out of bounds: \(index)") }
    return xs[Int(index)]
  }

  static let indexMap: @Sendable (Value, Value) throws(EvalError) -> Value = { m, k throws(EvalError) in
    switch m {
    case .map(let mv):
      if let v = mv.lookup(k) { return v }
      throw EvalError(.noSuchKey, "no such key: \(k.debugText)")
    case .list: return try indexList(m, k)
    case .object:
      guard case .string(let f) = k else { throw .noOverload("_[_]", m, k) }
      return try selectField(m, f, .none)
    default: throw .noOverload("_[_]", m, k)
    }
  }
}
