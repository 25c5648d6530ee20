import XCTest

@testable import PolicyExpr

/// Every fused node against its general twin: each expression shape the fusion pass rewrites is
/// compiled with the pass on and off (`Compiler.fuse`) and evaluated over seeded random inputs;
/// the two must give the same value (same kind, same rendering: `-0.0` is not `0.0`, NaN is NaN)
/// or an error of the same kind.
final class FusionDifferentialTests: XCTestCase {
  /// A record type with a field of every kind, the `?` ones optional (left unset at random).
  static let record = ObjectType(name: "r", fields: [
    .init(name: "s", type: .string), .init(name: "t", type: .string, optional: true),
    .init(name: "at", type: .timestamp), .init(name: "due", type: .timestamp, optional: true),
    .init(name: "amount", type: .decimal), .init(name: "limit", type: .decimal, optional: true),
    .init(name: "n", type: .int), .init(name: "m", type: .int, optional: true),
    .init(name: "u", type: .uint, optional: true), .init(name: "d", type: .double, optional: true),
    .init(name: "b", type: .bool), .init(name: "flag", type: .bool, optional: true),
    .init(name: "dur", type: .duration, optional: true),
  ])

  /// The variables: typed ones get values of their type, `dyn` ones values of any kind.
  static let variables: [(String, CELType)] = [
    ("r", .object(record)), ("q", .object(record)), ("x", .int), ("y", .int), ("z", .string), ("f", .double),
    ("dx", .dyn), ("dy", .dyn), ("dl", .list(.dyn)), ("il", .list(.int)), ("dm", .dyn), ("items", .list(.object(record))),
  ]

  /// The shapes, grouped by the fused node they exercise (each also runs its general twin).
  static let shapes: [String] = [
    // VariableFieldNode (value and condition use), FieldSlotNode (a local's field).
    "r.n", "r.m", "r.s", "r.t", "r.b && q.b", "!r.flag", "r.flag || r.b", "r.dur", "r.u",
    "items.map(i, i.m)", "items.exists(i, i.t == 'a')", "items.all(i, i.n > 0)",
    // FieldEqualityNode.
    "r.s == q.s", "r.s == q.t", "z == 'é'", "dx == 1", "dx != 'a'", "r.t == 'a'", "dx == 1.0", "dl == []", "r.flag == true", "r.t != q.s", "r.n == q.m", "r.amount == q.limit", "r.d == q.d", "r.s != r.t",
    // FieldOrderingNode.
    "r.at < q.due", "r.due >= q.at", "r.amount > q.limit", "r.amount <= 0.0", "r.amount > 250000.01", "r.n < q.m",
    "r.m >= 3", "r.n > -1", "r.d < q.d", "r.u > 1u", "r.at < timestamp('2024-01-01T00:00:00Z')", "r.limit >= r.amount",
    "r.dur < duration('1h')", "r.m <= r.n", "r.s < q.s", "r.b > q.flag",
    // VariableIntOrderingNode and ConstantOrderingNode.
    "x < 10", "x >= -3", "x <= 9223372036854775807", "x > -9223372036854775808", "dx < 10", "dx > 1.5", "dx <= 'm'",
    "dx < 1u", "dx >= false", "f < 0.0", "f >= -0.0", "dx < dy", "dx >= dy", "x + 1 > 0", "10 / x > 1",
    // ConditionChainNode.
    "x < 0 ? 'a' : x < 10 ? 'b' : x < 100 ? 'c' : 'd'", "dx ? 1 : dy ? 2 : 3",
    "x < 0 ? 10 / y : dx > 2 ? dy : r.m", "r.n > 2 ? r.s : r.m < 3 ? r.t : z",
    "x < 0 ? true : x > 5 ? r.flag : dx == dy",
    // ConstantKeyMapNode.
    "{'a': dx, 'b': 10 / x}", "{1: dx, 2u: dy, true: r.m}", "{'a': r.t, 'b': r.s}.b", "{'a': dx}['a'] == dy",
    // AppendComprehensionNode (map, filter, map with a filter, over lists and maps).
    "dl.map(e, 10 / e)", "dl.filter(e, e > 1)", "dl.map(e, e > 0, e * 2)", "dl.filter(e, 10 / e > 1)",
    "dl.map(e, e != 0, 100 / e)", "dl.map(e, dl.filter(g, g < e))", "dm.map(k, k)", "dm.filter(k, dm[k] == 1)",
    "dl.map(e, [e, e])", "dl.map(e, e).size()", "items.filter(i, has(i.m)).map(i, i.m + 1)", "dl.map(e, 1)",
    "dl.filter(e, 1 / e == 1 || e == 'a')", "il.map(e, 10 / e)", "il.filter(e, e > 1)", "il.map(e, e > 0, e * 2)",
    "il.map(e, e != 3, 100 / e)", "il.filter(e, 10 / e > 1)", "il.map(e, il.map(g, g + e))", "il.transformList(i, e, i * e)", "il.transformList(i, e, e > 1, e / i)", "il.transformList(i, e, e / (i - 1))",
    // SpecializedCallNode.
    "z.matches('^a+$')", "matches(z, 'é')", "r.s.matches('[0-9]')", "dx.matches('x')",
    // The general intrinsics they sit on.
    "dx == dy", "dx != dy", "dl == dm", "dx in dl", "f == f", "r == q",
  ]

