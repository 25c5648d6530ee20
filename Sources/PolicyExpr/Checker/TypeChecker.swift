import PolicySource

/// Infers and checks the type of every node against an ``Environment``; collects every error.
///
/// Beyond CEL's checker it applies Proviso's decimal rule: a double *literal*, or arithmetic made
/// only of number literals (`1 - 0.05`), in a call whose other arguments include a `decimal` is
/// taken exactly from its source text as decimal arithmetic, while a double *variable* mixed with
/// a decimal is an error suggesting `decimal(x)`.
public struct TypeChecker {
  let env: Environment
  var types: [CELType]
  var references: [NodeID: CheckedExpression.Reference] = [:]
  var overloads: [NodeID: [Overload]] = [:]
  var decimalLiterals: [NodeID: DecimalNumber] = [:]
  var diagnostics: [Diagnostic] = []
  let parsed: ParsedExpression
  /// Comprehension variables in scope, innermost last: name, type, local slot.
  var scopes: [(name: String, type: CELType, slot: Int)] = []
  var nextLocal = 0
  /// Leave type mismatches to runtime (CEL's `disable_check`).
  var dynamic = false
  /// The number of local slots the expression needs (comprehension variables and accumulators).
  public private(set) var localCount = 0

  /// Checks `parsed`; never throws: the diagnostics say what is wrong.
  ///
  /// With `dynamic` (CEL's `disable_check`), type mismatches are left to runtime dispatch and only
  /// undeclared names are errors.
  public static func check(_ parsed: ParsedExpression, in env: Environment, dynamic: Bool = false) -> (CheckedExpression?, [Diagnostic], localCount: Int) {
    var checker = TypeChecker(env: env, parsed: parsed)
    checker.dynamic = dynamic
    _ = checker.visit(parsed.root)
    // A comprehension step is checked twice when its accumulator's type is refined; report once.
    var seen = Set<String>()
    checker.diagnostics = checker.diagnostics.filter { seen.insert("\($0.range.start):\($0.range.end):\($0.message)").inserted }
    let checked = CheckedExpression(
      parsed: parsed, types: checker.types, references: checker.references,
      overloads: checker.overloads, decimalLiterals: checker.decimalLiterals)
    return (checker.diagnostics.hasErrors ? nil : checked, checker.diagnostics, checker.localCount)
  }

  init(env: Environment, parsed: ParsedExpression) {
    self.env = env
    self.parsed = parsed
    self.types = Array(repeating: .dyn, count: parsed.ranges.count)
  }

  mutating func error(_ id: NodeID, _ message: String, hint: String? = nil) {
    diagnostics.append(Diagnostic(.error, code: "expr_check_error", message: message, range: parsed.range(of: id), hint: hint))
  }

  @discardableResult
  mutating func set(_ id: NodeID, _ t: CELType) -> CELType {
    if id.rawValue >= 0 && Int(id.rawValue) < types.count { types[Int(id.rawValue)] = t }
    return t
  }

  mutating func visit(_ e: Expr) -> CELType {
    switch e.kind {
    case .literal(let lit):
      return set(e.id, Self.type(of: lit))
    case .ident(let name):
      return set(e.id, resolveIdent(name, e.id))
    case .select(let operand, let field, let testOnly):
      if !testOnly, let name = qualifiedName(e), let t = resolveQualified(name, e.id) { return set(e.id, t) }
      let ot = visit(operand)
      let ft = selectType(ot, field, e.id, operand: operand)
      return set(e.id, testOnly ? .bool : ft)
    case .call(let function, let target, let args):
      return set(e.id, visitCall(e.id, function, target, args))
    case .list(let elements):
      // `[price, 0.00]`: number literals beside a decimal are decimals, as in calls.
      let types = visitOperands(elements, decl: nil, receiver: false)
      var elem: CELType? = nil
      for t in types { elem = join(elem, t) }
      return set(e.id, .list(elem ?? .dyn))
    case .map(let entries):
      var k: CELType? = nil, v: CELType? = nil
      for entry in entries {
        let kt = visit(entry.key)
        switch kt {
        case .string, .int, .uint, .bool, .dyn, .error, .param: break
        default: error(entry.key.id, "unsupported map key type '\(kt)'")
        }
        k = join(k, kt); v = join(v, visit(entry.value))
      }
      return set(e.id, .map(k ?? .dyn, v ?? .dyn))
    case .comprehension(let c):
      return set(e.id, visitComprehension(c))
    }
  }

  static func type(of lit: Literal) -> CELType {
    switch lit {
    case .null: .null
    case .bool: .bool
    case .int: .int
    case .uint: .uint
    case .double: .double
    case .string: .string
    case .bytes: .bytes
    }
  }

