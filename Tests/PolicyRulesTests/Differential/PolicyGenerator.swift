/// A seeded generator of random well-typed policies for the differential test.
///
/// The policies exercise what lazy evaluation must get right: lets that use inputs, earlier and
/// later lets (the YAML declaration order is shuffled), tables and outputs; comprehensions whose
/// variables reuse the names `x` and `y`, nested; and lazy values used inside comprehensions,
/// table cells (`?` and `=expr`), rule conditions and sets, checks, alerts and messages. A few
/// expressions can fail (an unguarded division or index, a table without a default), so errors
/// are compared too.

/// SplitMix64: a small, fast, seedable generator (the same seed gives the same policy everywhere).
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Builds one ``GeneratedPolicy`` and its input documents from a seed.
struct PolicyGenerator {
  var rng: SplitMix64
  var policy: GeneratedPolicy
  /// Inlined text length of each named value so far: big ones are not referenced again, which
  /// keeps the inlined reference expressions small.
  var inlineSize: [String: Int] = [:]

  /// Options of one expression being generated.
  struct Options {
    /// The type of `?` when generating a table cell.
    var cell: GType? = nil
    /// Whether `c ? a : b` may appear (not in `?` cells, where every `?` is the column).
    var ternary = true
    /// Only named values of lower rank may be used.
    var rank = 0
  }

