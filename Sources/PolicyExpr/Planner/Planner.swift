/// Turns a checked expression into a tree of ``Interpretable`` nodes: names become slots,
/// overloads become bound closures, constant subexpressions are folded.
struct Planner {
  let checked: CheckedExpression
  let env: Environment
  var nextLocal = 0

  init(checked: CheckedExpression, env: Environment) { self.checked = checked; self.env = env }

  mutating func plan(_ e: Expr) -> any Interpretable {
    switch e.kind {
    case .literal(let lit):
      if let d = checked.decimalLiterals[e.id] { return ConstNode(.decimal(d)) }
      return ConstNode(Self.value(of: lit))
    case .ident:
      return planReference(e)
    case .select(let operand, let field, let testOnly):
      if !testOnly, let ref = checked.references[e.id] { return planReference(e, ref) }
      let op = plan(operand)
      if testOnly { return HasNode(op, field: field, id: e.id) }
      if case .object(let o) = checked.type(of: operand.id), let slot = o.slots[field] {
        let node = FieldSlotNode(op, type: o, slot: slot, field: field, id: e.id)
        if op is ConstNode, let v = try? node.eval(Activation(variableCount: 0, localCount: 0)) { return ConstNode(v) }
        if let variable = op as? VariableNode {
          return VariableFieldNode(variable: variable.slot, type: o, slot: slot, field: field, id: e.id)
        }
        return node
      }
      return fold(SelectNode(op, field: field, id: e.id), [op])
    case .call(let function, let target, let args):
      return planCall(e.id, function, target, args)
    case .list(let elements):
      let xs = elements.map { plan($0) }
      return fold(ListNode(xs), xs)
    case .map(let entries):
      var ks: [any Interpretable] = [], vs: [any Interpretable] = []
      for entry in entries { ks.append(plan(entry.key)); vs.append(plan(entry.value)) }
      let constantKeys = ks.compactMap { ($0 as? ConstNode)?.value }
      if constantKeys.count == ks.count, !ks.isEmpty,
        case .success(let shape) = MapValue.make(keys: constantKeys, values: constantKeys)
      {
        return fold(ConstantKeyMapNode(shape: shape, values: vs), vs)
      }
      return fold(MapNode(keys: ks, values: vs, id: e.id), ks + vs)
    case .comprehension(let c):
      let range = plan(c.iterRange)
      let accuInit = plan(c.accuInit)
      let iterSlot = nextLocal; nextLocal += 1
      var iter2Slot: Int? = nil
      if c.iterVar2 != nil { iter2Slot = nextLocal; nextLocal += 1 }
      let accuSlot = nextLocal; nextLocal += 1
      if let (filter, element) = Self.appendShape(c) {
        // `map` / `filter`: append to one array instead of rebuilding the list every step.
        let f = filter.map { plan($0) }
        let x = plan(element)
        nextLocal -= (iter2Slot == nil ? 2 : 3)
        return AppendComprehensionNode(range: range, iterSlot: iterSlot, iter2Slot: iter2Slot, filter: f, element: x, id: e.id)
      }
      let condition = plan(c.loopCondition)
      let step = plan(c.loopStep)
      let result = plan(c.result)
      nextLocal -= (iter2Slot == nil ? 2 : 3)
      return ComprehensionNode(range: range, iterSlot: iterSlot, iter2Slot: iter2Slot, accuSlot: accuSlot, accuInit: accuInit,
                               condition: condition, step: step, result: result, id: e.id)
    }
  }

  /// Recognizes the expansions of `map` and `filter`: an empty list grown by `accu + [e]`,
  /// optionally under a condition, with the accumulator as result. Returns (condition, element).
  static func appendShape(_ c: Expr.Comprehension) -> (Expr?, Expr)? {
    guard case .list(let initial) = c.accuInit.kind, initial.isEmpty,
      case .literal(.bool(true)) = c.loopCondition.kind,
      case .ident(let r) = c.result.kind, r == c.accuVar
    else { return nil }
    func append(_ e: Expr) -> Expr? {
      guard case .call("_+_", nil, let args) = e.kind, args.count == 2, case .ident(let a) = args[0].kind, a == c.accuVar,
        case .list(let xs) = args[1].kind, xs.count == 1
      else { return nil }
      return xs[0]
    }
    if let x = append(c.loopStep) { return (nil, x) }
    if case .call("_?_:_", nil, let args) = c.loopStep.kind, args.count == 3, let x = append(args[1]),
      case .ident(let a) = args[2].kind, a == c.accuVar
    {
      return (args[0], x)
    }
    return nil
  }

  mutating func planReference(_ e: Expr, _ known: CheckedExpression.Reference? = nil) -> any Interpretable {
    switch known ?? checked.references[e.id] {
    case .variable(let slot):
      if let c = env.variables[slot].constant { return ConstNode(c) }
      return VariableNode(slot)
    case .local(let slot): return LocalNode(slot)
    case .typeName(let t): return ConstNode(.type(t))
    case .unbound(let name): return ErrorNode(EvalError(.undeclared, "unknown variable '\(name)'", node: e.id))
    case .namespace, nil: return ConstNode(.null)
    }
  }