  /// The least common type of two; `dyn` when they differ.
  func join(_ a: CELType?, _ b: CELType) -> CELType {
    guard let a else { return b }
    if a == b { return a }
    if case .error = a { return b }
    if case .error = b { return a }
    if case .null = a, Self.isNullable(b) { return b }
    if case .null = b, Self.isNullable(a) { return a }
    return .dyn
  }

  static func isNullable(_ t: CELType) -> Bool {
    switch t { case .object, .dyn, .optional: true; default: false }
  }

  // MARK: Names

  mutating func resolveIdent(_ name: String, _ id: NodeID) -> CELType {
    if let local = scopes.last(where: { $0.name == name }) {
      references[id] = .local(slot: local.slot)
      return local.type
    }
    let lookup = name.hasPrefix(".") ? String(name.dropFirst()) : name
    for candidate in env.candidates(for: name) {
      if let slot = env.slots[candidate] {
        references[id] = .variable(slot: slot)
        return env.variables[slot].type
      }
    }
    if let t = Self.typeNames[lookup] {
      references[id] = .typeName(t)
      return .type(t)
    }
    if dynamic {
      references[id] = .unbound(lookup)
      return .dyn
    }
    let candidates = (env.variables.map(\.name) + scopes.map(\.name)).filter(Self.isSuggestible)
    let hint = closestName(lookup, among: candidates).map { "did you mean '\($0)'?" }
    error(id, "undeclared reference to '\(lookup)'", hint: hint)
    return .error
  }

  /// Whether a declared name may be offered as "did you mean": a name the author wrote, not a
  /// hidden one of the policy compiler (a table cell's `_`, `?table#slot`).
  public static func isSuggestible(_ name: String) -> Bool {
    guard name != "_", let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
    return name.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
  }

  /// Type names usable as values (`type(x) == int`).
  static let typeNames: [String: CELType] = [
    "int": .int, "uint": .uint, "double": .double, "bool": .bool, "string": .string, "bytes": .bytes,
    "list": .list(.dyn), "map": .map(.dyn, .dyn), "null_type": .null, "type": .type(.dyn),
    "decimal": .decimal,
    "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
  ]

  /// `a.b.c` as one dotted name when the chain is made only of identifiers.
  func qualifiedName(_ e: Expr) -> String? {
    switch e.kind {
    case .ident(let n): return n
    case .select(let operand, let field, false): return qualifiedName(operand).map { "\($0).\(field)" }
    default: return nil
    }
  }

  /// A dotted name that is itself declared (a qualified variable or a type name), unless its
  /// first segment is a variable or local in scope (then it is a field selection).
  mutating func resolveQualified(_ name: String, _ id: NodeID) -> CELType? {
    let first = name.split(separator: ".").first.map(String.init) ?? name
    if !name.hasPrefix("."), scopes.contains(where: { $0.name == first }) { return nil }
    let lookup = name.hasPrefix(".") ? String(name.dropFirst()) : name
    // The longest declared name wins: `x.y` declared beats a field `y` of a variable `x`.
    for candidate in env.candidates(for: name) {
      if let slot = env.slots[candidate] {
        references[id] = .variable(slot: slot)
        return env.variables[slot].type
      }
    }
    if env.candidates(for: first).contains(where: { env.slots[$0] != nil }) { return nil }
    if let t = Self.typeNames[lookup] {
      references[id] = .typeName(t)
      return .type(t)
    }
    return nil
  }

  mutating func selectType(_ t: CELType, _ field: String, _ id: NodeID, operand: Expr) -> CELType {
    if dynamic, case .object = t {} else if dynamic { return .dyn }
    switch t {
    case .object(let o):
      if let slot = o.slots[field] { return o.fields[slot].type }
      let hint = closestName(field, among: o.fields.map(\.name)).map { "did you mean '\($0)'?" }
      error(id, "undefined field '\(field)' of '\(o.name)'", hint: hint)
      return .error
    case .map(let k, let v):
      switch k {
      case .string, .dyn, .param: return v
      default:
        error(id, "type '\(t)' does not support field selection")
        return .error
      }
    case .dyn, .error, .param: return .dyn
    case .optional(let inner):
      return .optional(selectType(inner, field, id, operand: operand))
    default:
      error(id, "type '\(t)' does not support field selection")
      return .error
    }
  }

  // MARK: Comprehensions

  mutating func pushLocal(_ name: String, _ type: CELType) -> Int {
    let slot = nextLocal
    nextLocal += 1
    localCount = max(localCount, nextLocal)
    scopes.append((name, type, slot))
    return slot
  }

  mutating func popLocals(_ n: Int) {
    scopes.removeLast(n)
    nextLocal -= n
  }

