import PolicyExpr

extension CompiledPolicy {
  /// Evaluates the policy on one input document (a record of ``inputType``).
  ///
  /// Never throws: what cannot be evaluated is reported in the decision, and a decision with an
  /// unevaluable check is never approved.
  /// - Parameters:
  ///   - now: the evaluation time when the input has no `now`; the clock is never read.
  ///   - explain: whether to build a ``Trace``.
  ///
  /// Everything one decision evaluates shares one cost budget and one memory budget (the
  /// environment's ``Limits``, or the policy's own `limits:`); past either, the expression being
  /// evaluated fails with `cost_limit_exceeded` or `memory_limit_exceeded` and the decision fails
  /// closed.
  public func decide(_ input: ObjectValue, now: Timestamp? = nil, explain: Bool = false) -> Decision {
    let a = makeActivation()
    for (i, slot) in inputSlots.enumerated() {
      if let v = input.fields[i] { a.set(slot, v) } else { a.markLazy(slot) }
    }
    if nowSlot >= 0, let nowField, input.fields[nowField] == nil, let now { a.set(nowSlot, .timestamp(now)) }
    for slot in lazySlots { a.markLazy(slot) }
    let log = explain ? TableLog() : nil
    a.context = log
    a.resolver = resolver

    var d = Decision(policy: policy.id, version: version, outcome: .approved, reasons: [], errors: [], adjustments: [], outputs: [], alerts: [])
    var trace = explain ? Trace() : nil
    var checkErrors = false

    for c in checks {
      var status = "passed"
      do throws(EvalError) {
        if let when = c.when, case .bool(false) = try located(when, { () throws(EvalError) in try when.evaluate(a) }) {
          status = "skipped"
        } else if case .bool(true) = try located(c.require, { () throws(EvalError) in try c.require.evaluate(a) }) {
          status = "passed"
        } else {
          status = "failed"
          d.reasons.append(.init(id: c.id, message: c.reason.render(a)))
        }
      } catch {
        status = "error"
        checkErrors = true
        d.errors.append(failure("check \(c.id)", error, c.require))
      }
      if trace != nil {
        trace!.checks.append(.init(id: c.id, status: status, expression: c.require.text, values: operandValues(c.operands, a)))
      }
    }

    var outputFailed = false
    for o in outputs {
      // An output for approved decisions only is not computed once a check has declined.
      if o.approvedOnly && !d.reasons.isEmpty { continue }
      do { _ = try a.variable(o.slot) } catch {
        outputFailed = true
        d.errors.append(failure("output \(o.name)", error, o.expression))
      }
    }

    for r in rules {
      var fired = false
      var changes: [(String, TraceValue)] = []
      do throws(EvalError) {
        if case .bool(true) = try r.when.evaluate(a) {
          fired = true
          for set in r.sets {
            let v = try located(set.expression) { () throws(EvalError) in try set.expression.evaluate(a) }
            a.set(set.slot, v)
            if trace != nil { changes.append((set.name, .value(v))) }
          }
          if let decline = r.decline { d.reasons.append(.init(id: r.id, message: decline.render(a))) }
          if let reason = r.reason { d.adjustments.append(.init(id: r.id, message: reason.render(a))) }
        }
      } catch {
        checkErrors = true
        d.errors.append(failure("rule \(r.id)", error, r.when))
      }
      trace?.rules.append(.init(id: r.id, fired: fired, changes: changes))
    }

    d.outputs.reserveCapacity(outputs.count)
    for o in outputs {
      if let v = a.value(o.slot) { d.outputs.append((o.name, v)) }
    }

    for al in alerts {
      var fired = false
      do {
        if case .bool(true) = try al.when.evaluate(a) {
          fired = true
          d.alerts.append(.init(id: al.id, severity: al.severity.rawValue, message: al.message.render(a)))
        }
      } catch {
        d.errors.append(failure("alert \(al.id)", error, al.when))
        checkErrors = true
      }
      if trace != nil { trace!.alerts.append(.init(id: al.id, fired: fired, values: operandValues(al.operands, a))) }
    }

    if !d.reasons.isEmpty {
      d.outcome = .declined
    } else if checkErrors || outputFailed {
      d.outcome = .error
    }
    if d.outcome != .approved, outputs.contains(where: \.approvedOnly) {
      let dropped = Set(outputs.filter(\.approvedOnly).map(\.name))
      d.outputs.removeAll { dropped.contains($0.name) }
    }
    if trace != nil {
      for (slot, _) in lets.sorted(by: { $0.key < $1.key }) {
        if let v = a.value(slot) { trace!.lets.append((environment.variables[slot].name, .value(v))) }
      }
      trace!.models = modelHashes.map { (id: $0.0, hash: $0.1) }
      for o in outputs where !(o.approvedOnly && d.outcome != .approved) {
        let value: TraceValue = a.value(o.slot).map { .value($0) } ?? .error("not computed")
        trace!.outputs.append(.init(name: o.name, value: value, values: operandValues(o.operands, a)))
      }
    }
    if var t = trace, let log {
      for table in tables {
        guard let rows = log.rows[table.slot] else { continue }
        let result: TraceValue = a.value(table.slot).map { .value($0) } ?? .error("not computed")
        var entry = Trace.TableTrace(id: table.id, matchedRows: rows.map { $0 + 1 }, lines: rows.map { table.rowLines[$0] }, result: result)
        entry.inputs = operandValues(table.inputs.map { Operand(text: $0.text, program: $0.program, window: $0.window) }, a)
        t.tables.append(entry)
      }
      trace = t
    }
    d.trace = trace
    d.usage = Decision.Usage(cost: a.meters.cost, memory: a.meters.memory)
    return d
  }

