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
    /// Every expression the value is computed from: a table's inputs, the expressions of its input
    /// cells (read through the cell grammar, ``PolicyCompiler/cellSyntax(_:)``) and its `=` output
    /// cells. Plain text cells are strings, not expressions, whatever they look like.
    var expressions: [ExpressionSource] {
      switch self {
      case .let(let n), .output(let n): return [n.expression]
      case .table(let t):
        var out = t.inputs
        for row in t.rows {
          for cell in row.prefix(t.inputs.count) { out += PolicyCompiler.cellSyntax(cell)?.sources ?? [] }
          out += row.dropFirst(t.inputs.count).compactMap(PolicyCompiler.outputExpression)
        }
        out += ((t.defaults ?? []) + (t.priority ?? [])).compactMap(PolicyCompiler.outputExpression)
        return out
      }
    }
  }

  /// Lets, tables and outputs in an order where each comes after the values it uses.
  ///
  /// What a value uses is what its parsed expressions refer to (``referencedNames(_:bound:into:)``),
  /// so the order, and whether the policy compiles, does not depend on the order of declaration.
  /// A cycle is reported once, naming its members in order, and its members are left out.
  mutating func orderNamedValues() -> [NamedItem] {
    let items: [NamedItem] = policy.lets.map { .let($0) } + policy.tables.map { .table($0) } + policy.outputs.map { .output($0) }
    var index: [String: Int] = [:]
    for (i, item) in items.enumerated() where index[item.name] == nil { index[item.name] = i }
    let deps: [[Int]] = items.map { item in
      var names = Set<String>()
      for source in item.expressions {
        var bound: [String] = []
        if let parsed = ExprParser.parse(source.text, limits: env.limits).0 { Self.referencedNames(parsed.root, bound: &bound, into: &names) }
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

  /// The names `e` refers to outside its own comprehensions, as the checker resolves them: a name
  /// bound by an enclosing comprehension (in `bound`) is that loop's variable, not a declaration;
  /// a dotted chain `a.b.c` may name a declared `a.b.c` or `a.b` as well as `a`.
  static func referencedNames(_ e: Expr, bound: inout [String], into names: inout Set<String>) {
    switch e.kind {
    case .ident(let n):
      if !bound.contains(n) { names.insert(n.hasPrefix(".") ? String(n.dropFirst()) : n) }
    case .literal: break
    case .select(let o, let field, _):
      if let chain = qualifiedName(o), let first = chain.split(separator: ".").first, !bound.contains(String(first)) {
        let name = chain.hasPrefix(".") ? String(chain.dropFirst()) : chain
        names.insert(name + "." + field)
      }
      referencedNames(o, bound: &bound, into: &names)
    case .call(_, let t, let args):
      if let t { referencedNames(t, bound: &bound, into: &names) }
      for a in args { referencedNames(a, bound: &bound, into: &names) }
    case .list(let xs):
      for x in xs { referencedNames(x, bound: &bound, into: &names) }
    case .map(let entries):
      for entry in entries {
        referencedNames(entry.key, bound: &bound, into: &names)
        referencedNames(entry.value, bound: &bound, into: &names)
      }
    case .comprehension(let c):
      referencedNames(c.iterRange, bound: &bound, into: &names)
      referencedNames(c.accuInit, bound: &bound, into: &names)
      let scope = [c.iterVar] + (c.iterVar2.map { [$0] } ?? []) + [c.accuVar]
      bound += scope
      for x in [c.loopCondition, c.loopStep, c.result] { referencedNames(x, bound: &bound, into: &names) }
      bound.removeLast(scope.count)
    }
  }

  /// `a.b` as one dotted name when the chain is made only of identifiers.
  static func qualifiedName(_ e: Expr) -> String? {
    switch e.kind {
    case .ident(let n): return n
    case .select(let operand, let field, false): return qualifiedName(operand).map { "\($0).\(field)" }
    default: return nil
    }
  }
}