  /// A scope of comprehension variables, innermost last.
  typealias Scope = [(name: String, type: GType)]

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
    policy = GeneratedPolicy(id: "gen-\(seed)", records: [], named: [], letOrder: [], tableOrder: [], outputOrder: [],
                             checks: [], rules: [], alerts: [])
  }

  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
  mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
  mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...xs.count - 1)] }
  mutating func small() -> Int64 { Int64(int(-2...9)) }

  /// Generates the whole policy.
  mutating func generate() -> GeneratedPolicy {
    var r: [(name: String, type: GType)] = [("a", .int), ("xs", .ints)]
    if chance(0.7) { r.append(("b", .int)) }
    if chance(0.7) { r.append(("ys", .ints)) }
    if chance(0.5) { r.append(("names", .strs)) }
    policy.records = [("r", r)]
    if chance(0.4) { policy.records.append(("s", [("k", .int), ("zs", .ints)])) }

    let count = int(2...6)
    var kinds: [GNamed.Kind] = (0..<count).map { _ in chance(0.3) ? .table : .let }
    let outputs = int(1...3)
    for _ in 0..<outputs { kinds.insert(.output, at: int(max(0, kinds.count - 3)...kinds.count)) }
    for (k, kind) in kinds.enumerated() { addNamed(kind, rank: k) }
    let indices = policy.named.indices
    policy.letOrder = indices.filter { policy.named[$0].kind == .let }.shuffled(using: &rng)
    policy.tableOrder = indices.filter { policy.named[$0].kind == .table }.shuffled(using: &rng)
    policy.outputOrder = indices.filter { policy.named[$0].kind == .output }.shuffled(using: &rng)

    let all = Options(rank: policy.named.count)
    for k in 0..<pick([0, 1, 1, 1, 2, 2, 3]) {
      let when: GExpr? = chance(0.3) ? expr(.bool, depth: 2, [], all) : nil
      policy.checks.append(("c\(k)", when, expr(.bool, depth: 2, [], all), template(all)))
    }
    // Rules set only outputs that no other named value uses: a value computed from an output
    // would otherwise depend on whether it was first needed before or after the rule.
    var used = Set<String>()
    for n in policy.named {
      n.expression?.references(into: &used)
      if let t = n.table { tableReferences(t, into: &used) }
    }
    let settable = policy.named.filter { $0.kind == .output && !used.contains($0.name) }
    for k in 0..<int(0...2) {
      let when = expr(.bool, depth: 2, [], all)
      if !settable.isEmpty && chance(0.8) {
        let target = pick(settable)
        policy.rules.append(("r\(k)", when, [(target.name, expr(target.type, depth: 2, [], all))], chance(0.5) ? template(all) : nil, nil))
      } else {
        policy.rules.append(("r\(k)", when, [], nil, template(all)))
      }
    }
    for k in 0..<int(0...2) { policy.alerts.append(("a\(k)", expr(.bool, depth: 2, [], all), template(all))) }
    return policy
  }

  func tableReferences(_ t: GTable, into names: inout Set<String>) {
    for c in t.columns { c.references(into: &names) }
    for row in t.rows {
      for cell in row.cells { if case .expression(let e) = cell { e.references(into: &names) } }
      if case .expression(let e) = row.output { e.references(into: &names) }
    }
  }

  mutating func addNamed(_ kind: GNamed.Kind, rank: Int) {
    let o = Options(rank: rank)
    var n: GNamed
    switch kind {
    case .table:
      let t = table(id: "tab-\(rank)", o)
      n = GNamed(name: t.variable, kind: .table, type: t.type, table: t)
    case .let, .output:
      let type = pick([GType.int, .int, .bool, .ints, .ints])
      // Most named values loop: they are what a comprehension overwrites when it reenters.
      let e = chance(0.75) ? looping(type, depth: 3, o) : expr(type, depth: 3, [], o)
      n = GNamed(name: (kind == .let ? "l" : "o") + "\(rank)", kind: kind, type: type, expression: e)
    }
    policy.named.append(n)
    inlineSize[n.name] = Inliner(policy: policy).inline(ref: n.name).utf8.count
  }

  /// An expression of `type` whose top is (or soon contains) a comprehension.
  mutating func looping(_ type: GType, depth: Int, _ o: Options) -> GExpr {
    switch type {
    case .bool: return quantifier(depth: depth, [], o)
    case .ints: return listComprehension(depth: depth, [], o)
    case .int:
      return chance(0.5) ? .size(listComprehension(depth: depth - 1, [], o))
        : .binary(pick(["+", "-"]), .size(listComprehension(depth: depth - 1, [], o)), expr(.int, depth: depth - 1, [], o))
    default: return expr(type, depth: depth, [], o)
    }
  }

  /// The named values of `type` usable here.
  func refs(_ type: GType, _ o: Options) -> [GExpr] {
    policy.named.prefix(o.rank).filter { n in
      n.type == type && (inlineSize[n.name] ?? 0) < (n.kind == .table ? Self.tableInlineBudget : Self.inlineBudget)
    }.map { .ref($0.name) }
  }

  /// The comprehension variables of `type` visible in `scope` (an inner binding hides an outer one).
  func locals(_ type: GType, _ scope: Scope) -> [GExpr] {
    var seen = Set<String>()
    var out: [GExpr] = []
    for v in scope.reversed() where seen.insert(v.name).inserted && v.type == type { out.append(.local(v.name)) }
    return out
  }

  func fields(_ type: GType) -> [GExpr] {
    policy.records.flatMap { r in r.fields.filter { $0.type == type }.map { GExpr.field(r.name, $0.name) } }
  }

  /// A leaf of `type`: a literal, an input field, a comprehension variable, a named value or `?`.
  mutating func leaf(_ type: GType, _ scope: Scope, _ o: Options) -> GExpr {
    var pool: [GExpr] = fields(type)
    let ls = locals(type, scope), rs = refs(type, o)
    for _ in 0..<3 { pool += ls }
    // Inside a comprehension, named values are the interesting leaves.
    for _ in 0..<(scope.isEmpty ? 2 : 5) { pool += rs }
    if o.cell == type { pool += [.cell, .cell, .cell] }
    switch type {
    case .int: pool.append(.int(small()))
    case .bool: pool.append(.bool(chance(0.5)))
    case .ints: pool.append(.list([.int(small()), .int(small())]))
    case .strs: pool.append(.list([.string(pick(["a", "b"])), .string(pick(["ab", ""]))]))
    case .str: pool.append(.string(pick(["a", "b", "ab"])))
    }
    return pick(pool)
  }

  /// An expression of `type`, at most `depth` levels deep.
  mutating func expr(_ type: GType, depth: Int, _ scope: Scope, _ o: Options) -> GExpr {
    if depth <= 0 || chance(0.2) { return leaf(type, scope, o) }
    let d = depth - 1
    switch type {
    case .int:
      switch int(0...11) {
      case 0, 1, 2: return .binary(pick(["+", "-", "*"]), expr(.int, depth: d, scope, o), expr(.int, depth: d, scope, o))
      case 3: return division(d, scope, o)
      case 4, 5: return .size(expr(chance(0.8) ? .ints : .strs, depth: d, scope, o))
      case 6 where o.ternary: return .cond(expr(.bool, depth: d, scope, o), expr(.int, depth: d, scope, o), expr(.int, depth: d, scope, o))
      case 7:
        let list = expr(.ints, depth: d, scope, o)
        if o.ternary && chance(0.85) { return .cond(.binary(">", .size(list), .int(0)), .index(list, .int(0)), .int(-1)) }
        return chance(0.5) ? .index(list, .int(0)) : .binary("+", .size(list), .int(1))
      case 8 where !locals(.str, scope).isEmpty: return .size(pick(locals(.str, scope)))
      default: return leaf(.int, scope, o)
      }
    case .bool:
      switch int(0...10) {
      case 0, 1, 2:
        return .binary(pick(["<", "<=", ">", ">=", "==", "!="]), expr(.int, depth: d, scope, o), expr(.int, depth: d, scope, o))
      case 3: return .binary("&&", expr(.bool, depth: d, scope, o), expr(.bool, depth: d, scope, o))
      case 4: return .binary("||", expr(.bool, depth: d, scope, o), expr(.bool, depth: d, scope, o))
      case 5: return .not(expr(.bool, depth: d, scope, o))
      case 6, 7: return quantifier(depth: d, scope, o)
      case 8: return .binary("in", expr(.int, depth: d, scope, o), expr(.ints, depth: d, scope, o))
      case 9 where !locals(.str, scope).isEmpty: return .startsWith(pick(locals(.str, scope)), pick(["a", "b"]))
      default: return leaf(.bool, scope, o)
      }
    case .ints:
      switch int(0...9) {
      case 0, 1, 2, 3: return listComprehension(depth: d, scope, o)
      case 4: return .binary("+", expr(.ints, depth: d, scope, o), expr(.ints, depth: d, scope, o))
      case 5: return .list([expr(.int, depth: d, scope, o), expr(.int, depth: d, scope, o)])
      default: return leaf(.ints, scope, o)
      }
    case .strs:
      if chance(0.4) {
        let v = pick(["x", "y"])
        let range = leaf(.strs, scope, o)
        return .comprehension(GComprehension(kind: "filter", range: range, vars: [v], body: expr(.bool, depth: d, scope + [(v, .str)], o)))
      }
      return leaf(.strs, scope, o)
    case .str:
      return leaf(.str, scope, o)
    }
  }

  /// `n / d` or `n % d`: mostly guarded or with a divisor that cannot be zero, sometimes not.
  mutating func division(_ d: Int, _ scope: Scope, _ o: Options) -> GExpr {
    let op = pick(["/", "%"])
    let n = expr(.int, depth: d, scope, o), den = expr(.int, depth: d, scope, o)
    let roll = int(0...9)
    if roll < 4 && o.ternary { return .cond(.binary("!=", den, .int(0)), .binary(op, n, den), .int(0)) }
    if roll < 7 { return .binary(op, n, .binary("+", .binary("*", den, den), .int(1))) }
    return .binary(op, n, den)
  }

  /// A comprehension variable name (the same few names are reused on purpose).
  mutating func variable() -> String { pick(["x", "y"]) }

  /// `all` / `exists` / `exists_one`, with one or two variables.
  mutating func quantifier(depth: Int, _ scope: Scope, _ o: Options) -> GExpr {
    let listType: GType = fields(.strs).isEmpty || chance(0.8) ? .ints : .strs
    let range = expr(listType, depth: max(0, depth - 1), scope, o)
    let kind = pick(["all", "exists", "exists_one"])
    var vars = [variable()]
    var inner = scope
    if chance(0.25) {
      vars = vars[0] == "x" ? ["x", "y"] : ["y", "x"]
      inner.append((vars[0], .int))
      inner.append((vars[1], listType.element!))
    } else {
      inner.append((vars[0], listType.element!))
    }
    return .comprehension(GComprehension(kind: kind, range: range, vars: vars, body: expr(.bool, depth: max(0, depth - 1), inner, o)))
  }

  /// `map` / `filter` / `map` with a filter / `transformList`, producing a list of ints.
  mutating func listComprehension(depth: Int, _ scope: Scope, _ o: Options) -> GExpr {
    let d = max(0, depth - 1)
    let range = expr(.ints, depth: d, scope, o)
    let v = variable()
    let one = scope + [(v, GType.int)]
    switch int(0...3) {
    case 0: return .comprehension(GComprehension(kind: "map", range: range, vars: [v], body: expr(.int, depth: d, one, o)))
    case 1: return .comprehension(GComprehension(kind: "filter", range: range, vars: [v], body: expr(.bool, depth: d, one, o)))
    case 2:
      return .comprehension(GComprehension(kind: "map", range: range, vars: [v], filter: expr(.bool, depth: d, one, o), body: expr(.int, depth: d, one, o)))
    default:
      let vars = v == "x" ? ["x", "y"] : ["y", "x"]
      let two = scope + [(vars[0], GType.int), (vars[1], GType.int)]
      let filter: GExpr? = chance(0.3) ? expr(.bool, depth: d, two, o) : nil
      return .comprehension(GComprehension(kind: "transformList", range: range, vars: vars, filter: filter, body: expr(.int, depth: d, two, o)))
    }
  }

  /// A message with zero to two placeholders.
  mutating func template(_ o: Options) -> GTemplate {
    var parts: [GTemplate.Part] = [.text("value")]
    for _ in 0..<int(0...2) {
      parts.append(.text(" is "))
      parts.append(.expression(expr(pick([GType.int, .int, .bool, .ints]), depth: 1, [], o)))
    }
    return GTemplate(parts: parts)
  }

  /// A table of one or two columns and one int output.
  mutating func table(id: String, _ o: Options) -> GTable {
    let hit = pick(["first", "first", "first", "unique", "unique", "collect", "collect_count", "collect_sum"])
    var types: [GType] = [.int]
    if chance(0.4) { types.append(chance(0.7) ? .int : .ints) }
    let columns = types.map { chance(0.6) ? looping($0, depth: 2, o) : expr($0, depth: 2, [], o) }
    var rows: [(cells: [GCell], output: GOutputCell)] = []
    let rowCount = int(2...3)
    // Under `unique`, the first column splits into disjoint bands so that most inputs match one row.
    var bounds = (0..<rowCount - 1).map { _ in Int64(int(-1...8)) }.sorted()
    bounds = Array(Set(bounds)).sorted()
    for r in 0..<rowCount {
      var cells: [GCell] = []
      for (c, type) in types.enumerated() {
        if hit == "unique" && c == 0 && type == .int && !chance(0.1) {
          cells.append(band(r, bounds))
        } else {
          cells.append(cell(type, o))
        }
      }
      let output: GOutputCell = chance(0.35) ? .expression(expr(.int, depth: 2, [], o)) : .constant(small())
      rows.append((cells, output))
    }
    if hit == "first" && chance(0.4) { rows[rows.count - 1].cells = types.map { _ in .any } }
    let defaultValue: Int64? = hit == "collect" || hit == "collect_count" || chance(0.3) ? nil : small()
    return GTable(id: id, hit: hit, columns: columns, columnTypes: types, rows: rows, defaultValue: hit == "collect" || hit == "collect_count" ? nil : defaultValue)
  }

  /// The longest inlined text of a named value that may still be referenced (compiling the
  /// reference expressions is most of the test's time).
  static let inlineBudget = 200
  /// Tables inline to longer text (a binding per column, a test per cell).
  static let tableInlineBudget = 600

  /// Row `r` of disjoint bands split at `bounds` (rows past the bands match nothing).
  func band(_ r: Int, _ bounds: [Int64]) -> GCell {
    if bounds.isEmpty { return r == 0 ? .any : .compare("<", -100) }
    if r == 0 { return .compare("<", bounds[0]) }
    if r < bounds.count { return .interval(bounds[r - 1], true, bounds[r], false) }
    if r == bounds.count { return .compare(">=", bounds[r - 1]) }
    return .compare("<", -100)
  }

  /// An input cell for a column of `type`.
  mutating func cell(_ type: GType, _ o: Options) -> GCell {
    var cellOptions = o
    cellOptions.cell = type
    cellOptions.ternary = false
    if type == .ints {
      if chance(0.3) { return .any }
      let v = variable()
      return chance(0.5)
        ? .expression(.comprehension(GComprehension(kind: "exists", range: .cell, vars: [v],
                                                    body: .binary(">", .local(v), expr(.int, depth: 2, [], cellOptions)))))
        : .expression(.binary(pick(["<", ">="]), .size(.cell), expr(.int, depth: 1, [], cellOptions)))
    }
    switch int(0...9) {
    case 0, 1: return .any
    case 2, 3: return .compare(pick(["<", "<=", ">", ">=", "!="]), small())
    case 4: let lo = small(); return .interval(lo, chance(0.5), lo + Int64(int(0...4)), chance(0.5))
    case 5: return .bare(small())
    case 6: return .not(.compare(pick(["<", ">="]), small()))
    default:
      // An expression over `?`: the named value is often on the left, evaluated before `?` is read,
      // and is often another table, whose own cells set `?` too.
      let tables = policy.named.prefix(o.rank).filter { $0.kind == .table && $0.type == .int }.map { GExpr.ref($0.name) }
      let other = !tables.isEmpty && chance(0.5) ? pick(tables) : expr(.int, depth: 2, [], cellOptions)
      let op = pick(["<", "<=", ">", ">=", "==", "!="])
      switch int(0...2) {
      case 0: return .expression(.binary(op, other, .cell))
      case 1: return .expression(.binary(op, .cell, other))
      default:
        let v = variable()
        return .expression(.comprehension(GComprehension(kind: "exists", range: expr(.ints, depth: 2, [], cellOptions), vars: [v],
                                                         body: .binary("==", .local(v), .cell))))
      }
    }
  }

  /// A few input documents for the policy, as JSON.
  mutating func inputs(count: Int) -> [String] {
    (0..<count).map { _ in
      "{" + policy.records.map { r in
        "\"\(r.name)\": {" + r.fields.map { f in "\"\(f.name)\": " + value(f.type) }.joined(separator: ", ") + "}"
      }.joined(separator: ", ") + "}"
    }
  }

  mutating func value(_ type: GType) -> String {
    switch type {
    case .int: return "\(int(-3...9))"
    case .ints: return "[" + (0..<int(0...4)).map { _ in "\(int(-3...9))" }.joined(separator: ", ") + "]"
    case .strs: return "[" + (0..<int(0...3)).map { _ in "\"" + pick(["a", "ab", "b", "ba", ""]) + "\"" }.joined(separator: ", ") + "]"
    default: return "true"
    }
  }
}