  /// The values of a check's or alert's operands, for the trace. Explaining must not change the
  /// decision, so what this costs is given back to the decision's budgets.
  func operandValues(_ operands: [Operand], _ a: Activation) -> [(text: String, value: TraceValue)] {
    let meters = a.meters
    defer { a.meters = meters }
    return operands.map { o in
      do throws(EvalError) { return (o.text, .value(try a.evaluate(o.program, window: o.window))) } catch { return (o.text, .error(error.message)) }
    }
  }

  func failure(_ source: String, _ error: EvalError, _ e: CompiledExpression) -> Decision.Failure {
    let range = error.fileRange ?? (error.node == .none ? e.source.range : e.fileRange(of: error))
    let loc = policy.file.location(of: range.start)
    return Decision.Failure(source: source, message: error.message, location: "\(policy.file.path):\(loc.line):\(loc.column)")
  }
}

extension CompiledPolicy {
  /// Computes a lazy slot: a `let`, a table, or an output.
  static func makeResolver(lets: [Int: CompiledExpression], tables: [DecisionTable], outputs: [CompiledOutput], names: [String])
    -> @Sendable (Int, Activation) throws(EvalError) -> Value
  {
    // What computes each lazy slot, indexed by slot: no hashing on the decision path.
    var bySlot = [LazyValue?](repeating: nil, count: names.count)
    for (slot, e) in lets { bySlot[slot] = .expression(e) }
    for t in tables where t.slot >= 0 { bySlot[t.slot] = .table(t) }
    for o in outputs { bySlot[o.slot] = .expression(o.expression) }
    let lazy = bySlot
    return { slot, a throws(EvalError) in
      switch lazy[slot] {
      case .expression(let e)?:
        return try located(e) { () throws(EvalError) in try e.evaluate(a) }
      case .table(let t)?:
        var matched: [Int] = []
        defer { (a.context as? TableLog)?.rows[slot] = matched }
        return try t.evaluate(a, matched: &matched)
      case nil:
        if names[slot] == "now" { throw EvalError(.undeclared, "'now' is not set: pass it in the input or with --now") }
        throw EvalError(.noSuchField, "input '\(names[slot])' is absent")
      }
    }
  }
}

/// Runs `body`; an error it throws is located in `e`'s part of the file unless already located.
@inline(__always)
func located(_ e: CompiledExpression, _ body: () throws(EvalError) -> Value) throws(EvalError) -> Value {
  do { return try body() } catch {
    var located = error
    if located.fileRange == nil { located.fileRange = error.node == .none ? e.source.range : e.fileRange(of: error) }
    throw located
  }
}

extension Value {
  /// The value as a person reads it in reasons, messages and traces (`225000.00`, `"S-17"`, `2026-10-01T00:00:00Z`).
  public var displayText: String {
    switch self {
    case .string(let s): s
    case .timestamp(let t): t.rfc3339
    case .duration(let d): d.readableText
    case .list(let xs): "[" + xs.map(\.quotedDisplayText).joined(separator: ", ") + "]"
    case .map(let m): "{" + (0..<m.count).map { "\(m.keys[$0].quotedDisplayText): \(m.values[$0].quotedDisplayText)" }.joined(separator: ", ") + "}"
    case .object(let o): "{" + o.type.fields.indices.compactMap { i in o.fields[i].map { "\(o.type.fields[i].name): \($0.quotedDisplayText)" } }.joined(separator: ", ") + "}"
    case .optional(let box): box.value?.displayText ?? "none"
    default: debugText
    }
  }

  var quotedDisplayText: String {
    if case .string(let s) = self { return "\"\(s)\"" }
    return displayText
  }
}

extension DurationValue {
  /// The duration in days, hours, minutes and seconds, largest first and zero parts left out, as
  /// a person reads it in traces and messages: `90d 4h`, `1h 30m`, `1.5s`, `-2h`, `0s`.
  public var readableText: String {
    let negative = seconds < 0 || nanos < 0
    var rest = seconds.magnitude
    var parts: [String] = []
    for (unit, size) in [("d", UInt64(86_400)), ("h", 3600), ("m", 60)] where rest >= size {
      parts.append("\(rest / size)\(unit)")
      rest %= size
    }
    if rest > 0 || nanos != 0 || parts.isEmpty {
      let fraction = DurationValue(seconds: Int64(rest), nanos: Int32(nanos.magnitude)).secondsText
      parts.append(fraction)
    }
    return (negative ? "-" : "") + parts.joined(separator: " ")
  }
}
