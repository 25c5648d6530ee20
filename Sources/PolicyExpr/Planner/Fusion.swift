/// The fusion pass: rewrites known shapes of the general plan into fused fast nodes.
///
/// The ``Planner`` emits only general nodes, one per shape of the syntax tree. This pass walks
/// the tree bottom-up (children first, through ``Composite/mapChildren(_:)``) and replaces a
/// node by a fused form where one applies; general nodes never inspect their children, only the
/// rules below do. Every fused node keeps the general node it replaces (``FusedNode/general``),
/// and must give the same value, or an error of the same kind, on every input:
/// `Tests/PolicyExprTests/Planner/FusionDifferentialTests.swift` runs each shape with the pass
/// on and off (``Compiler/fuse``) over generated values.
///
/// | fused node | shape | general twin |
/// |---|---|---|
/// | ``VariableFieldNode`` | `v.f`, `v` a variable of a declared record type | ``SelectNode`` over a ``VariableNode`` |
/// | ``FieldSlotNode`` | `x.f`, `x` of a declared record type | ``SelectNode`` |
/// | ``FieldEqualityNode`` | `v.a == w.b`, `v.a != w.b` over record fields | ``EqualityNode`` |
/// | ``ConstantEqualityNode`` | `x == constant`, `x != constant` | ``EqualityNode`` |
/// | ``FieldOrderingNode`` | `v.a < w.b`, `v.a < constant` (every ordering) | ``OrderingNode`` |
/// | ``VariableIntOrderingNode`` | `v < 10`, `v` a variable, an int constant | ``OrderingNode`` |
/// | ``ConstantOrderingNode`` | `x < constant` | ``OrderingNode`` |
/// | ``ConditionChainNode`` | `c1 ? v1 : c2 ? v2 : ... : w` | nested ``TernaryNode``s |
/// | ``ConstantKeyMapNode`` | `{"a": x, "b": y}`, distinct constant keys | ``MapNode`` |
/// | ``AppendComprehensionNode`` | the expansions of `map` and `filter` | ``ComprehensionNode`` |
/// | ``SpecializedCallNode`` | a call whose overload specializes on constant arguments (`matches(s, "^a+$")`) | ``Call2Node`` etc. of the overload |
enum Fusion {
  /// The tree with every fusable shape fused.
  static func fuse(_ node: any Interpretable) -> any Interpretable {
    guard let composite = node as? any Composite else { return node }
    return rewrite(composite.mapChildren(fuse))
  }

  /// One node (whose children are fused already) in its fused form, or itself.
  static func rewrite(_ node: any Interpretable) -> any Interpretable {
    switch node {
    case let n as SelectNode: return select(n)
    case let n as EqualityNode:
      if let l = n.lhs as? VariableFieldNode, let r = n.rhs as? VariableFieldNode { return FieldEqualityNode(l, r, general: n) }
      if let c = n.rhs as? ConstNode { return ConstantEqualityNode(n, lhs: n.lhs, constant: c.value) }
      return n
    case let n as OrderingNode: return ordering(n)
    case let n as TernaryNode: return chain(n)
    case let n as MapNode: return map(n)
    case let n as ComprehensionNode: return append(n) ?? n
    case let n as Call1Node: return specialize(n, n.overload, [n.arg], n.id)
    case let n as Call2Node: return specialize(n, n.overload, [n.lhs, n.rhs], n.id)
    case let n as Call3Node: return specialize(n, n.overload, [n.a0, n.a1, n.a2], n.id)
    case let n as CallNNode: return specialize(n, n.overload, n.args, n.id)
    default: return node
    }
  }

  static func select(_ n: SelectNode) -> any Interpretable {
    guard let record = n.record, let slot = record.slots[n.field] else { return n }
    if let v = n.operand as? VariableNode {
      return VariableFieldNode(variable: v.slot, type: record, slot: slot, field: n.field, id: n.id, general: n)
    }
    return FieldSlotNode(n.operand, type: record, slot: slot, field: n.field, id: n.id, general: n)
  }