  func testFusedNodesAgreeWithTheirGeneralTwins() throws {
    var small = Limits()
    small.maxCollectionSize = 4
    small.maxEvaluationCost = 40
    // A memory budget of a few values: the fused `map`/`filter` must count what its twin counts.
    var tight = Limits()
    tight.maxEvaluationMemory = 3 * MemoryLayout<Value>.stride + 8
    var total = 0
    for (limits, seed) in [(Limits.default, 1 as UInt64), (small, 2), (tight, 3)] {
      total += try compare(limits: limits, seed: seed, rounds: 300)
    }
    XCTAssertGreaterThan(total, 40_000)
    print("FusionDifferentialTests: \(total) cases compared")
  }

  /// The fusion pass really fuses these shapes (so the comparison above compares two plans).
  func testTheShapesAreFused() throws {
    let env = Self.environment(limits: .default)
    var fused = 0
    for source in Self.shapes {
      let (p, ds) = Compiler(environment: env).compile(source)
      let program = try XCTUnwrap(p, "\(source): \(ds)")
      if Self.containsFused(program.root) { fused += 1 }
      let (g, _) = Compiler(environment: env, fuse: false).compile(source)
      XCTAssertFalse(Self.containsFused(try XCTUnwrap(g).root), source)
    }
    XCTAssertGreaterThan(fused, Self.shapes.count * 3 / 4)
    // Every fused node of the pass (the table in Fusion.swift) occurs in some shape above.
    var kinds = Set<String>()
    for source in Self.shapes { Self.collectFused(try XCTUnwrap(Compiler(environment: env).compile(source).0).root, into: &kinds) }
    XCTAssertEqual(kinds, ["VariableFieldNode", "FieldSlotNode", "FieldEqualityNode", "ConstantEqualityNode", "FieldOrderingNode",
                           "VariableIntOrderingNode", "ConstantOrderingNode", "ConditionChainNode", "ConstantKeyMapNode",
                           "AppendComprehensionNode", "SpecializedCallNode"])
    for (source, kind) in [("r.n", VariableFieldNode.self), ("x < 10", VariableIntOrderingNode.self),
                           ("dl.map(e, e)", AppendComprehensionNode.self), ("{'a': dx}", ConstantKeyMapNode.self),
                           ("x < 0 ? 1 : x < 2 ? 2 : 3", ConditionChainNode.self), ("z.matches('a')", SpecializedCallNode.self),
                           ("r.s == q.s", FieldEqualityNode.self), ("r.at < q.at", FieldOrderingNode.self),
                           ("dl[0] < 1", ConstantOrderingNode.self), ("z == 'a'", ConstantEqualityNode.self)] as [(String, any FusedNode.Type)] {
      let root = try XCTUnwrap(Compiler(environment: env).compile(source).0).root
      let inner = (root as? SizeLimitNode)?.inner ?? root
      XCTAssertTrue(type(of: inner) == kind, "\(source): \(type(of: inner))")
    }
  }

