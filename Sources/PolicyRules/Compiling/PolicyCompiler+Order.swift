import PolicyExpr

extension PolicyCompiler {
  /// A named value computed lazily during a decision.
  enum NamedItem {
    case `let`(Policy.Named)
    case table(DecisionTableSpec)
    case output(Policy.Named)

    var name: String {
      switch self {
      case .let(let n), .output(let n): n.name
      case .table(let t): t.variableName
      }
    }
    var range: SourceRange {
      switch self {
      case .let(let n), .output(let n): n.range
      case .table(let t): t.range
      }
    }
    var expressions: [String] {
      switch self {
      case .let(let n), .output(let n): [n.expression.text]
      case .table(let t):
        t.inputs.map(\.text) + t.rows.flatMap { $0.compactMap { $0.scalar?.value } }
      }
    }
  }

  /// Lets, tables and outputs in an order where each comes after the values it uses.
  ///
  /// A cycle is reported once, naming its members in order, and its members are left out.
  mutating func orderNamedValues() -> [NamedItem] {
    let items: [NamedItem] = policy.lets.map { .let($0) } + policy.tables.map { .table($0) } + policy.outputs.map { .output($0) }
    var index: [String: Int] = [:]
    for (i, item) in items.enumerated() where index[item.name] == nil { index[item.name] = i }
    let deps: [[Int]] = items.map { item in
      var names = Set<String>()
      for text in item.expressions {
        if let parsed = ExprParser.parse(text).0 { Self.collectIdentifiers(parsed.root, into: &names) }
      }
      return names.compactMap { index[$0] }.sorted()
    }
    var state = Array(repeating: 0, count: items.count)  // 0 new, 1 on stack, 2 done
    var order: [NamedItem] = []
    var stack: [Int] = []
    var inCycle = Set<Int>()
    func visit(_ i: Int, _ c: inout PolicyCompiler) {
      if state[i] == 2 { return }
      if state[i] == 1 {
        let start = stack.lastIndex(of: i) ?? 0
        let cycle = Array(stack[start...]) + [i]
        if !cycle.contains(where: inCycle.contains) {
          let names = cycle.map { items[$0].name }.joined(separator: " -> ")
          c.error(.policyLetCycle, "values depend on each other in a cycle: \(names)", items[i].range,
                  hint: "break the cycle by computing one of them from inputs only")
        }
        inCycle.formUnion(cycle)
        return
      }
      state[i] = 1
      stack.append(i)
      for d in deps[i] { visit(d, &c) }
      stack.removeLast()
      state[i] = 2
      if !inCycle.contains(i) { order.append(items[i]) }
    }
    for i in items.indices { visit(i, &self) }
    // Members of a cycle are declared with an error type so later references do not cascade.
    for i in inCycle { env.declare(items[i].name, .error) }
    return order
  }

  static func collectIdentifiers(_ e: Expr, into names: inout Set<String>) {
    switch e.kind {
    case .ident(let n): names.insert(n)
    case .literal: break
    case .select(let o, _, _): collectIdentifiers(o, into: &names)
    case .call(_, let t, let args):
      if let t { collectIdentifiers(t, into: &names) }
      args.forEach { collectIdentifiers($0, into: &names) }
    case .list(let xs): xs.forEach { collectIdentifiers($0, into: &names) }
    case .map(let entries): entries.forEach { collectIdentifiers($0.key, into: &names); collectIdentifiers($0.value, into: &names) }
    case .comprehension(let c):
      for x in [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result] { collectIdentifiers(x, into: &names) }
    }
  }
}
