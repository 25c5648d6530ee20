import PolicyExpr
import PolicyRules

/// A stream policy compiled for the watcher: the ``CompiledPolicy`` that evaluates one message (or
/// one timer tick) for one device, plus the programs that key and time a message on its own.
///
/// Immutable and `Sendable`. `key`, `time` and each state value's `initial` see only the message,
/// the constants and the functions; everything else sees the whole policy.
public final class StreamPolicy: Sendable {
  /// The policy as it evaluates a single message.
  public let compiled: CompiledPolicy
  /// The policy as a timer tick evaluates it: only the `timer.alerts` (no checks, rules, other
  /// alerts or outputs but the kept values), so a sweep computes only what those alerts need.
  /// `nil` when the policy has no timer alerts.
  public let tickCompiled: CompiledPolicy?
  /// The stream section.
  public let spec: StreamSpec
  /// The record type of one message.
  public let messageType: ObjectType
  /// The record type of the kept values (`state`).
  public let stateType: ObjectType
  /// Each alert's lifecycle settings, in policy order.
  public let alerts: [AlertSpec]
  let key: Program
  let time: Program
  let initial: [Program]
  let messageOnlyVariables: Int
  let messageOnlyConstants: [(Int, Value)]
  let messageOnlyLocals: Int
  /// Indices into ``CompiledPolicy/inputType``'s fields.
  let messageField: Int, previousField: Int, stateField: Int
  let fieldCount: Int
  let payloadDecoder: JSONSchemaDecoder

  /// One alert's stream settings.
  public struct AlertSpec: Sendable {
    /// The alert id.
    public var id: String
    /// Its severity.
    public var severity: String
    /// How long the condition must hold before it fires, in nanoseconds (0: at once).
    public var holdNanos: Int64
    /// Whether timer ticks re-evaluate it.
    public var onTimer: Bool
    /// How a decision names an error of its condition (`alert <id>`).
    var errorSource: String { "alert \(id)" }
  }

  init(compiled: CompiledPolicy, tickCompiled: CompiledPolicy?, spec: StreamSpec, messageType: ObjectType, stateType: ObjectType, alerts: [AlertSpec],
       key: Program, time: Program, initial: [Program], messageOnly: Environment, locals: Int,
       fields: (Int, Int, Int)) {
    self.compiled = compiled; self.tickCompiled = tickCompiled; self.spec = spec; self.messageType = messageType; self.stateType = stateType
    self.alerts = alerts; self.key = key; self.time = time; self.initial = initial
    messageOnlyVariables = messageOnly.variables.count
    messageOnlyConstants = messageOnly.variables.indices.compactMap { i in messageOnly.variables[i].constant.map { (i, $0) } }
    messageOnlyLocals = locals
    (messageField, previousField, stateField) = fields
    fieldCount = compiled.inputType.fields.count
    payloadDecoder = JSONSchemaDecoder(.object(messageType))
  }

  /// The policy id.
  public var id: String { compiled.id }

