/// Every resource limit in Proviso, named in one place.
///
/// Each limit is documented in `docs/language.md` / `docs/policy-format.md` and has a test that
/// crosses it and expects a located diagnostic or a clean runtime error, never a crash.
public struct Limits: Sendable, Hashable {
  /// The most bytes of one expression's source text.
  public var maxExpressionBytes = 16_384
  /// The deepest nesting of parentheses, calls, lists and operators in one expression.
  public var maxExpressionNesting = 128
  /// The deepest nesting of YAML collections in a policy file.
  public var maxYAMLNesting = 64
  /// The most bytes of one policy file.
  public var maxPolicyBytes = 4 << 20
  /// How many nodes alias expansion may add to one YAML document ("billion laughs" guard).
  public var maxAliasExpansions = 1_000
  /// The most diagnostics printed; the rest are summarized in one line.
  public var maxDiagnostics = 100
  /// The evaluation cost budget of one policy decision (everything it evaluates: checks, lets,
  /// tables, outputs, rules, alerts), or of one standalone expression evaluation: one unit per
  /// comprehension iteration (nested loops multiply), so macros over big lists stop instead of
  /// hanging. Plain operators are not counted: without loops an expression's cost is bounded by
  /// its size. A policy may set its own with `limits: {cost: N}`, up to ``ceilingEvaluationCost``.
  public var maxEvaluationCost = 1_000_000
  /// The memory budget of one decision (or standalone evaluation): the bytes of the strings,
  /// bytes, lists and maps its functions, literals and comprehensions build, added up (a value
  /// built and dropped still counts). A policy may set its own with `limits: {memory: N}`, up to
  /// ``ceilingEvaluationMemory``.
  public var maxEvaluationMemory = 32 << 20
  /// The highest cost budget a policy's `limits:` may ask for (the service's `--max-decision-cost`).
  public var ceilingEvaluationCost = 10_000_000
  /// The highest memory budget a policy's `limits:` may ask for (the service's `--max-decision-memory`).
  public var ceilingEvaluationMemory = 256 << 20
  /// The longest string or bytes value an evaluation may create.
  public var maxStringBytes = 1 << 20
  /// The longest list or map an evaluation may create.
  public var maxCollectionSize = 100_000
  /// The largest HTTP request body the service accepts.
  public var maxRequestBody = 1 << 20

  /// Creates limits with the defaults.
  public init() {}

  /// The defaults.
  public static let `default` = Limits()
}
