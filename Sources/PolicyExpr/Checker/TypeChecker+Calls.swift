import PolicySource

extension TypeChecker {
  mutating func visitCall(_ id: NodeID, _ function: String, _ target: Expr?, _ args: [Expr]) -> CELType {
    // `math.round(x)`: a receiver call whose target is a namespace is a global call.
    if let target, let ns = qualifiedName(target), env.functions["\(ns).\(function)"] != nil,
      !scopes.contains(where: { $0.name == ns.split(separator: ".").first.map(String.init) }),
      env.slots[String(ns.split(separator: ".").first ?? "")] == nil
    {
      references[target.id] = .namespace(ns)
      return resolveCall(id, "\(ns).\(function)", receiver: false, args)
    }
    // `math.rond(x)`: a namespace that declares other functions, with a misspelled member.
    if let target, let ns = qualifiedName(target), !ns.hasPrefix("."),
      !scopes.contains(where: { $0.name == ns.split(separator: ".").first.map(String.init) }),
      env.slots[String(ns.split(separator: ".").first ?? "")] == nil,
      env.functions.keys.contains(where: { $0.hasPrefix(ns + ".") })
    {
      let name = "\(ns).\(function)"
      let hint = closestName(name, among: env.functions.keys.filter { $0.hasPrefix(ns + ".") }).map { "did you mean '\($0)'?" }
      for a in args { _ = visit(a) }
      error(id, "undeclared reference to '\(name)'", hint: hint)
      return .error
    }
    guard let target else { return resolveCall(id, function, receiver: false, args) }
    return resolveCall(id, function, receiver: true, [target] + args)
  }

  /// Takes number literals, and literal-only arithmetic around them, as exact decimals: each
  /// literal's text becomes the ``DecimalNumber`` it spells (``DecimalNumber/init(literal:)``, the
  /// one place decimal literals are parsed), or a located error; each operator of the arithmetic
  /// takes its decimal overload.
  mutating func markDecimal(_ candidates: [DecimalCandidate]) {
    for c in candidates {
      for (id, text) in c.literals {
        set(id, .decimal)
        do throws(DecimalLiteralError) {
          decimalLiterals[id] = try DecimalNumber(literal: text)
        } catch {
          self.error(id, error.message(literal: text))
        }
      }
      for (id, name, arity) in c.operations {
        set(id, .decimal)
        overloads[id] = env.functions[name]?.overloads.filter { $0.params == Array(repeating: .decimal, count: arity) } ?? []
      }
    }
  }

  /// Number literals, and the arithmetic made only of them, that a decimal context may take exactly.
  struct DecimalCandidate {
    /// The literals' nodes and their texts as the parser kept them, with a sign when one was
    /// written (`-0.5`).
    var literals: [(id: NodeID, text: String)] = []
    /// The operators joining them (`-_`, `_+_`, `_-_`, `_*_`, `_/_`, `_%_`), innermost first.
    var operations: [(id: NodeID, name: String, arity: Int)] = []
  }

  /// The arithmetic operators a literal-only expression may be made of.
  static let literalArithmetic: Set<String> = ["_+_", "_-_", "_*_", "_/_", "_%_"]

  /// A double literal, possibly negated, or arithmetic made only of number literals
  /// (`1 - 0.05`, `0.1 + 0.2`), that a decimal context takes as decimal arithmetic. An `int`
  /// literal alone stays an `int` (it mixes with decimals exactly); inside such arithmetic it is a
  /// decimal too, so `(1 / 4 + 0.5)` is `0.75`, never integer division.
  func decimalCandidate(_ e: Expr, nested: Bool = false) -> DecimalCandidate? {
    switch e.kind {
    case .literal(.double(_, let text)): return DecimalCandidate(literals: [(e.id, text)])
    case .literal(.int(let v)) where nested: return DecimalCandidate(literals: [(e.id, String(v))])
    case .call(OperatorName.negate, nil, let args) where args.count == 1:
      guard var inner = decimalCandidate(args[0], nested: nested) else { return nil }
      inner.operations.append((e.id, OperatorName.negate, 1))
      return inner
    case .call(let op, nil, let args) where args.count == 2 && Self.literalArithmetic.contains(op):
      guard let a = decimalCandidate(args[0], nested: true), let b = decimalCandidate(args[1], nested: true) else { return nil }
      return DecimalCandidate(literals: a.literals + b.literals, operations: a.operations + b.operations + [(e.id, op, 2)])
    default: return nil
    }
  }