  mutating func visitComprehension(_ c: Expr.Comprehension) -> CELType {
    let rangeType = visit(c.iterRange)
    var t1: CELType = .dyn, t2: CELType = .dyn
    switch rangeType {
    case .list(let e): if c.iterVar2 != nil { t1 = .int; t2 = e } else { t1 = e }
    case .map(let k, let v): t1 = k; t2 = v
    case .dyn, .error, .param: break
    default: error(c.iterRange.id, "expression of type '\(rangeType)' cannot be the range of a comprehension (must be list, map, or dynamic)")
    }
    let accuInit = visit(c.accuInit)
    var pushed = 0
    _ = pushLocal(c.iterVar, t1); pushed += 1
    if let v2 = c.iterVar2 { _ = pushLocal(v2, t2); pushed += 1 }
    // The accumulator's type: an empty list or map literal is refined by the step's type.
    var accuType = accuInit
    _ = pushLocal(c.accuVar, accuType); pushed += 1
    let condition = visit(c.loopCondition)
    if !isAssignable(.bool, condition) { error(c.loopCondition.id, "loop condition must be bool, found '\(condition)'") }
    var step = visit(c.loopStep)
    if step != accuType, Self.isEmptyCollection(c.accuInit) {
      accuType = step
      scopes[scopes.count - 1].type = accuType
      step = visit(c.loopStep)
      _ = visit(c.loopCondition)
    }
    let result = visit(c.result)
    popLocals(pushed)
    return result
  }

  static func isEmptyCollection(_ e: Expr) -> Bool {
    switch e.kind {
    case .list(let xs): xs.isEmpty
    case .map(let xs): xs.isEmpty
    default: false
    }
  }

  // MARK: Assignability

  /// Whether a value of type `actual` may be passed where `expected` is declared.
  func isAssignable(_ expected: CELType, _ actual: CELType) -> Bool {
    var subst: [String: CELType] = [:]
    return unify(expected, actual, &subst)
  }

  func unify(_ p: CELType, _ a: CELType, _ subst: inout [String: CELType]) -> Bool {
    switch (p, a) {
    case (.dyn, _), (_, .dyn), (.error, _), (_, .error): return true
    case (.param(let name), _):
      if let bound = subst[name] {
        if bound == a { return true }
        if case .dyn = bound { return true }
        if case .dyn = a { return true }
        // Two numeric types under one parameter widen to dyn (heterogeneous equality).
        // Money never meets a binary double, not even in `==` (use decimal(x)).
        if (bound == .decimal && a == .double) || (bound == .double && a == .decimal) { return false }
        if bound.isNumeric && a.isNumeric { subst[name] = .dyn; return true }
        // Type values are all of kind `type`: `type(1) == type(1u)` is a valid (false) comparison.
        if case .type = bound, case .type = a { subst[name] = .type(.dyn); return true }
        if case .null = a, Self.isNullable(bound) { return true }
        if case .null = bound, Self.isNullable(a) { subst[name] = a; return true }
        var inner = subst
        if unify(bound, a, &inner) { subst = inner; return true }
        return false
      }
      subst[name] = a
      return true
    case (.list(let x), .list(let y)): return unify(x, y, &subst)
    case (.map(let k1, let v1), .map(let k2, let v2)): return unify(k1, k2, &subst) && unify(v1, v2, &subst)
    case (.type(let x), .type(let y)): return unify(x, y, &subst)
    case (.optional(let x), .optional(let y)): return unify(x, y, &subst)
    case (.object, .null): return true
    default: return p == a
    }
  }

  func substitute(_ t: CELType, _ subst: [String: CELType]) -> CELType {
    switch t {
    case .param(let n): return subst[n] ?? .dyn
    case .list(let e): return .list(substitute(e, subst))
    case .map(let k, let v): return .map(substitute(k, subst), substitute(v, subst))
    case .type(let x): return .type(substitute(x, subst))
    case .optional(let x): return .optional(substitute(x, subst))
    default: return t
    }
  }
}

/// The closest candidate to `name` by edit distance, when close enough to be a likely typo.
public func closestName(_ name: String, among candidates: [String]) -> String? {
  let a = Array(name.utf8)
  var best: (String, Int)? = nil
  for c in candidates where c != name {
    let d = editDistance(a, Array(c.utf8))
    if d <= max(1, min(a.count, c.utf8.count) / 3), best == nil || d < best!.1 { best = (c, d) }
  }
  return best?.0
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps
/// (`wehn` is one edit from `when`).
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in 0...a.count { d[i][0] = i }
  for j in 0...b.count { d[0][j] = j }
  for i in 1...a.count {
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
    }
  }
  return d[a.count][b.count]
}