  // MARK: - The comparison

  static func environment(limits: Limits) -> Environment {
    var env = Environment(limits: limits)
    for (name, type) in variables { env.declare(name, type) }
    return env
  }

  /// Runs every shape `rounds` times on fresh inputs; returns the number of cases compared.
  func compare(limits: Limits, seed: UInt64, rounds: Int) throws -> Int {
    let env = Self.environment(limits: limits)
    var programs: [(String, Program, Program)] = []
    for source in Self.shapes {
      let (fused, ds) = Compiler(environment: env).compile(source)
      let (general, _) = Compiler(environment: env, fuse: false).compile(source)
      programs.append((source, try XCTUnwrap(fused, "\(source): \(ds)"), try XCTUnwrap(general)))
    }
    var rng = SplitMix(seed: seed)
    var cases = 0, failures = 0
    for _ in 0..<rounds {
      for _ in 0..<2 {
        let inputs = Self.variables.map { Generator.value(of: $0.1, &rng) }
        let lazy = Self.variables.indices.map { _ in rng.next() % 5 == 0 }
        for (source, fused, general) in programs {
          let a = Self.outcome(fused, env, inputs, lazy), b = Self.outcome(general, env, inputs, lazy)
          cases += 1
          if a != b {
            failures += 1
            if failures <= 20 {
              XCTFail("`\(source)` fused \(a), general \(b), inputs \(inputs.map(Self.show)) lazy \(lazy)")
            }
          }
        }
      }
    }
    return cases
  }

  /// The value's rendering with its kind, or the error kind.
  static func outcome(_ p: Program, _ env: Environment, _ inputs: [Value], _ lazy: [Bool]) -> String {
    let a = p.makeActivation()
    for (i, v) in inputs.enumerated() {
      let slot = env.slots[variables[i].0]!
      a.set(slot, v)
      if lazy[i] { a.markLazy(slot) }
    }
    a.resolver = { slot, _ throws(EvalError) in inputs[variables.firstIndex { env.slots[$0.0] == slot }!] }
    do {
      let v = try p.evaluate(a)
      return "\(v.kindName) \(show(v))"
    } catch {
      return "error \(error.kind.rawValue)"
    }
  }

  /// ``EvaluationSupport/show(_:)`` with doubles exact (sign of zero, NaN) and records' fields.
  static func show(_ v: Value) -> String {
    switch v {
    case .double(let d): return d.isNaN ? "NaN" : "\(d.sign == .minus ? "-" : "+")\(d.magnitude)"
    case .list(let xs): return "[" + xs.map(show).joined(separator: ", ") + "]"
    case .map(let m): return "{" + zip(m.keys, m.values).map { "\(show($0)): \(show($1))" }.joined(separator: ", ") + "}"
    case .object(let o): return "\(o.type.name)(" + o.fields.map { $0.map(show) ?? "-" }.joined(separator: ", ") + ")"
    default: return EvaluationSupport.show(v)
    }
  }

  /// The names of the fused node types in a tree (fused nodes' own children included).
  static func collectFused(_ node: any Interpretable, into kinds: inout Set<String>) {
    let mirror = Mirror(reflecting: node)
    if node is any FusedNode { kinds.insert(String(describing: type(of: node))) }
    for child in mirror.children {
      if let n = child.value as? any Interpretable, !(child.label == "general" || child.label == "equality" || child.label == "ordering") {
        collectFused(n, into: &kinds)
      } else if let ns = child.value as? [any Interpretable] {
        for n in ns { collectFused(n, into: &kinds) }
      } else if let n = child.value as? (any Interpretable)? , let n {
        collectFused(n, into: &kinds)
      }
    }
  }

