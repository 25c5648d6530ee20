import PolicyExpr

@testable import PolicyRules

/// Renders a generated expression with every named value inlined: one self-contained CEL
/// expression over the inputs only. Hygienic: every comprehension variable (and every table
/// column) gets a fresh name, so no inlined text can capture or shadow another's variable.
final class Inliner {
  let policy: GeneratedPolicy
  private var counter = 0

  /// An output a rule has set: its new expression, with the overrides in force when it ran.
  final class Override {
    let expression: GExpr
    let snapshot: [String: Override]
    init(_ expression: GExpr, snapshot: [String: Override]) { self.expression = expression; self.snapshot = snapshot }
  }

  /// Outputs set by rules so far.
  var overrides: [String: Override] = [:]

  init(policy: GeneratedPolicy) { self.policy = policy }

  func fresh(_ base: String) -> String {
    counter += 1
    return "\(base)_\(counter)"
  }

  /// `e` with its named values inlined; `cell` is the text of `?`.
  func inline(_ e: GExpr, cell: String? = nil) -> String {
    let ctx = RenderContext(ref: { [unowned self] in self.inline(ref: $0) }, cell: cell ?? "<no cell>", bind: { [unowned self] in self.fresh($0) })
    return render(e, ctx)
  }

  /// The inlined text of a named value, parenthesized.
  func inline(ref name: String) -> String {
    if let o = overrides[name] {
      let saved = overrides
      overrides = o.snapshot
      defer { overrides = saved }
      return "(" + inline(o.expression) + ")"
    }
    guard let n = policy.value(name) else { return "<unknown \(name)>" }
    if let t = n.table { return inline(table: t) }
    return "(" + inline(n.expression!) + ")"
  }

  /// An error of any type: a condition that fails.
  static let failure = "(1 / 0)"

  /// A table as one expression. Each column is computed once, first, as the engine does, and bound
  /// by a one-element `map`: `[column].map(col_1, body)[0]`. A row matches when its cells hold
  /// left to right (a cell after a failing one is not tested; a failing cell test fails the table).
  func inline(table t: GTable) -> String {
    let columns = t.columns.map { _ in fresh("col") }
    func test(_ c: GCell, _ col: String) -> String? {
      switch c {
      case .any: return nil
      case .compare(let op, let k): return "(\(col) \(op == "=" ? "==" : op) \(k))"
      case .interval(let lo, let lc, let hi, let hc): return "(\(col) \(lc ? ">=" : ">") \(lo) && \(col) \(hc ? "<=" : "<") \(hi))"
      case .bare(let k): return "(\(col) == \(k))"
      case .not(let inner): return "!" + (test(inner, col) ?? "true")
      case .expression(let e): return "(" + inline(e, cell: col) + ")"
      }
    }
    func matches(_ row: [GCell]) -> String {
      var acc = "true"
      for (c, cell) in row.enumerated().reversed() {
        if let t = test(cell, columns[c]) { acc = "(\(t) ? \(acc) : false)" }
      }
      return acc
    }
    func output(_ o: GOutputCell) -> String {
      switch o {
      case .constant(let k): return "(\(k))"
      case .expression(let e): return "(" + inline(e) + ")"
      }
    }
    func first(_ otherwise: String) -> String {
      var acc = otherwise
      for row in t.rows.reversed() { acc = "(\(matches(row.cells)) ? \(output(row.output)) : \(acc))" }
      return acc
    }
    // Every row is tested (in order) except under `first`: the row results are bound as a list.
    let ms = fresh("rows")
    func matched(_ r: Int) -> String { "\(ms)[\(r)]" }
    let m = fresh("m")
    let countText = "size(\(ms).filter(\(m), \(m)))"
    func select(_ otherwise: String) -> String {
      var acc = otherwise
      for (r, row) in t.rows.enumerated().reversed() { acc = "(\(matched(r)) ? \(output(row.output)) : \(acc))" }
      return acc
    }
    let fallback = t.defaultValue.map { "(\($0))" } ?? Self.failure
    var body: String
    switch t.hit {
    case "first": body = first(fallback)
    case "unique": body = "(\(countText) > 1 ? \(Self.failure) : \(select(fallback)))"
    case "collect_count": body = countText
    case "collect_sum":
      body = "(\(countText) == 0 ? \(t.defaultValue.map { "(\($0))" } ?? "0") : ("
        + t.rows.indices.map { "(\(matched($0)) ? \(output(t.rows[$0].output)) : 0)" }.joined(separator: " + ") + "))"
    default:  // collect
      body = "(" + t.rows.indices.map { "(\(matched($0)) ? [\(output(t.rows[$0].output))] : [])" }.joined(separator: " + ") + ")"
    }
    if t.hit != "first" { body = "[[" + t.rows.map { matches($0.cells) }.joined(separator: ", ") + "]].map(\(ms), \(body))[0]" }
    for (c, e) in t.columns.enumerated().reversed() { body = "[\(inline(e))].map(\(columns[c]), \(body))[0]" }
    return "(" + body + ")"
  }
}