  static func value(of lit: Literal) -> Value {
    switch lit {
    case .null: .null
    case .bool(let b): .bool(b)
    case .int(let i): .int(i)
    case .uint(let u): .uint(u)
    case .double(let d, _): .double(d)
    case .string(let s): .string(s)
    case .bytes(let b): .bytes(b)
    }
  }

  /// Replaces a node whose inputs are all constants by its value, when evaluating it succeeds.
  func fold(_ node: any Interpretable, _ inputs: [any Interpretable]) -> any Interpretable {
    guard inputs.allSatisfy({ $0 is ConstNode }) else { return node }
    let scratch = Activation(variableCount: 0, localCount: 0, limits: env.limits)
    if let v = try? node.eval(scratch) { return ConstNode(v) }
    return node
  }

  mutating func planCall(_ id: NodeID, _ function: String, _ target: Expr?, _ args: [Expr]) -> any Interpretable {
    var all = args
    var name = function
    if let target {
      if case .namespace(let ns) = checked.references[target.id] { name = "\(ns).\(function)" } else { all.insert(target, at: 0) }
    }
    let xs = all.map { plan($0) }
    switch (name, xs.count) {
    case ("_&&_", 2): return fold(AndNode(xs[0], xs[1], id: id), xs)
    case ("_||_", 2): return fold(OrNode(xs[0], xs[1], id: id), xs)
    case ("!_", 1): return fold(NotNode(xs[0], id: id), xs)
    case ("_?_:_", 3):
      if let c = xs[0] as? ConstNode, case .bool(let b) = c.value { return b ? xs[1] : xs[2] }
      if let chain = xs[2] as? ConditionChainNode {
        return ConditionChainNode(conditions: [xs[0]] + chain.conditions, values: [xs[1]] + chain.values, otherwise: chain.otherwise, ids: [id] + chain.ids)
      }
      if let inner = xs[2] as? TernaryNode {
        return ConditionChainNode(conditions: [xs[0], inner.condition], values: [xs[1], inner.then], otherwise: inner.otherwise, ids: [id, inner.id])
      }
      return TernaryNode(xs[0], xs[1], xs[2], id: id)
    case ("@not_strictly_false", 1): return NotStrictlyFalseNode(xs[0])
    default: break
    }
    let candidates = checked.overloads[id] ?? env.functions[name]?.overloads.filter { $0.params.count == xs.count } ?? []
    if candidates.isEmpty {
      return ErrorNode(EvalError(.noMatchingOverload, "no such function '\(name)' with \(xs.count) arguments", node: id))
    }
    if xs.count == 2, name == "_==_" || name == "_!=_" {
      if let l = xs[0] as? VariableFieldNode, let r = xs[1] as? VariableFieldNode {
        return FieldEqualityNode(l, r, negate: name == "_!=_")
      }
      return fold(EqualityNode(xs[0], xs[1], negate: name == "_!=_"), xs)
    }
    let orderings: [String: OrderingNode.Op] = ["_<_": .lt, "_<=_": .le, "_>_": .gt, "_>=_": .ge]
    if xs.count == 2, let op = orderings[name] {
      let fallback: @Sendable (Value, Value) throws(EvalError) -> Value
      if candidates.count == 1, case .binary(let f) = candidates[0].implementation {
        fallback = f
      } else {
        let dispatch = DispatchNode(name: name, overloads: candidates, args: [ConstNode(.null), ConstNode(.null)], id: id)
        fallback = { x, y throws(EvalError) in try dispatch.call([x, y]) }
      }
      let ordering = OrderingNode(op, xs[0], xs[1], fallback: fallback, id: id)
      if let l = xs[0] as? VariableFieldNode {
        let r = xs[1] as? VariableFieldNode, c = (xs[1] as? ConstNode)?.value
        if r != nil || c != nil { return FieldOrderingNode(ordering, lhs: l, rhsField: r, constant: c) }
      }
      return fold(ordering, xs)
    }
    var node: any Interpretable
    if candidates.count == 1 {
      let o = candidates[0]
      if let special = o.specializer, let n = special(xs.map { ($0 as? ConstNode)?.value }) {
        node = Self.bind(n, xs, id: id)
      } else {
        node = Self.bind(o.implementation, xs, id: id)
      }
    } else {
      node = DispatchNode(name: name, overloads: candidates, args: xs, id: id)
    }
    // Functions that build strings or collections are held to the evaluation's size limits.
    switch checked.type(of: id) {
    case .string, .bytes, .list, .map, .dyn: node = SizeLimitNode(node, id: id)
    default: break
    }
    return fold(node, xs)
  }

  static func bind(_ impl: Implementation, _ xs: [any Interpretable], id: NodeID) -> any Interpretable {
    switch impl {
    case .unary(let f) where xs.count == 1: return Call1Node(f, xs[0], id: id)
    case .binary(let f) where xs.count == 2: return Call2Node(f, xs[0], xs[1], id: id)
    case .ternary(let f) where xs.count == 3: return Call3Node(f, xs, id: id)
    case .variadic(let f): return CallNNode(f, xs, id: id)
    default: return CallNNode({ vs throws(EvalError) in try impl.call(vs) }, xs, id: id)
    }
  }
}