  static func containsFused(_ node: any Interpretable) -> Bool {
    if node is any FusedNode { return true }
    guard let c = node as? any Composite else { return false }
    var found = false
    _ = c.mapChildren { child in
      if containsFused(child) { found = true }
      return child
    }
    return found
  }
}

/// A seeded generator (SplitMix64): the same seed gives the same inputs on every run.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
}

/// Values of a given type, edge cases first among equals.
enum Generator {
  static let ints: [Int64] = [0, 1, -1, 2, 3, 7, 10, 100, -3, .max, .min, .max - 1, 9_007_199_254_740_993]
  static let uints: [UInt64] = [0, 1, 2, .max, 1 << 63]
  static let doubles: [Double] = [0, -0.0, 1, 1.5, -2.5, 0.1, .nan, .infinity, -.infinity, 9.223372036854775808e18,
                                  9_007_199_254_740_992, 250000.01, .leastNonzeroMagnitude, 1e300]
  static let decimals: [String] = ["0", "0.00", "-0.01", "1", "250000", "250000.00", "250000.01", "99999999999999999999.5",
                                   "0.1", "-7"]
  static let strings: [String] = ["", "a", "aaa", "m", "Amélie", "Ame\u{301}lie", "𝄞", "x", "0", "é", "1a", "b\u{0}"]
  static let times: [Int64] = [0, 100, 1_704_067_200, -1, 253_402_300_799, -62_135_596_800]

  static func value(of type: CELType, _ rng: inout SplitMix, depth: Int = 0) -> Value {
    switch type {
    case .int: return .int(rng.pick(ints))
    case .uint: return .uint(rng.pick(uints))
    case .double: return .double(rng.pick(doubles))
    case .decimal: return .decimal(DecimalNumber(parsing: rng.pick(decimals))!)
    case .string: return .string(rng.pick(strings))
    case .bool: return .bool(rng.next() % 2 == 0)
    case .timestamp: return .timestamp(Timestamp(seconds: rng.pick(times), nanos: rng.next() % 3 == 0 ? 5 : 0))
    case .duration: return .duration(DurationValue(seconds: rng.pick([0, 1, 3600, 3601, -5]), nanos: 0))
    case .list(let e): return .list((0..<Int(rng.next() % 7)).map { _ in value(of: e, &rng, depth: depth + 1) })
    case .object(let o):
      return .object(ObjectValue(type: o, fields: o.fields.map { f in
        f.optional && rng.next() % 3 == 0 ? nil : value(of: f.type, &rng, depth: depth + 1)
      }))
    default: return anyValue(&rng, depth: depth)
    }
  }

  /// A value of any kind: numbers of every kind, null, collections (of numbers mostly, so that
  /// arithmetic over them both works and fails), records.
  static func anyValue(_ rng: inout SplitMix, depth: Int) -> Value {
    let scalars: [CELType] = [.int, .int, .uint, .double, .double, .decimal, .string, .bool, .timestamp, .duration]
    switch rng.next() % 14 {
    case 0: return .null
    case 1 where depth < 2: return .list((0..<Int(rng.next() % 6)).map { _ in anyValue(&rng, depth: depth + 1) })
    case 2 where depth < 2:
      var keys: [Value] = [], values: [Value] = []
      for _ in 0..<Int(rng.next() % 4) {
        let k: Value = rng.next() % 2 == 0 ? .string(rng.pick(strings)) : .int(rng.pick(ints))
        if keys.contains(where: { MapValue.make(keys: [$0, k], values: [$0, k]).isFailure }) { continue }
        keys.append(k); values.append(value(of: .int, &rng))
      }
      return .map(try! MapValue.make(keys: keys, values: values).get())
    case 3 where depth < 1: return value(of: .object(FusionDifferentialTests.record), &rng, depth: depth + 1)
    default: return value(of: rng.pick(scalars), &rng, depth: depth)
    }
  }
}

extension Result {
  var isFailure: Bool { if case .failure = self { true } else { false } }
}
