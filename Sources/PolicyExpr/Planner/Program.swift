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

/// The compile pipeline's facade: parse, check, plan, fuse.
public struct Compiler: Sendable {
  /// The environment expressions are compiled against.
  public let environment: Environment
  /// Whether the ``Fusion`` pass replaces known shapes of the general plan by their fast forms
  /// (default `true`). Off, programs run the general plan only: tests and the bench compare.
  public var fuse: Bool

  /// Creates a compiler.
  public init(environment: Environment, fuse: Bool = true) { self.environment = environment; self.fuse = fuse }

  /// Compiles `source`, returning the program or every diagnostic (expression-local ranges).
  public func compile(_ source: String, macros: Bool = true) -> (Program?, [Diagnostic]) {
    let (parsed, parseDiagnostics) = ExprParser.parse(source, limits: environment.limits, macros: macros)
    guard let parsed, !parseDiagnostics.hasErrors else { return (nil, parseDiagnostics) }
    let (checked, diagnostics, locals) = TypeChecker.check(parsed, in: environment)
    guard let checked else { return (nil, parseDiagnostics + diagnostics) }
    let (program, planDiagnostics) = planChecked(checked, node: checked.parsed.root, localCount: locals)
    return (planDiagnostics.hasErrors ? nil : program, parseDiagnostics + diagnostics + planDiagnostics)
  }

  /// Plans an already checked expression. A constant argument a function rejects (an invalid
  /// regular expression) fails at evaluation here; ``compile(_:macros:)`` reports it instead.
  public func plan(_ checked: CheckedExpression, localCount: Int) -> Program {
    planChecked(checked, node: checked.parsed.root, localCount: localCount).0
  }

  /// Plans `node` of `checked`: the general plan, then the fusion pass when ``fuse`` is on.
  func planChecked(_ checked: CheckedExpression, node: Expr, localCount: Int) -> (Program, [Diagnostic]) {
    var planner = Planner(checked: checked, env: environment)
    var root = planner.plan(node)
    if fuse { root = Fusion.fuse(root) }
    let program = Program(checked: checked, root: root, variableCount: environment.variables.count, localCount: localCount,
                          limits: environment.limits)
    return (program, planner.diagnostics)
  }

  /// Parses and evaluates without the type checker (every name `dyn`), as CEL's `disable_check`.
  public func compileUnchecked(_ source: String, macros: Bool = true) -> (Program?, [Diagnostic]) {
    let (parsed, parseDiagnostics) = ExprParser.parse(source, limits: environment.limits, macros: macros)
    guard let parsed, !parseDiagnostics.hasErrors else { return (nil, parseDiagnostics) }
    var env = environment
    for v in environment.variables { env.declare(v.name, .dyn, constant: v.constant) }
    let (checked, diagnostics, locals) = TypeChecker.check(parsed, in: env, dynamic: true)
    guard let checked else { return (nil, diagnostics) }
    let (program, planDiagnostics) = Compiler(environment: env, fuse: fuse).planChecked(checked, node: checked.parsed.root, localCount: locals)
    return (planDiagnostics.hasErrors ? nil : program, diagnostics + planDiagnostics)
  }
}

extension Compiler {
  /// Plans one subexpression of a checked expression (used to show a check's operand values).
  public func plan(_ checked: CheckedExpression, node: Expr, localCount: Int) -> Program {
    planChecked(checked, node: node, localCount: localCount).0
  }
}