/// What a decision says, in a form two evaluations can be compared by.
struct Observed: Equatable {
  var outcome = ""
  /// Per check, in order: `id failed`, `id error` or `id ok` (passed or skipped).
  var checks: [String] = []
  /// `id: message` of every failed check and declining rule.
  var reasons: [String] = []
  var adjustments: [String] = []
  /// The sources of the errors (`check c0`, `output o3`), sorted.
  var errors: [String] = []
  /// `name = value`, sorted by name.
  var outputs: [String] = []
  var alerts: [String] = []

  /// The observation of an engine decision.
  init(_ d: Decision, checks ids: [String]) {
    outcome = d.outcome.rawValue
    let failed = Set(d.reasons.map(\.id)), errored = Set(d.errors.map(\.source))
    checks = ids.map { id in failed.contains(id) ? "\(id) failed" : errored.contains("check \(id)") ? "\(id) error" : "\(id) ok" }
    reasons = d.reasons.map { "\($0.id): \(Observed.normalized($0.message))" }
    adjustments = d.adjustments.map { "\($0.id): \(Observed.normalized($0.message))" }
    errors = d.errors.map(\.source).sorted()
    outputs = d.outputs.map { "\($0.name) = \($0.value.displayText)" }.sorted()
    alerts = d.alerts.map { "\($0.id): \(Observed.normalized($0.message))" }
  }

  init() {}

  /// A message with each `<error: ...>` placeholder reduced to `<error>`: messages may differ.
  static func normalized(_ s: String) -> String {
    var out = "", rest = Substring(s)
    while let r = rest.range(of: "<error: ") {
      out += rest[..<r.lowerBound] + "<error>"
      rest = rest[r.upperBound...]
      if let end = rest.firstIndex(of: ">") { rest = rest[rest.index(after: end)...] } else { rest = "" }
    }
    return out + rest
  }

  /// The lines that differ from `other`, for the failure report.
  func difference(_ other: Observed) -> [String] {
    var out: [String] = []
    func compare(_ what: String, _ a: [String], _ b: [String]) {
      if a != b { out.append("\(what):\n      engine:    \(a)\n      reference: \(b)") }
    }
    compare("outcome", [outcome], [other.outcome])
    compare("checks", checks, other.checks)
    compare("reasons", reasons, other.reasons)
    compare("adjustments", adjustments, other.adjustments)
    compare("errors", errors, other.errors)
    compare("outputs", outputs, other.outputs)
    compare("alerts", alerts, other.alerts)
    return out
  }
}

/// The independent evaluation path: every check, output, rule and alert inlined into one CEL
/// expression, compiled by PolicyExpr's ``Compiler`` against an environment that declares only the
/// inputs, and evaluated with every variable bound up front (no lazy value, no shared activation).
/// The decision is then assembled by the steps of docs/policy-format.md §16 and §17.
final class ReferenceEvaluator {
  let policy: GeneratedPolicy
  let compiled: CompiledPolicy
  let compiler: Compiler
  private var programs: [String: Program] = [:]
  /// Expressions that did not compile (a generator or inliner defect, reported as such).
  private(set) var compileFailures: [String] = []

