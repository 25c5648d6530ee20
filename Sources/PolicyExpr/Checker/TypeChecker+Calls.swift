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

  /// Takes number literals (and the negations around them) as exact decimals: each literal's
  /// text becomes the ``DecimalNumber`` it spells (``DecimalNumber/init(literal:)``, the one
  /// place decimal literals are parsed), or a located error; each negation takes the decimal
  /// overload.
  mutating func markDecimal(_ candidates: [DecimalCandidate]) {
    for c in candidates {
      set(c.literal, .decimal)
      do throws(DecimalLiteralError) {
        decimalLiterals[c.literal] = try DecimalNumber(literal: c.text)
      } catch {
        self.error(c.literal, error.message(literal: c.text))
      }
      let negate = env.functions[OperatorName.negate]?.overloads.filter { $0.params == [.decimal] } ?? []
      for n in c.negations {
        set(n, .decimal)
        overloads[n] = negate
      }
    }
  }

  /// A double literal in a decimal context, and the negations around it, innermost first.
  struct DecimalCandidate {
    /// The literal's node.
    var literal: NodeID
    /// The literal's text as the parser kept it, with its sign when one was written (`-0.5`).
    var text: String
    /// The `-_` calls around the literal (`-(0.5)`).
    var negations: [NodeID] = []
  }

  /// A double literal, possibly negated, that a decimal context may take exactly.
  func decimalCandidate(_ e: Expr) -> DecimalCandidate? {
    switch e.kind {
    case .literal(.double(_, let text)): return DecimalCandidate(literal: e.id, text: text)
    case .call(OperatorName.negate, nil, let args) where args.count == 1:
      guard var inner = decimalCandidate(args[0]) else { return nil }
      inner.negations.append(e.id)
      return inner
    default: return nil
    }
  }

  mutating func resolveCall(_ id: NodeID, _ name: String, receiver: Bool, _ args: [Expr]) -> CELType {
    var argTypes = args.map { visit($0) }
    if argTypes.contains(.error) { return .error }
    guard let decl = env.functions[name] else {
      if dynamic { return .dyn }  // an unknown function fails when (and if) it is called
      let names = Array(env.functions.keys.filter { !$0.hasPrefix("_") && !$0.hasPrefix("@") })
      let hint = closestName(name, among: names).map { "did you mean '\($0)'?" }
      error(id, "undeclared reference to '\(name)'", hint: hint)
      return .error
    }
    var matches: [(overload: Overload, result: CELType)] = []
    if argTypes.contains(.decimal) {
      // Proviso's decimal rule: a number literal in a call with a decimal argument is an exact
      // decimal taken from its source text (`amount * 0.9`, `c ? amount : 0.00`).
      var converted = argTypes
      var literals: [DecimalCandidate] = []
      for (i, a) in args.enumerated() where argTypes[i] == .double {
        if let c = decimalCandidate(a) { converted[i] = .decimal; literals.append(c) }
      }
      if !literals.isEmpty {
        matches = candidates(decl, receiver: receiver, converted)
        if !matches.isEmpty {
          argTypes = converted
          markDecimal(literals)
        }
      }
    }
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
      }
      error(id, "found no matching overload for '\(name)' applied to '(\(shown))'", hint: hint)
      return .error
    }
    overloads[id] = matches.map(\.overload)
    var result: CELType? = nil
    for m in matches { result = join(result, m.result) }
    return result ?? .dyn
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
