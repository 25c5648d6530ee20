import Foundation
import PolicyExpr
import PolicyForest

/// Compiles a decoded ``Policy`` into an immutable ``CompiledPolicy``: builds the environment from
/// inputs, constants, models and regions; orders `let`s, tables and outputs by dependency (a cycle
/// is an error); type-checks every expression with positions in the YAML file.
public struct PolicyCompiler {
  let policy: Policy
  var env: Environment
  var diagnostics: [Diagnostic] = []
  /// Comprehension local slots given out so far: every program's window starts where the
  /// previous one's ends (see ``assignWindow(_:)``), and a decision's activation has this many.
  var localSlots = 0
  /// Slots of lazily computed values: lets, tables, outputs.
  var lazySlots: [Int: LazyValue] = [:]
  let directory: URL
  /// Reads the referenced files, confined to the policy's folder (see ``PolicyFileAccess``).
  let files: PolicyFileAccess
  /// The policy's models, for checking `forest.*` calls.
  var models: [String: LoadedModel] = [:]

  init(policy: Policy, limits: Limits, directory: String?, files: PolicyFileAccess? = nil) {
    self.policy = policy
    self.env = Environment(limits: limits)
    self.directory = directory.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: policy.file.path).deletingLastPathComponent()
    self.files = files ?? PolicyFileAccess(base: self.directory.path)
  }

  mutating func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, hint: String? = nil) {
    diagnostics.append(Diagnostic(.error, code: code, message: message, range: range, file: policy.file, hint: hint))
  }

  /// Compiles an expression against the environment as it stands, locating diagnostics in the file.
  mutating func compile(_ source: ExpressionSource, expecting expected: CELType? = nil, what: String) -> CompiledExpression? {
    let (program, ds) = Compiler(environment: env).compile(source.text)
    diagnostics += ds.map { $0.located(in: policy.file, mapping: source.mapping) }
    guard let program else { return nil }
    // A name whose own definition failed to check has the type `error`: that mistake is already
    // reported where it was made, so the expression using it adds no second error.
    if program.resultType == .error {
      if !diagnostics.hasErrors {
        error(.policyExpressionType, "\(what) cannot be checked", source.mapping.fileRange(SourceRange(start: 0, end: Int32(source.text.utf8.count))))
      }
      return nil
    }
    let compiled = CompiledExpression(program: program, source: source, window: assignWindow(program))
    if source.text.contains("forest.") { validateModelCalls(compiled, models: models) }
    if let expected, !Self.accepts(expected, program.resultType) {
      error(.policyExpressionType, "\(what) must be \(expected), found '\(program.resultType)'", source.mapping.fileRange(SourceRange(start: 0, end: Int32(source.text.utf8.count))))
      return nil
    }
    return compiled
  }

  /// Gives `program` a window of comprehension locals of its own: no other program of the policy
  /// uses its slots, so evaluating one program while another is suspended (a `let` computed on
  /// first use inside a loop, a table forced from another table's cell) cannot disturb it. A
  /// program without comprehensions needs no slots and gets window 0.
  mutating func assignWindow(_ program: Program) -> Int {
    guard program.localCount > 0 else { return 0 }
    defer { localSlots += program.localCount }
    return localSlots
  }

  /// The policy's `limits:` replace the decision budgets, up to the ceilings the caller allows.
  mutating func applyPolicyLimits() {
    if let (cost, range) = policy.limits.cost {
      if cost > env.limits.ceilingEvaluationCost {
        error(.policyInvalidValue, "limits.cost \(cost) is above the ceiling of \(env.limits.ceilingEvaluationCost) steps", range,
              hint: "lower it, or raise the ceiling where the policy runs (proviso serve --max-decision-cost)")
      } else {
        env.limits.maxEvaluationCost = cost
      }
    }
    if let (memory, range) = policy.limits.memory {
      if memory > env.limits.ceilingEvaluationMemory {
        error(.policyInvalidValue, "limits.memory \(memory) bytes is above the ceiling of \(env.limits.ceilingEvaluationMemory) bytes", range,
              hint: "lower it, or raise the ceiling where the policy runs (proviso serve --max-decision-memory)")
      } else {
        env.limits.maxEvaluationMemory = memory
      }
    }
  }

  static func accepts(_ expected: CELType, _ actual: CELType) -> Bool {
    actual == expected || actual == .dyn || expected == .dyn
  }

  /// The input schema as record types.
  static func objectType(_ name: String, _ fields: [Policy.Field]) -> ObjectType {
    ObjectType(name: name, fields: fields.map { f in
      // Records are named by their path from the input, as the policy writes them (`receipt.debtor`).
      ObjectType.Field(name: f.name, type: celType(f.type, path: name == "input" ? f.name : "\(name).\(f.name)"), optional: f.optional,
                       allowed: allowed(f.type))
    })
  }

  static func celType(_ t: Policy.FieldType, path: String) -> CELType {
    switch t {
    case .scalar(let c): c
    case .enumeration: .string
    case .record(let fields): .object(objectType(path, fields))
    case .list(let e): .list(celType(e, path: path))
    }
  }

  static func allowed(_ t: Policy.FieldType) -> [String]? {
    if case .enumeration(let values) = t { return values }
    return nil
  }

  /// Loads and compiles a policy; `nil` with diagnostics when anything is wrong.
  ///
  /// Model and GeoJSON paths are relative to `directory`, by default the policy file's folder, and
  /// are read through `files` (by default confined to that folder).
  public static func compile(_ policy: Policy, sourceHash: String, limits: Limits = .default, directory: String? = nil,
                             files: PolicyFileAccess? = nil) -> (CompiledPolicy?, [Diagnostic]) {
    var c = PolicyCompiler(policy: policy, limits: limits, directory: directory, files: files)
    return c.run(sourceHash: sourceHash)
  }

  mutating func run(sourceHash: String) -> (CompiledPolicy?, [Diagnostic]) {
    applyPolicyLimits()
    // Inputs: one variable per top-level input, plus `now`.
    // `now` (the evaluation time) and `explain` (ask for a trace) are optional in every input document.
    let inputType = Self.objectType("input", policy.inputs + [
      Policy.Field(name: "now", type: .scalar(.timestamp), optional: true, range: SourceRange(at: 0)),
      Policy.Field(name: "explain", type: .scalar(.bool), optional: true, range: SourceRange(at: 0)),
    ])
    var inputSlots: [Int] = []
    for f in inputType.fields { inputSlots.append(env.declare(f.name, f.type)) }
    for c in policy.constants { env.declare(c.name, c.type, constant: c.value) }

    var modelHashes: [(String, String)] = []
    models = loadModels(&modelHashes)
    declareReferenceData(&modelHashes)
    let regions = loadRegions()
    for f in GeoLibrary.functions(regions: regions) { env.declare(f) }
    for f in ForestLibrary.functions(models: models) { env.declare(f) }

    let ordered = orderNamedValues()
    var lets: [Int: CompiledExpression] = [:]
    var tables: [DecisionTable] = []
    var outputs: [CompiledOutput] = []
    for item in ordered {
      switch item {
      case .let(let n):
        guard let e = compile(n.expression, what: "let '\(n.name)'") else { env.declare(n.name, .error); continue }
        let slot = env.declare(n.name, e.program.resultType)
        lets[slot] = e
      case .table(let spec):
        guard let t = compileTable(spec) else { env.declare(spec.variableName, .error); continue }
        let slot = env.declare(spec.variableName, t.resultType)
        tables.append(t.withSlot(slot))
      case .output(let n):
        guard let e = compile(n.expression, what: "output '\(n.name)'") else { env.declare(n.name, .error); continue }
        let slot = env.declare(n.name, e.program.resultType)
        outputs.append(CompiledOutput(n.name, slot, e, operands: names(in: e), approvedOnly: n.approvedOnly))
      }
    }

    var checks: [CompiledCheck] = []
    for c in policy.checks {
      // Each part is checked even when another fails: one error per mistake, every mistake reported.
      let require = compile(c.require, expecting: .bool, what: "require of check '\(c.id)'")
      let when = c.when.flatMap { compile($0, expecting: .bool, what: "when of check '\(c.id)'") }
      let reason = compileTemplate(c.reason, what: "reason of check '\(c.id)'")
      guard let require else { continue }
      checks.append(CompiledCheck(id: c.id, require: require, when: when, reason: reason, operands: operands(of: require)))
    }
    var rules: [CompiledRule] = []
    for r in policy.rules {
      guard let when = compile(r.when, expecting: .bool, what: "when of rule '\(r.id)'") else { continue }
      var sets: [CompiledOutput] = []
      for s in r.set {
        guard let slot = outputs.first(where: { $0.name == s.name })?.slot else {
          let hint = closestName(s.name, among: outputs.map(\.name)).map { "did you mean '\($0)'?" }
          error(.policyInvalidValue, "rule '\(r.id)' sets '\(s.name)', which is not an output", s.range, hint: hint)
          continue
        }
        if let e = compileSet(s.expression, outputType: env.variables[slot].type, what: "set '\(s.name)' of rule '\(r.id)'") {
          sets.append(CompiledOutput(s.name, slot, e))
        }
      }
      rules.append(CompiledRule(id: r.id, when: when, sets: sets,
                                reason: r.reason.map { compileTemplate($0, what: "reason of rule '\(r.id)'") },
                                decline: r.decline.map { compileTemplate($0, what: "decline of rule '\(r.id)'") }))
    }
    var alerts: [CompiledAlert] = []
    for a in policy.alerts {
      guard let when = compile(a.when, expecting: .bool, what: "when of alert '\(a.id)'") else { continue }
      alerts.append(CompiledAlert(id: a.id, severity: a.severity, when: when, message: compileTemplate(a.message, what: "message of alert '\(a.id)'"),
                                  operands: operands(of: when)))
    }
    validateTests(outputs: outputs)
    guard !diagnostics.hasErrors else { return (nil, diagnostics) }
    var version = sourceHash
    if !modelHashes.isEmpty {
      version = SHA256.hex(Array((sourceHash + modelHashes.map { "\($0.0)=\($0.1)" }.joined(separator: ",")).utf8))
    }
    let compiled = CompiledPolicy(
      policy: policy, version: version, modelHashes: modelHashes, environment: env, inputType: inputType, inputSlots: inputSlots,
      localCount: localSlots, lets: lets, tables: tables, outputs: outputs, checks: checks, rules: rules, alerts: alerts)
    return (compiled, diagnostics)
  }

  /// A rule's new value for an output: a number literal for a decimal output is an exact decimal
  /// (`set: {new_limit: 0.00}`), and the value must have the output's type.
  mutating func compileSet(_ source: ExpressionSource, outputType: CELType, what: String) -> CompiledExpression? {
    guard let e = compile(source, what: what) else { return nil }
    let t = e.program.resultType
    if outputType == .decimal, t == .double || t == .int,
      let d = try? DecimalNumber(literal: source.text.trimmingCharacters(in: .whitespaces))
    {
      let (p, _) = Compiler(environment: env).compile("decimal(\"\(d)\")")
      if let p { return CompiledExpression(program: p, source: source, window: assignWindow(p)) }
    }
    if !Self.accepts(outputType, t) && !(outputType == .decimal && t == .int) {
      error(.policyExpressionType, "\(what) is a \(t), but the output is a \(outputType)", source.range)
      return nil
    }
    return e
  }

  /// The source text of a subexpression of `e`, as written.
  static func sourceText(of e: CompiledExpression) -> (Expr) -> String {
    let checked = e.program.checked
    let bytes = Array(e.text.utf8)
    return { x in
      let r = checked.parsed.range(of: x.id)
      let lo = max(0, min(Int(r.start), bytes.count)), hi = max(lo, min(Int(r.end), bytes.count))
      return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
  }

  /// Top-level operands of comparisons in a condition, for the explained trace.
  func operands(of e: CompiledExpression) -> [Operand] {
    var out: [Operand] = []
    let compiler = Compiler(environment: env)
    let checked = e.program.checked
    let text = Self.sourceText(of: e)
    func walk(_ x: Expr) {
      guard out.count < 16 else { return }
      switch x.kind {
      case .call("_&&_", nil, let args), .call("_||_", nil, let args): args.forEach(walk)
      case .call("!_", nil, let args): args.forEach(walk)
      case .call(let f, nil, let args) where ["_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "@in"].contains(f):
        for a in args {
          if case .literal = a.kind { continue }
          out.append(Operand(text: text(a), program: compiler.plan(checked, node: a, localCount: e.program.localCount), window: e.window))
        }
      case .literal: break
      default:
        out.append(Operand(text: text(x), program: compiler.plan(checked, node: x, localCount: e.program.localCount), window: e.window))
      }
    }
    walk(checked.parsed.root)
    return out
  }

  /// The names an output reads, outermost first and each once (`receivable.amount`,
  /// `advance_rate`), for the explained trace; comprehension variables are left out.
  func names(in e: CompiledExpression) -> [Operand] {
    var out: [Operand] = []
    var seen = Set<String>()
    let compiler = Compiler(environment: env)
    let checked = e.program.checked
    let text = Self.sourceText(of: e)
    func root(_ x: Expr) -> Expr? {
      switch x.kind {
      case .ident: return x
      case .select(let operand, _, false): return root(operand)
      default: return nil
      }
    }
    func walk(_ x: Expr) {
      guard out.count < 16 else { return }
      if let r = root(x), case .variable? = checked.references[r.id] ?? checked.references[x.id] {
        let t = text(x)
        if seen.insert(t).inserted {
          out.append(Operand(text: t, program: compiler.plan(checked, node: x, localCount: e.program.localCount), window: e.window))
        }
        return
      }
      switch x.kind {
      case .select(let operand, _, _): walk(operand)
      case .call(_, let target, let args): if let target { walk(target) }; args.forEach(walk)
      case .list(let xs): xs.forEach(walk)
      case .map(let entries): for entry in entries { walk(entry.key); walk(entry.value) }
      case .comprehension(let c): walk(c.iterRange); walk(c.accuInit); walk(c.loopStep); walk(c.result)
      case .literal, .ident: break
      }
    }
    walk(checked.parsed.root)
    return out
  }

  mutating func compileTemplate(_ t: Template, what: String) -> CompiledTemplate {
    CompiledTemplate(parts: t.parts.map { part in
      switch part {
      case .text(let s): return .text(s)
      case .expression(let src):
        if let e = compile(src, what: "placeholder in \(what)") { return .expression(e) }
        return .text("")
      }
    })
  }
}