  init(policy: GeneratedPolicy, compiled: CompiledPolicy) {
    self.policy = policy
    self.compiled = compiled
    var limits = Limits()
    // Inlined text repeats each value at every use: room for it, and for its repeated loops.
    limits.maxExpressionBytes = 1 << 20
    limits.maxExpressionNesting = 512
    limits.maxEvaluationCost = 100_000_000
    limits.maxEvaluationMemory = 1 << 32
    var env = Environment(limits: limits)
    for r in policy.records { env.declare(r.name, compiled.environment.type(of: r.name) ?? .dyn) }
    // The general plan only: the engine's fused fast paths are not the reference's.
    compiler = Compiler(environment: env, fuse: false)
  }

  enum Failure: Error { case evaluation(String), compilation }

  func evaluate(_ text: String, _ bindings: [String: Value]) -> Result<Value, Failure> {
    var program = programs[text]
    if program == nil {
      let (p, diagnostics) = compiler.compile(text)
      guard let p else {
        compileFailures.append(text + "\n      " + diagnostics.map(\.message).joined(separator: "; "))
        return .failure(.compilation)
      }
      programs[text] = p
      program = p
    }
    do { return .success(try program!.evaluate(bindings, in: compiler.environment)) } catch {
      return .failure(.evaluation(error.message))
    }
  }

  func render(_ t: GTemplate, _ inliner: Inliner, _ bindings: [String: Value]) -> String {
    var out = ""
    for part in t.parts {
      switch part {
      case .text(let s): out += s
      case .expression(let e):
        switch evaluate(inliner.inline(e), bindings) {
        case .success(let v): out += v.displayText
        case .failure: out += "<error>"
        }
      }
    }
    return out
  }

  /// The decision the policy should make on `input`.
  func decide(_ input: ObjectValue) -> Observed {
    var bindings: [String: Value] = [:]
    for r in policy.records {
      if let slot = compiled.inputType.slots[r.name], let v = input.fields[slot] { bindings[r.name] = v }
    }
    let inliner = Inliner(policy: policy)
    var o = Observed()
    var errors: [String] = []
    func holds(_ e: GExpr) -> Result<Bool, Failure> {
      evaluate(inliner.inline(e), bindings).map { if case .bool(true) = $0 { true } else { false } }
    }

    for c in policy.checks {
      var status = "ok"
      var applies = true
      if let w = c.when {
        switch holds(w) {
        case .failure: status = "error"; applies = false
        case .success(let b): applies = b
        }
      }
      if applies {
        switch holds(c.require) {
        case .failure: status = "error"
        case .success(true): status = "ok"
        case .success(false):
          status = "failed"
          o.reasons.append("\(c.id): \(render(c.reason, inliner, bindings))")
        }
      }
      if status == "error" { errors.append("check \(c.id)") }
      o.checks.append("\(c.id) \(status)")
    }

    var outputs: [String: Value] = [:]
    for i in policy.outputOrder {
      let name = policy.named[i].name
      switch evaluate(inliner.inline(ref: name), bindings) {
      case .success(let v): outputs[name] = v
      case .failure: errors.append("output \(name)")
      }
    }

    ruleLoop: for r in policy.rules {
      guard case .success(let fired) = holds(r.when) else { errors.append("rule \(r.id)"); continue }
      guard fired else { continue }
      for s in r.sets {
        guard case .success(let v) = evaluate(inliner.inline(s.expression), bindings) else {
          errors.append("rule \(r.id)")
          continue ruleLoop
        }
        inliner.overrides[s.output] = Inliner.Override(s.expression, snapshot: inliner.overrides)
        outputs[s.output] = v
      }
      if let decline = r.decline { o.reasons.append("\(r.id): \(render(decline, inliner, bindings))") }
      if let reason = r.reason { o.adjustments.append("\(r.id): \(render(reason, inliner, bindings))") }
    }

    for a in policy.alerts {
      switch holds(a.when) {
      case .failure: errors.append("alert \(a.id)")
      case .success(true): o.alerts.append("\(a.id): \(render(a.message, inliner, bindings))")
      case .success(false): break
      }
    }

    o.outputs = outputs.map { "\($0.key) = \($0.value.displayText)" }.sorted()
    o.errors = errors.sorted()
    o.outcome = !o.reasons.isEmpty ? "declined" : !errors.isEmpty ? "error" : "approved"
    return o
  }
}
