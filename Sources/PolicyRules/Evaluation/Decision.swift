import PolicyExpr

/// The outcome of one policy evaluation, with reasons, outputs, alerts and (when asked) a trace.
public struct Decision: Sendable {
  /// The policy's id.
  public var policy: String
  /// The policy version (content hash) that made the decision.
  public var version: String
  /// Approved, declined, or error (fail closed).
  public var outcome: Outcome
  /// Every failed check and every declining rule, in policy order.
  public var reasons: [Reason]
  /// What could not be evaluated, with where in the policy.
  public var errors: [Failure]
  /// Notes from rules that adjusted outputs.
  public var adjustments: [Reason]
  /// Output values in declaration order; an output that failed is absent (and listed in ``errors``).
  public var outputs: [(name: String, value: Value)]
  /// Alerts that fired.
  public var alerts: [FiredAlert]
  /// The explanation, when requested.
  public var trace: Trace?
  /// What the decision spent of its budgets (``PolicyExpr/Limits/maxEvaluationCost`` steps and
  /// ``PolicyExpr/Limits/maxEvaluationMemory`` bytes), explanation excluded.
  public var usage = Usage()

  /// A decision's spending of its evaluation budgets.
  public struct Usage: Sendable, Hashable {
    /// Evaluation steps (comprehension iterations).
    public var cost = 0
    /// Bytes of values built.
    public var memory = 0
  }

  /// The three outcomes; `error` never approves.
  public enum Outcome: String, Sendable { case approved, declined, error }

  /// A failed check or a declining rule and its message.
  public struct Reason: Sendable, Hashable {
    /// The check or rule id.
    public var id: String
    /// The reason text, placeholders filled in.
    public var message: String
  }

  /// An evaluation error and its place.
  public struct Failure: Sendable, Hashable {
    /// What failed: `check applicant-is-creditor`, `output advance`, `table limit-multiplier`.
    public var source: String
    /// The runtime error message.
    public var message: String
    /// `file:line:col` of the failing node.
    public var location: String?
  }

  /// An alert that fired.
  public struct FiredAlert: Sendable, Hashable {
    /// The id from the policy.
    public var id: String
    /// How urgent it is.
    public var severity: String
    /// The message (with `${}` placeholders).
    public var message: String
  }

  /// An output value by name.
  public func output(_ name: String) -> Value? { outputs.first { $0.name == name }?.value }
}

/// A value recorded in a trace: kept as a value and rendered only when the trace is shown, so
/// explaining a decision costs little more than making it.
public enum TraceValue: Sendable, CustomStringConvertible {
  case value(Value)
  case error(String)
  /// Whether two recorded values are equal (CEL equality; errors by message).
  public func sameAs(_ other: TraceValue) -> Bool {
    switch (self, other) {
    case (.value(let a), .value(let b)): a.celEquals(b)
    case (.error(let a), .error(let b)): a == b
    default: false
    }
  }

  /// The value as a person reads it (`225000.00`, `SUP-17`), or `error: ...`.
  public var description: String {
    switch self {
    case .value(let v): v.displayText
    case .error(let m): "error: \(m)"
    }
  }
}

/// Why a decision came out as it did.
public struct Trace: Sendable {
  /// Every check in order.
  public var checks: [CheckTrace] = []
  /// Every table that was evaluated.
  public var tables: [TableTrace] = []
  /// Every rule.
  public var rules: [RuleTrace] = []
  /// Every alert.
  public var alerts: [AlertTrace] = []
  /// The named values (`let`) the decision computed, in declaration order, with their values.
  public var lets: [(name: String, value: TraceValue)] = []
  /// Every output with the values it was computed from.
  public var outputs: [OutputTrace] = []
  /// The models the policy scores with, and their content hashes.
  public var models: [(id: String, hash: String)] = []

  /// A check's status and the values its comparison saw.
  public struct CheckTrace: Sendable {
    /// The id from the policy.
    public var id: String
    /// `passed`, `failed`, `skipped` (its `when` was false) or `error`.
    public var status: String
    /// The expression that computes it.
    public var expression: String
    /// Each compared operand: its source text and value (or error).
    public var values: [(text: String, value: TraceValue)]
  }

  /// Which rows of a table matched.
  public struct TableTrace: Sendable {
    /// The id from the policy.
    public var id: String
    /// 1-based row numbers.
    public var matchedRows: [Int]
    /// Source lines of the matched rows.
    public var lines: [Int]
    /// The result.
    public var result: TraceValue
    /// The table's column inputs, with the values the rows were matched against.
    public var inputs: [(text: String, value: TraceValue)] = []
  }

  /// An output's value and the values it was computed from.
  public struct OutputTrace: Sendable {
    /// The output's name.
    public var name: String
    /// Its final value (after rules).
    public var value: TraceValue
    /// The names it reads (inputs, constants, `let`s, tables, other outputs), with their values.
    public var values: [(text: String, value: TraceValue)]
  }

  /// Whether a rule fired.
  public struct RuleTrace: Sendable {
    /// The id from the policy.
    public var id: String
    /// Whether it fired.
    public var fired: Bool
    /// The outputs it set, with their values.
    public var changes: [(output: String, value: TraceValue)]
  }

  /// Whether an alert fired, and the values its condition saw.
  public struct AlertTrace: Sendable {
    /// The id from the policy.
    public var id: String
    /// Whether it fired.
    public var fired: Bool
    /// Each compared operand: its source text and value.
    public var values: [(text: String, value: TraceValue)]
  }
}
