import PolicyExpr

/// A check ready to evaluate (a class so iterating checks retains one reference, not every field).
final class CompiledCheck: Sendable {
  let id: String
  let require: CompiledExpression
  let when: CompiledExpression?
  let reason: CompiledTemplate
  let operands: [Operand]
  init(id: String, require: CompiledExpression, when: CompiledExpression?, reason: CompiledTemplate, operands: [Operand]) {
    self.id = id; self.require = require; self.when = when; self.reason = reason; self.operands = operands
  }
}

/// A rule ready to evaluate.
final class CompiledRule: Sendable {
  let id: String
  let when: CompiledExpression
  let sets: [CompiledOutput]
  let reason: CompiledTemplate?
  let decline: CompiledTemplate?
  init(id: String, when: CompiledExpression, sets: [CompiledOutput], reason: CompiledTemplate?, decline: CompiledTemplate?) {
    self.id = id; self.when = when; self.sets = sets; self.reason = reason; self.decline = decline
  }
}

/// An alert ready to evaluate.
final class CompiledAlert: Sendable {
  let id: String
  let severity: Policy.Alert.Severity
  let when: CompiledExpression
  let message: CompiledTemplate
  let operands: [Operand]
  init(id: String, severity: Policy.Alert.Severity, when: CompiledExpression, message: CompiledTemplate, operands: [Operand]) {
    self.id = id; self.severity = severity; self.when = when; self.message = message; self.operands = operands
  }
}

/// A named value written to a slot: an output, or a rule's `set` of one.
final class CompiledOutput: Sendable {
  let name: String
  let slot: Int
  let expression: CompiledExpression
  /// The names the expression reads, for the explained trace.
  let operands: [Operand]
  /// Whether the output belongs to approved decisions only (`when: approved`).
  let approvedOnly: Bool
  init(_ name: String, _ slot: Int, _ expression: CompiledExpression, operands: [Operand] = [], approvedOnly: Bool = false) {
    self.name = name; self.slot = slot; self.expression = expression; self.operands = operands; self.approvedOnly = approvedOnly
  }
}

/// A message with `${expr}` placeholders, compiled.
struct CompiledTemplate: Sendable {
  enum Part: Sendable { case text(String), expression(CompiledExpression) }
  let parts: [Part]

  func render(_ a: Activation) -> String {
    var out = ""
    for p in parts {
      switch p {
      case .text(let s): out += s
      case .expression(let e):
        do { out += try e.evaluate(a).displayText } catch { out += "<error: \(error.message)>" }
      }
    }
    return out
  }
}

/// A lazily computed named value.
enum LazyValue: Sendable {
  case expression(CompiledExpression)
  case table(DecisionTable)
}

/// A policy compiled once and evaluated many times, on many threads at once.
///
/// Immutable and `Sendable`: every decision gets its own ``Activation``.
public final class CompiledPolicy: Sendable {
  /// The decoded policy (ids, tests, source positions).
  public let policy: Policy
  /// The version: SHA-256 of the policy source (and of its model files).
  public let version: String
  /// Model ids and their content hashes.
  public let modelHashes: [(String, String)]
  /// The environment every expression was compiled against.
  public let environment: Environment
  /// The record type of a whole input document (each input, plus optional `now`).
  public let inputType: ObjectType
  let inputSlots: [Int]
  /// Comprehension local slots of a decision: the sum of every program's window.
  let localCount: Int
  let lets: [Int: CompiledExpression]
  /// The decision tables, in dependency order.
  public let tables: [DecisionTable]
  let outputs: [CompiledOutput]
  let checks: [CompiledCheck]
  let rules: [CompiledRule]
  let alerts: [CompiledAlert]
  let nowSlot: Int
  /// The input document's `now` and `explain` fields (by slot of ``inputType``).
  let nowField: Int?
  /// The slot of the input document's `explain` field: `true` there asks for a trace.
  public let explainField: Int?
  let resolver: @Sendable (Int, Activation) throws(EvalError) -> Value
  let inputDecoder: JSONSchemaDecoder
  /// Slots computed on first use in every decision: lets, tables, outputs.
  let lazySlots: [Int]

  init(policy: Policy, version: String, modelHashes: [(String, String)], environment: Environment, inputType: ObjectType,
       inputSlots: [Int], localCount: Int, lets: [Int: CompiledExpression], tables: [DecisionTable],
       outputs: [CompiledOutput], checks: [CompiledCheck], rules: [CompiledRule], alerts: [CompiledAlert]) {
    self.policy = policy; self.version = version; self.modelHashes = modelHashes; self.environment = environment
    self.inputType = inputType; self.inputSlots = inputSlots; self.localCount = localCount; self.lets = lets
    self.tables = tables; self.outputs = outputs; self.checks = checks; self.rules = rules; self.alerts = alerts
    nowSlot = environment.slots["now"] ?? -1
    nowField = inputType.slots["now"]
    explainField = inputType.slots["explain"]
    inputDecoder = JSONSchemaDecoder(.object(inputType))
    lazySlots = lets.keys.sorted() + tables.map(\.slot) + outputs.map(\.slot)
    resolver = Self.makeResolver(lets: lets, tables: tables, outputs: outputs, names: environment.variables.map(\.name))
  }

  /// The policy id.
  public var id: String { policy.id }

  /// The file the policy came from.
  public var file: SourceFile { policy.file }

  /// An activation for one evaluation of this policy's expressions: a slot for every variable,
  /// all ready, and the local windows of every program. ``decide(_:now:explain:)`` makes its own.
  public func makeActivation() -> Activation {
    Activation(variableCount: environment.variables.count, localCount: localCount, limits: environment.limits)
  }

  /// Which rows matched, per table, collected during one explained decision.
  final class TableLog { var rows: [Int: [Int]] = [:] }
}
