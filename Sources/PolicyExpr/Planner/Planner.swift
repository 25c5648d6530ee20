import PolicySource

/// Turns a checked expression into a tree of general ``Interpretable`` nodes, one kind of node
/// per shape of the syntax tree: names become slots, overloads become bound closures, pure calls
/// over constants are folded. The fast forms of common shapes are made afterwards, by the
/// separate ``Fusion`` pass, from this general tree.
///
/// The planner evaluates its intrinsics itself (``intrinsics``); every other call goes through
/// the overloads of the library.
struct Planner {
  let checked: CheckedExpression
  let env: Environment
  var nextLocal = 0
  /// Problems found while planning (a constant argument an overload's validator rejects).
  var diagnostics: [Diagnostic] = []

  init(checked: CheckedExpression, env: Environment) { self.checked = checked; self.env = env }

  /// The operators the planner evaluates with its own nodes rather than library overloads:
  /// the logic operators (short circuits and error absorption), the conditional, the macros'
  /// `@not_strictly_false`, and equality and ordering (one meaning, ``Value/celEquals(_:)`` and
  /// ``Value/order(_:_:_:)``). The library declares them with ``Overload/intrinsic(_:_:_:_:)``
  /// so that the checker types them.
  static let intrinsics: Set<String> = [
    "_&&_", "_||_", "!_", "_?_:_", "@not_strictly_false", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_",
  ]

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
      var record: ObjectType? = nil
      if case .object(let o) = checked.type(of: operand.id), o.slots[field] != nil { record = o }
      return fold(SelectNode(op, field: field, record: record, id: e.id), [op])
    case .call(let function, let target, let args):
      return planCall(e.id, function, target, args)
    case .list(let elements):
      let xs = elements.map { plan($0) }
      return fold(ListNode(xs), xs)
    case .map(let entries):
      var ks: [any Interpretable] = [], vs: [any Interpretable] = []
      for entry in entries { ks.append(plan(entry.key)); vs.append(plan(entry.value)) }
      return fold(MapNode(keys: ks, values: vs, id: e.id), ks + vs)
    case .comprehension(let c):
      let range = plan(c.iterRange)
      let accuInit = plan(c.accuInit)
      let iterSlot = nextLocal; nextLocal += 1
      var iter2Slot: Int? = nil
      if c.iterVar2 != nil { iter2Slot = nextLocal; nextLocal += 1 }
      let accuSlot = nextLocal; nextLocal += 1
      let condition = plan(c.loopCondition)
      let step = plan(c.loopStep)
      let result = plan(c.result)
      nextLocal -= (iter2Slot == nil ? 2 : 3)
      return ComprehensionNode(range: range, iterSlot: iterSlot, iter2Slot: iter2Slot, accuSlot: accuSlot, accuInit: accuInit,
                               condition: condition, step: step, result: result, id: e.id)
    }
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
  /// Only pure nodes are folded: intrinsics, literals and calls whose overloads are all
  /// ``Purity/pure``; an error is left to happen at evaluation, where it is located.
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
    if Self.intrinsics.contains(name), let node = planIntrinsic(name, xs, id: id) { return node }
    let candidates = checked.overloads[id] ?? env.functions[name]?.overloads.filter { $0.params.count == xs.count } ?? []
    if candidates.isEmpty {
      return ErrorNode(EvalError(.noMatchingOverload, "no such function '\(name)' with \(xs.count) arguments", node: id))
    }
    if let problem = validate(candidates, xs) {
      let range = checked.parsed.range(of: all[min(problem.argument, all.count - 1)].id)
      diagnostics.append(Diagnostic(.error, code: problem.code, message: problem.message, range: range))
      return ErrorNode(EvalError(.invalidArgument, problem.message, node: id))
    }
    var node: any Interpretable
    if candidates.count == 1 {
      node = bindCall(candidates[0].implementation, xs, overload: candidates[0], id: id)
    } else {
      node = DispatchNode(name: name, overloads: candidates, args: xs, id: id)
    }
    // Functions that build strings or collections are held to the evaluation's size limits.
    switch checked.type(of: id) {
    case .string, .bytes, .list, .map, .dyn:
      node = SizeLimitNode(node, id: id, appendsList: candidates.count == 1 && candidates[0].id == "add_list")
    default: break
    }
    guard candidates.allSatisfy({ $0.purity == .pure && !$0.isIntrinsic }) else { return node }
    return fold(node, xs)
  }

  /// The node of an intrinsic operator, or `nil` for an arity it does not have.
  func planIntrinsic(_ name: String, _ xs: [any Interpretable], id: NodeID) -> (any Interpretable)? {
    switch (name, xs.count) {
    case ("_&&_", 2): return fold(AndNode(xs[0], xs[1], id: id), xs)
    case ("_||_", 2): return fold(OrNode(xs[0], xs[1], id: id), xs)
    case ("!_", 1): return fold(NotNode(xs[0], id: id), xs)
    case ("_?_:_", 3):
      if let c = xs[0] as? ConstNode, case .bool(let b) = c.value { return b ? xs[1] : xs[2] }
      return TernaryNode(xs[0], xs[1], xs[2], id: id)
    case ("@not_strictly_false", 1): return NotStrictlyFalseNode(xs[0])
    case ("_==_", 2): return fold(EqualityNode(xs[0], xs[1], negate: false), xs)
    case ("_!=_", 2): return fold(EqualityNode(xs[0], xs[1], negate: true), xs)
    case (_, 2):
      guard let op = OrderingOperator(rawValue: name) else { return nil }
      return fold(OrderingNode(op, xs[0], xs[1], id: id), xs)
    default: return nil
    }
  }

  /// The problem every candidate's validator finds with the constant arguments, if they all do.
  func validate(_ candidates: [Overload], _ xs: [any Interpretable]) -> ArgumentProblem? {
    guard candidates.allSatisfy({ $0.validator != nil }) else { return nil }
    let constants = xs.map { ($0 as? ConstNode)?.value }
    var first: ArgumentProblem?
    for o in candidates {
      guard let problem = o.validator?(constants) else { return nil }
      first = first ?? problem
    }
    return first
  }
}