  /// Prepares a loaded policy for streaming; `nil` with diagnostics when it has no `stream:` section
  /// or its key, time or initial values do not compile against the message alone.
  public static func make(_ compiled: CompiledPolicy) -> (StreamPolicy?, [Diagnostic]) {
    let file = compiled.file
    guard let spec = compiled.policy.stream else {
      return (nil, [Diagnostic(.error, code: .policyMissingKey, message: "policy '\(compiled.id)' has no 'stream:' section",
                               range: SourceRange(at: 0), file: file, hint: "proviso watch runs stream policies; see docs/watch.md")])
    }
    let fields = compiled.inputType.fields
    guard let mi = fields.firstIndex(where: { $0.name == spec.message }), case .object(let messageType) = fields[mi].type,
      let pi = fields.firstIndex(where: { $0.name == "previous" }), let si = fields.firstIndex(where: { $0.name == "state" }),
      case .object(let stateType) = fields[si].type
    else {
      return (nil, [Diagnostic(.error, code: .policyInvalidValue, message: "stream message '\(spec.message)' must be a record input",
                               range: spec.range, file: file)])
    }
    // The message-only environment: the message, the constants, every function.
    var env = Environment(limits: compiled.environment.limits)
    env.declare(spec.message, .object(messageType))
    for v in compiled.environment.variables where v.constant != nil { env.declare(v.name, v.type, constant: v.constant) }
    for (name, f) in compiled.environment.functions.sorted(by: { $0.key < $1.key }) where env.functions[name] == nil { env.declare(f) }
    var diagnostics: [Diagnostic] = []
    var locals = 0
    func program(_ source: ExpressionSource, _ expected: CELType, _ what: String) -> Program? {
      let (p, ds) = Compiler(environment: env).compile(source.text)
      diagnostics += ds.map { $0.located(in: file, mapping: source.mapping) }
      guard let p else { return nil }
      locals = max(locals, p.localCount)
      if p.resultType != expected && p.resultType != .dyn {
        diagnostics.append(Diagnostic(.error, code: .policyExpressionType, message: "\(what) must be \(expected), found '\(p.resultType)'",
                                      range: source.range, file: file, hint: "\(what) sees only '\(spec.message)', the constants and the functions"))
        return nil
      }
      return p
    }
    let key = program(spec.key, .string, "stream key")
    let time = program(spec.time, .timestamp, "stream time")
    let initial = spec.state.map { program($0.initial, $0.type, "initial of state value '\($0.name)'") }
    guard let key, let time, !initial.contains(where: { $0 == nil }), !diagnostics.hasErrors else { return (nil, diagnostics) }
    let alerts = compiled.policy.alerts.map { a in
      AlertSpec(id: a.id, severity: a.severity.rawValue, holdNanos: a.holdFor?.totalNanos ?? 0, onTimer: spec.timerAlerts.contains(a.id))
    }
    // The tick policy: the same file restricted to the timer alerts, compiled by the same compiler.
    var tickCompiled: CompiledPolicy?
    if !spec.timerAlerts.isEmpty {
      var p = compiled.policy
      p.checks = []
      p.rules = []
      p.tests = []
      p.alerts = p.alerts.filter { spec.timerAlerts.contains($0.id) }
      p.outputs = p.outputs.filter { o in spec.state.contains { $0.name == o.name } }
      let (tick, tickDiagnostics) = PolicyCompiler.compile(p, sourceHash: compiled.version, limits: compiled.environment.limits)
      guard let tick, tick.inputType.fields.map(\.name) == compiled.inputType.fields.map(\.name) else {
        return (nil, diagnostics + tickDiagnostics)
      }
      tickCompiled = tick
    }
    let policy = StreamPolicy(compiled: compiled, tickCompiled: tickCompiled, spec: spec, messageType: messageType, stateType: stateType, alerts: alerts,
                              key: key, time: time, initial: initial.map { $0! }, messageOnly: env, locals: locals, fields: (mi, pi, si))
    return (policy, diagnostics)
  }

  /// Evaluates a message-only program on `message`.
  func evaluate(_ program: Program, on message: ObjectValue) throws(EvalError) -> Value {
    let a = Activation(variableCount: messageOnlyVariables, localCount: messageOnlyLocals, limits: compiled.environment.limits)
    a.set(0, .object(message))
    for (slot, v) in messageOnlyConstants { a.set(slot, v) }
    return try program.evaluate(a)
  }

  /// The policy's input document for one evaluation.
  func input(message: ObjectValue, previous: ObjectValue, state: ObjectValue) -> ObjectValue {
    var fields = [Value?](repeating: nil, count: fieldCount)
    fields[messageField] = .object(message)
    fields[previousField] = .object(previous)
    fields[stateField] = .object(state)
    return ObjectValue(type: compiled.inputType, fields: fields)
  }
}