  /// Visits the operands of a call or list. Proviso's decimal rule: number literals, and
  /// arithmetic made only of them, beside a decimal operand are exact decimals taken from their
  /// source text (`amount * 0.9`, `amount * (1 - 0.05)`, `c ? amount : 0.00`), when `decl` (if
  /// any) then has a matching overload; otherwise they are checked as written.
  mutating func visitOperands(_ args: [Expr], decl: FunctionDecl?, receiver: Bool) -> [CELType] {
    var types = [CELType](repeating: .dyn, count: args.count)
    var deferred: [(index: Int, candidate: DecimalCandidate)] = []
    for (i, a) in args.enumerated() {
      if let c = decimalCandidate(a) { deferred.append((i, c)) } else { types[i] = visit(a) }
    }
    if !deferred.isEmpty, types.contains(.decimal) {
      var converted = types
      for d in deferred { converted[d.index] = .decimal }
      if decl.map({ !candidates($0, receiver: receiver, converted).isEmpty }) ?? true {
        markDecimal(deferred.map(\.candidate))
        return converted
      }
    }
    for d in deferred { types[d.index] = visit(args[d.index]) }
    return types
  }

  mutating func resolveCall(_ id: NodeID, _ name: String, receiver: Bool, _ args: [Expr]) -> CELType {
    let argTypes = visitOperands(args, decl: env.functions[name], receiver: receiver)
    if argTypes.contains(.error) { return .error }
    guard let decl = env.functions[name] else {
      if dynamic { return .dyn }  // an unknown function fails when (and if) it is called
      let names = Array(env.functions.keys.filter { !$0.hasPrefix("_") && !$0.hasPrefix("@") })
      let hint = closestName(name, among: names).map { "did you mean '\($0)'?" }
      error(id, "undeclared reference to '\(name)'", hint: hint)
      return .error
    }
    var matches: [(overload: Overload, result: CELType)] = []
    if matches.isEmpty { matches = candidates(decl, receiver: receiver, argTypes) }
    if dynamic {
      let all = decl.overloads.filter { $0.isReceiver == receiver && $0.params.count == args.count }
      if !all.isEmpty, matches.isEmpty || matches.count < all.count {
        overloads[id] = all
        return matches.count == 1 ? matches[0].result : .dyn
      }
    }
    guard !matches.isEmpty else {
      let shown = argTypes.map(\.description).joined(separator: ", ")
      var hint: String? = nil
      if argTypes.contains(.decimal) && argTypes.contains(.double) {
        hint = "money never mixes with binary doubles: convert the double with decimal(x), or write the number as a literal"
      } else if argTypes.contains(.double), let whole = args.lazy.compactMap(Self.intLiteral).first {
        hint = "an int never mixes with a double: write \(whole) as \(whole).0"
      }
      error(id, "found no matching overload for '\(name)' applied to '(\(shown))'", hint: hint)
      return .error
    }
    overloads[id] = matches.map(\.overload)
    var result: CELType? = nil
    for m in matches { result = join(result, m.result) }
    return result ?? .dyn
  }

  /// The text of an int literal (`1`), for the hint of an int mixed with a double.
  static func intLiteral(_ e: Expr) -> String? {
    if case .literal(.int(let v)) = e.kind { return String(v) }
    return nil
  }

  func candidates(_ decl: FunctionDecl, receiver: Bool, _ argTypes: [CELType]) -> [(overload: Overload, result: CELType)] {
    var out: [(Overload, CELType)] = []
    for o in decl.overloads where o.isReceiver == receiver && o.params.count == argTypes.count {
      var subst: [String: CELType] = [:]
      var ok = true
      for (p, a) in zip(o.params, argTypes) where !unify(p, a, &subst) { ok = false; break }
      if ok { out.append((o, substitute(o.result, subst))) }
    }
    // With fully static argument types, prefer exact matches over ones reached through `dyn`.
    if out.count > 1, !argTypes.contains(where: Self.containsDyn) {
      let exact = out.filter { o in zip(o.0.params, argTypes).allSatisfy { p, a in !Self.containsDyn(p) || a == .dyn } }
      if !exact.isEmpty { return exact }
    }
    return out
  }

  static func containsDyn(_ t: CELType) -> Bool {
    switch t {
    case .dyn: true
    case .list(let e): containsDyn(e)
    case .map(let k, let v): containsDyn(k) || containsDyn(v)
    default: false
    }
  }
}