  static func ordering(_ n: OrderingNode) -> any Interpretable {
    let constant = (n.rhs as? ConstNode)?.value
    if let l = n.lhs as? VariableFieldNode {
      let r = n.rhs as? VariableFieldNode
      if r != nil || constant != nil { return FieldOrderingNode(n, lhs: l, rhsField: r, constant: constant) }
    }
    if let v = n.lhs as? VariableNode, case .int(let k)? = constant { return VariableIntOrderingNode(n, slot: v.slot, constant: k) }
    if let constant { return ConstantOrderingNode(n, lhs: n.lhs, constant: constant) }
    return n
  }

  /// `c ? v : (chain)` becomes one longer chain; conditions that are `variable < int` are
  /// marked to be tested inline.
  static func chain(_ n: TernaryNode) -> any Interpretable {
    let conditions: [any Interpretable], values: [any Interpretable], otherwise: any Interpretable, ids: [NodeID]
    if let inner = n.otherwise as? ConditionChainNode {
      (conditions, values, otherwise, ids) = ([n.condition] + inner.conditions, [n.then] + inner.values, inner.otherwise, [n.id] + inner.ids)
    } else if let inner = n.otherwise as? TernaryNode {
      (conditions, values, otherwise, ids) = ([n.condition, inner.condition], [n.then, inner.then], inner.otherwise, [n.id, inner.id])
    } else {
      return n
    }
    return ConditionChainNode(conditions: conditions, values: values, otherwise: otherwise, ids: ids,
                              inline: conditions.map { $0 as? VariableIntOrderingNode }, general: n)
  }

  static func map(_ n: MapNode) -> any Interpretable {
    let keys = n.keys.compactMap { ($0 as? ConstNode)?.value }
    guard keys.count == n.keys.count, !keys.isEmpty, case .success(let shape) = MapValue.make(keys: keys, values: keys) else { return n }
    return ConstantKeyMapNode(shape: shape, values: n.values, general: n)
  }

  /// The expansions of `map` and `filter`: an empty list grown by `accu + [e]`, optionally under
  /// a condition (`c ? accu + [e] : accu`), with the accumulator as the result.
  static func append(_ n: ComprehensionNode) -> AppendComprehensionNode? {
    guard let initial = n.accuInit as? ConstNode, case .list(let xs) = initial.value, xs.isEmpty,
      let condition = n.condition as? ConstNode, case .bool(true) = condition.value,
      let result = n.result as? LocalNode, result.offset == n.accuSlot
    else { return nil }
    var filter: (any Interpretable)? = nil, filterID = n.id
    var step = n.step
    if let t = n.step as? TernaryNode, let o = t.otherwise as? LocalNode, o.offset == n.accuSlot {
      step = t.then
      filter = t.condition
      filterID = t.id
    }
    guard let element = appended(step, accu: n.accuSlot), let limit = step as? SizeLimitNode else { return nil }
    return AppendComprehensionNode(range: n.range, iterSlot: n.iterSlot, iter2Slot: n.iter2Slot, filter: filter, filterID: filterID,
                                   element: element, appendID: limit.id, id: n.id, general: n)
  }

  /// The element `e` of a size-limited `accu + [e]` on the accumulator local `accu`.
  static func appended(_ step: any Interpretable, accu: Int) -> (any Interpretable)? {
    guard let limit = step as? SizeLimitNode, let call = limit.inner as? Call2Node, call.overload.id == "add_list",
      let l = call.lhs as? LocalNode, l.offset == accu
    else { return nil }
    if let list = call.rhs as? ListNode, list.elements.count == 1 { return list.elements[0] }
    if let c = call.rhs as? ConstNode, case .list(let xs) = c.value, xs.count == 1 { return ConstNode(xs[0]) }
    return nil
  }

  /// A call over the implementation its overload's specializer makes for the constant arguments.
  static func specialize(_ n: any Interpretable, _ overload: Overload, _ args: [any Interpretable], _ id: NodeID) -> any Interpretable {
    guard let specializer = overload.specializer,
      let implementation = specializer(args.map { ($0 as? ConstNode)?.value })
    else { return n }
    return SpecializedCallNode(fast: bindCall(implementation, args, overload: overload, id: id), general: n)
  }
}
