/// Compiles and evaluates one expression with given variables: `proviso eval` and conformance runs.
public enum OneShot {
  /// The outcome of one evaluation: a value, a compile failure (diagnostics), or a runtime error.
  public enum Outcome: Sendable {
    case value(Value, CELType)
    case compileError([Diagnostic])
    case runtimeError(EvalError, SourceRange)
  }

  /// Evaluates `source` with `bindings`; variables are typed by `types`, else by their values
  /// (`dyn` for collections). With `checked: false`, type checking is relaxed as in CEL's `disable_check`.
  public static func evaluate(
    _ source: String, bindings: [String: Value] = [:], types: [String: CELType] = [:], checked: Bool = true,
    macros: Bool = true, container: String? = nil, limits: Limits = .default
  ) -> Outcome {
    var env = Environment(limits: limits)
    env.container = container
    for (name, type) in types.sorted(by: { $0.key < $1.key }) { env.declare(name, type) }
    for (name, value) in bindings.sorted(by: { $0.key < $1.key }) where types[name] == nil {
      env.declare(name, staticType(of: value))
    }
    let compiler = Compiler(environment: env)
    let (program, diagnostics) = checked ? compiler.compile(source, macros: macros) : compiler.compileUnchecked(source, macros: macros)
    guard let program else { return .compileError(diagnostics) }
    do {
      return .value(try program.evaluate(bindings, in: checked ? env : compilerEnvironment(compiler, checked: checked)), program.resultType)
    } catch {
      return .runtimeError(error, program.range(of: error))
    }
  }

  static func compilerEnvironment(_ c: Compiler, checked: Bool) -> Environment {
    var env = c.environment
    for v in c.environment.variables { env.declare(v.name, .dyn, constant: v.constant) }
    return env
  }

  /// A value's type as far as it can be told without a declaration.
  static func staticType(of v: Value) -> CELType {
    switch v {
    case .list, .map, .optional, .object: .dyn
    default: v.runtimeType
    }
  }
}
