import PolicySource

/// A compiled expression: immutable, `Sendable`, evaluated many times on many threads.
public final class Program: Sendable {
  /// The checked expression it came from (types, ranges).
  public let checked: CheckedExpression
  /// The root of the evaluation tree.
  public let root: any Interpretable
  /// The number of environment variable slots.
  public let variableCount: Int
  /// The number of comprehension local slots it needs.
  public let localCount: Int
  /// The limits evaluation runs under.
  public let limits: Limits

  init(checked: CheckedExpression, root: any Interpretable, variableCount: Int, localCount: Int, limits: Limits) {
    self.checked = checked; self.root = root; self.variableCount = variableCount
    self.localCount = localCount; self.limits = limits
  }

  /// The static result type.
  public var resultType: CELType { checked.resultType }

  /// Whether the whole expression folded to a constant.
  public var constantValue: Value? { (root as? ConstNode)?.value }

  /// Evaluates against an activation whose variable slots are set.
  @inline(__always)
  public func evaluate(_ activation: Activation) throws(EvalError) -> Value {
    try root.eval(activation)
  }

  /// A fresh activation sized for this program.
  public func makeActivation() -> Activation {
    Activation(variableCount: variableCount, localCount: localCount, limits: limits)
  }

  /// Evaluates with variables given by name (convenience for tools and tests, not the hot path).
  public func evaluate(_ bindings: [String: Value], in env: Environment) throws(EvalError) -> Value {
    let a = makeActivation()
    for (name, value) in bindings { if let slot = env.slots[name] { a.set(slot, value) } }
    for (slot, v) in env.variables.enumerated() where bindings[v.name] == nil && v.constant == nil {
      a.values[slot] = .null
      a.ready[slot] = false
    }
    a.resolver = { slot, _ throws(EvalError) in
      throw EvalError(.undeclared, "no value for variable '\(env.variables[slot].name)'")
    }
    return try root.eval(a)
  }

  /// The source range (expression-local) of the node a runtime error names.
  public func range(of error: EvalError) -> SourceRange { checked.parsed.range(of: error.node) }
}

/// The compile pipeline's facade: parse, check, plan.
public struct Compiler: Sendable {
  /// The environment expressions are compiled against.
  public let environment: Environment

  /// Creates a compiler.
  public init(environment: Environment) { self.environment = environment }

  /// Compiles `source`, returning the program or every diagnostic (expression-local ranges).
  public func compile(_ source: String, macros: Bool = true) -> (Program?, [Diagnostic]) {
    let (parsed, parseDiagnostics) = ExprParser.parse(source, limits: environment.limits, macros: macros)
    guard let parsed, !parseDiagnostics.hasErrors else { return (nil, parseDiagnostics) }
    let (checked, diagnostics, locals) = TypeChecker.check(parsed, in: environment)
    guard let checked else { return (nil, parseDiagnostics + diagnostics) }
    return (plan(checked, localCount: locals), parseDiagnostics + diagnostics)
  }

  /// Plans an already checked expression.
  public func plan(_ checked: CheckedExpression, localCount: Int) -> Program {
    var planner = Planner(checked: checked, env: environment)
    let root = planner.plan(checked.parsed.root)
    return Program(checked: checked, root: root, variableCount: environment.variables.count, localCount: localCount, limits: environment.limits)
  }

  /// Parses and evaluates without the type checker (every name `dyn`), as CEL's `disable_check`.
  public func compileUnchecked(_ source: String, macros: Bool = true) -> (Program?, [Diagnostic]) {
    let (parsed, parseDiagnostics) = ExprParser.parse(source, limits: environment.limits, macros: macros)
    guard let parsed, !parseDiagnostics.hasErrors else { return (nil, parseDiagnostics) }
    var env = environment
    for v in environment.variables { env.declare(v.name, .dyn, constant: v.constant) }
    let (checked, diagnostics, locals) = TypeChecker.check(parsed, in: env, dynamic: true)
    guard let checked else { return (nil, diagnostics) }
    return (Compiler(environment: env).plan(checked, localCount: locals), diagnostics)
  }
}

extension Compiler {
  /// Plans one subexpression of a checked expression (used to show a check's operand values).
  public func plan(_ checked: CheckedExpression, node: Expr, localCount: Int) -> Program {
    var planner = Planner(checked: checked, env: environment)
    let root = planner.plan(node)
    return Program(checked: checked, root: root, variableCount: environment.variables.count, localCount: localCount, limits: environment.limits)
  }
}
