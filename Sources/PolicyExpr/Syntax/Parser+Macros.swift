import PolicySource

extension Parser {
  /// A call node, or its macro expansion when macros are on and `name`/arity is a macro.
  ///
  /// - Parameters:
  ///   - range: the whole call, from the target (or name) to the `)`.
  ///   - operatorRange: where a nesting error is reported (the `.` or the name).
  ///   - expandMacros: `false` when the arguments had errors, so a macro does not add its own.
  mutating func makeCall(
    _ name: String, target: Expr?, args: [Expr], _ range: SourceRange, at operatorRange: SourceRange,
    expandMacros: Bool
  ) throws(ParseAbort) -> Expr {
    if macros, expandMacros, let expanded = expandMacro(name, target: target, args: args, range) {
      try checkHeight(height(expanded), at: operatorRange)
      return expanded
    }
    var h = target.map { height($0) } ?? 0
    for arg in args { h = max(h, height(arg)) }
    try checkHeight(h + 1, at: operatorRange)
    return node(.call(function: name, target: target, args: args), range, height: h + 1)
  }

  /// The expansion of a macro call, or `nil` when `name` with this arity is not a macro.
  ///
  /// Expansions follow cel-go (`parser/macro.go`, and `ext/comprehensions.go` for the two-variable
  /// forms). Synthesized nodes get fresh ids whose range is the whole macro call.
  private mutating func expandMacro(_ name: String, target: Expr?, args: [Expr], _ range: SourceRange) -> Expr? {
    guard let target else {
      guard name == "has", args.count == 1 else { return nil }
      guard case .select(let operand, let field, false) = args[0].kind else {
        report(.invalidHasArgument, at: range)
        return errorNode(range)
      }
      return node(.select(operand: operand, field: field, testOnly: true), range, height: height(args[0]))
    }
    var synthesis = MacroSynthesis(range: range)
    switch (name, args.count) {
    case ("all", 2), ("exists", 2), ("exists_one", 2), ("existsOne", 2):
      guard let variable = iterationVariable(args[0]) else { return errorNode(range) }
      return quantifier(name, target: target, variable, nil, predicate: args[1], &synthesis)
    case ("all", 3), ("exists", 3), ("exists_one", 3), ("existsOne", 3):
      guard let (first, second) = iterationVariables(args[0], args[1]) else { return errorNode(range) }
      return quantifier(name, target: target, first, second, predicate: args[2], &synthesis)
    case ("map", 2), ("map", 3):
      guard let variable = iterationVariable(args[0]) else { return errorNode(range) }
      let filter = args.count == 3 ? args[1] : nil
      return transformList(target: target, variable, nil, filter: filter, transform: args[args.count - 1], &synthesis)
    case ("filter", 2):
      guard let variable = iterationVariable(args[0]) else { return errorNode(range) }
      return filterList(target: target, variable, element: args[0], predicate: args[1], &synthesis)
    case ("transformList", 3), ("transformList", 4):
      guard let (first, second) = iterationVariables(args[0], args[1]) else { return errorNode(range) }
      let filter = args.count == 4 ? args[2] : nil
      return transformList(target: target, first, second, filter: filter, transform: args[args.count - 1], &synthesis)
    case ("transformMap", 3), ("transformMap", 4):
      guard let (first, second) = iterationVariables(args[0], args[1]) else { return errorNode(range) }
      let filter = args.count == 4 ? args[2] : nil
      return transformMap(target: target, first, second, filter: filter, transform: args[args.count - 1], &synthesis)
    default:
      return nil
    }
  }

  /// The name of a simple identifier argument, or `nil` after reporting the error.
  private mutating func iterationVariable(_ arg: Expr) -> String? {
    guard case .ident(let name) = arg.kind, !name.hasPrefix(".") else {
      report(.simpleNameRequired, at: range(arg))
      return nil
    }
    return name
  }

  /// The two distinct names of a two-variable macro, or `nil` after reporting the error.
  private mutating func iterationVariables(_ a: Expr, _ b: Expr) -> (String, String)? {
    guard let first = iterationVariable(a), let second = iterationVariable(b) else { return nil }
    guard first != second else {
      report(.duplicateVariable(second), at: range(b))
      return nil
    }
    return (first, second)
  }

  /// `all`: `@result = true; loop while @not_strictly_false(@result); @result = @result && p`.
  /// `exists`: `@result = false; loop while @not_strictly_false(!@result); @result = @result || p`.
  /// `exists_one`: `@result = 0; loop always; @result = p ? @result + 1 : @result; @result == 1`.
  private mutating func quantifier(
    _ name: String, target: Expr, _ first: String, _ second: String?, predicate: Expr,
    _ s: inout MacroSynthesis
  ) -> Expr {
    let initial: Expr
    let condition: Expr
    let step: Expr
    let result: Expr
    switch name {
    case "all":
      initial = s.literal(.bool(true), &self)
      condition = s.call(OperatorName.notStrictlyFalse, [s.accumulator(&self)], &self)
      step = s.call(OperatorName.logicalAnd, [s.accumulator(&self), predicate], &self)
      result = s.accumulator(&self)
    case "exists":
      initial = s.literal(.bool(false), &self)
      let notAccumulator = s.call(OperatorName.logicalNot, [s.accumulator(&self)], &self)
      condition = s.call(OperatorName.notStrictlyFalse, [notAccumulator], &self)
      step = s.call(OperatorName.logicalOr, [s.accumulator(&self), predicate], &self)
      result = s.accumulator(&self)
    default:
      initial = s.literal(.int(0), &self)
      condition = s.literal(.bool(true), &self)
      let increment = s.call(OperatorName.add, [s.accumulator(&self), s.literal(.int(1), &self)], &self)
      step = s.call(OperatorName.conditional, [predicate, increment, s.accumulator(&self)], &self)
      result = s.call(OperatorName.equals, [s.accumulator(&self), s.literal(.int(1), &self)], &self)
    }
    return s.comprehension(
      first, second, range: target, initial: initial, condition: condition, step: step, result: result, &self)
  }

  /// `map` and `transformList`: `@result = []; @result = [filter ?] @result + [f] [: @result]`.
  private mutating func transformList(
    target: Expr, _ first: String, _ second: String?, filter: Expr?, transform: Expr, _ s: inout MacroSynthesis
  ) -> Expr {
    let appended = s.list([transform], &self)
    var step = s.call(OperatorName.add, [s.accumulator(&self), appended], &self)
    if let filter { step = s.call(OperatorName.conditional, [filter, step, s.accumulator(&self)], &self) }
    return s.comprehension(
      first, second, range: target, initial: s.list([], &self), condition: s.literal(.bool(true), &self),
      step: step, result: s.accumulator(&self), &self)
  }

  /// `filter`: `@result = []; @result = p ? @result + [x] : @result` (the `[x]` reuses the argument node).
  private mutating func filterList(
    target: Expr, _ variable: String, element: Expr, predicate: Expr, _ s: inout MacroSynthesis
  ) -> Expr {
    let appended = s.list([element], &self)
    let add = s.call(OperatorName.add, [s.accumulator(&self), appended], &self)
    let step = s.call(OperatorName.conditional, [predicate, add, s.accumulator(&self)], &self)
    return s.comprehension(
      variable, nil, range: target, initial: s.list([], &self), condition: s.literal(.bool(true), &self),
      step: step, result: s.accumulator(&self), &self)
  }

  /// `transformMap`: `@result = {}; @result = [filter ?] cel.@mapInsert(@result, k, f) [: @result]`.
  private mutating func transformMap(
    target: Expr, _ first: String, _ second: String, filter: Expr?, transform: Expr, _ s: inout MacroSynthesis
  ) -> Expr {
    let key = s.ident(first, &self)
    var step = s.call(OperatorName.mapInsert, [s.accumulator(&self), key, transform], &self)
    if let filter { step = s.call(OperatorName.conditional, [filter, step, s.accumulator(&self)], &self) }
    return s.comprehension(
      first, second, range: target, initial: s.map(&self), condition: s.literal(.bool(true), &self),
      step: step, result: s.accumulator(&self), &self)
  }
}

/// Builds the nodes of one macro expansion, all with the macro call's range.
private struct MacroSynthesis {
  let range: SourceRange

  func accumulator(_ p: inout Parser) -> Expr { p.node(.ident(accumulatorName), range) }

  func ident(_ name: String, _ p: inout Parser) -> Expr { p.node(.ident(name), range) }

  func literal(_ literal: Literal, _ p: inout Parser) -> Expr { p.node(.literal(literal), range) }

  func call(_ function: String, _ args: [Expr], _ p: inout Parser) -> Expr {
    var h: Int32 = 0
    for arg in args { h = max(h, p.height(arg)) }
    return p.node(.call(function: function, target: nil, args: args), range, height: h + 1)
  }

  func list(_ elements: [Expr], _ p: inout Parser) -> Expr {
    var h: Int32 = 0
    for e in elements { h = max(h, p.height(e)) }
    return p.node(.list(elements), range, height: h + 1)
  }

  func map(_ p: inout Parser) -> Expr { p.node(.map([]), range) }

  func comprehension(
    _ first: String, _ second: String?, range iterRange: Expr, initial: Expr, condition: Expr, step: Expr,
    result: Expr, _ p: inout Parser
  ) -> Expr {
    let h = max(p.height(iterRange), p.height(initial), p.height(condition), p.height(step), p.height(result)) + 1
    let comprehension = Expr.Comprehension(
      iterVar: first, iterVar2: second, iterRange: iterRange, accuVar: accumulatorName, accuInit: initial,
      loopCondition: condition, loopStep: step, result: result)
    return p.node(.comprehension(comprehension), range, height: h)
  }
}
