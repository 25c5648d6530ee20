import PolicyExpr

extension Decision {
  /// The decision as one JSON object (the wire form of `proviso run` and the service).
  ///
  /// Decimals are JSON strings (`"225000.00"`) so money never passes through a binary double.
  public func writeJSON(to w: inout JSONWriter, id: String? = nil, extra: [(String, Value)] = []) {
    w.raw("{")
    if let id { w.key("id"); w.writeString(id); w.raw(",") }
    w.key("policy"); w.writeString(policy); w.raw(",")
    w.key("version"); w.writeString(version); w.raw(",")
    w.key("decision"); w.writeString(outcome.rawValue); w.raw(",")
    w.key("reasons"); w.raw("[")
    for (i, r) in reasons.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("check"); w.writeString(r.id); w.raw(","); w.key("reason"); w.writeString(r.message); w.raw("}")
    }
    w.raw("],")
    if !adjustments.isEmpty {
      w.key("adjustments"); w.raw("[")
      for (i, r) in adjustments.enumerated() {
        if i > 0 { w.raw(",") }
        w.raw("{"); w.key("rule"); w.writeString(r.id); w.raw(","); w.key("reason"); w.writeString(r.message); w.raw("}")
      }
      w.raw("],")
    }
    if !errors.isEmpty {
      w.key("errors"); w.raw("[")
      for (i, e) in errors.enumerated() {
        if i > 0 { w.raw(",") }
        w.raw("{"); w.key("source"); w.writeString(e.source); w.raw(",")
        w.key("message"); w.writeString(e.message)
        if let l = e.location { w.raw(","); w.key("location"); w.writeString(l) }
        w.raw("}")
      }
      w.raw("],")
    }
    w.key("outputs"); w.raw("{")
    for (i, o) in outputs.enumerated() {
      if i > 0 { w.raw(",") }
      w.key(o.name); w.write(o.value)
    }
    w.raw("},")
    w.key("alerts"); w.raw("[")
    for (i, a) in alerts.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("id"); w.writeString(a.id); w.raw(","); w.key("severity"); w.writeString(a.severity); w.raw(",")
      w.key("message"); w.writeString(a.message); w.raw("}")
    }
    w.raw("]")
    for (k, v) in extra { w.raw(","); w.key(k); w.write(v) }
    if let trace { w.raw(","); w.key("trace"); trace.writeJSON(to: &w) }
    w.raw("}")
  }

  /// The decision as a JSON string.
  public func jsonString(id: String? = nil) -> String {
    var w = JSONWriter()
    writeJSON(to: &w, id: id)
    return String(decoding: w.bytes, as: UTF8.self)
  }
}

extension Trace {
  func writeJSON(to w: inout JSONWriter) {
    func values(_ vs: [(text: String, value: TraceValue)]) {
      w.raw("[")
      for (i, v) in vs.enumerated() {
        if i > 0 { w.raw(",") }
        w.raw("{"); w.key("expr"); w.writeString(v.text); w.raw(","); w.key("value"); w.writeString(v.value.description); w.raw("}")
      }
      w.raw("]")
    }
    w.raw("{"); w.key("checks"); w.raw("[")
    for (i, c) in checks.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("id"); w.writeString(c.id); w.raw(","); w.key("status"); w.writeString(c.status); w.raw(",")
      w.key("expr"); w.writeString(c.expression); w.raw(","); w.key("values"); values(c.values); w.raw("}")
    }
    w.raw("],"); w.key("tables"); w.raw("[")
    for (i, t) in tables.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("id"); w.writeString(t.id); w.raw(","); w.key("matched_rows"); w.raw("[")
      w.raw(t.matchedRows.map(String.init).joined(separator: ","))
      w.raw("],"); w.key("lines"); w.raw("[" + t.lines.map(String.init).joined(separator: ",") + "],")
      if !t.inputs.isEmpty { w.key("inputs"); values(t.inputs); w.raw(",") }
      w.key("result"); w.writeString(t.result.description); w.raw("}")
    }
    w.raw("],"); w.key("rules"); w.raw("[")
    for (i, r) in rules.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("id"); w.writeString(r.id); w.raw(","); w.key("fired"); w.raw(r.fired ? "true" : "false")
      if !r.changes.isEmpty {
        w.raw(","); w.key("set"); w.raw("{")
        for (j, c) in r.changes.enumerated() { if j > 0 { w.raw(",") }; w.key(c.output); w.writeString(c.value.description) }
        w.raw("}")
      }
      w.raw("}")
    }
    w.raw("],"); w.key("alerts"); w.raw("[")
    for (i, a) in alerts.enumerated() {
      if i > 0 { w.raw(",") }
      w.raw("{"); w.key("id"); w.writeString(a.id); w.raw(","); w.key("fired"); w.raw(a.fired ? "true" : "false"); w.raw(",")
      w.key("values"); values(a.values); w.raw("}")
    }
    w.raw("]")
    if !outputs.isEmpty {
      w.raw(","); w.key("outputs"); w.raw("[")
      for (i, o) in outputs.enumerated() {
        if i > 0 { w.raw(",") }
        w.raw("{"); w.key("name"); w.writeString(o.name); w.raw(","); w.key("value"); w.writeString(o.value.description); w.raw(",")
        w.key("values"); values(o.values); w.raw("}")
      }
      w.raw("]")
    }
    if !lets.isEmpty {
      w.raw(","); w.key("lets"); w.raw("{")
      for (i, l) in lets.enumerated() { if i > 0 { w.raw(",") }; w.key(l.name); w.writeString(l.value.description) }
      w.raw("}")
    }
    if !models.isEmpty {
      w.raw(","); w.key("models"); w.raw("[")
      for (i, m) in models.enumerated() {
        if i > 0 { w.raw(",") }
        w.raw("{"); w.key("id"); w.writeString(m.id); w.raw(","); w.key("hash"); w.writeString(m.hash); w.raw("}")
      }
      w.raw("]")
    }
    w.raw("}")
  }
}

extension JSONWriter {
  /// Appends raw ASCII JSON text.
  @inline(__always)
  mutating func raw(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }
  @inline(__always)
  mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
  /// Appends `"key":`.
  @inline(__always)
  mutating func key(_ k: String) {
    writeString(k)
    bytes.append(UInt8(ascii: ":"))
  }
}

extension Decision {
  /// A multi-line human-readable rendering for the terminal (`proviso run --format table --explain`).
  public func humanText(explain: Bool) -> String {
    var lines = ["\(outcome.rawValue.uppercased())  \(policy)@\(version.prefix(12))"]
    for r in reasons { lines.append("  ✗ \(r.id): \(r.message)") }
    for e in errors { lines.append("  ! \(e.source): \(e.message)\(e.location.map { " (\($0))" } ?? "")") }
    for a in adjustments { lines.append("  ~ \(a.id): \(a.message)") }
    for o in outputs { lines.append("  = \(o.name): \(o.value.displayText)") }
    for a in alerts { lines.append("  ⚠ [\(a.severity)] \(a.id): \(a.message)") }
    if explain, let trace {
      lines.append("  trace:")
      for m in trace.models { lines.append("    model \(m.id): \(m.hash)") }
      for l in trace.lets { lines.append("    let \(l.name) = \(l.value)") }
      for c in trace.checks {
        let vals = c.values.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
        lines.append("    check \(c.id): \(c.status)\(vals.isEmpty ? "" : "  [\(vals)]")")
      }
      for t in trace.tables {
        let vals = t.inputs.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
        lines.append("    table \(t.id): rows \(t.matchedRows.map(String.init).joined(separator: ", ")) (lines \(t.lines.map(String.init).joined(separator: ", ")))\(vals.isEmpty ? "" : "  [\(vals)]") -> \(t.result)")
      }
      for r in trace.rules { lines.append("    rule \(r.id): \(r.fired ? "fired" : "not fired")\(r.changes.isEmpty ? "" : " " + r.changes.map { "\($0.output) := \($0.value)" }.joined(separator: ", "))") }
      for a in trace.alerts {
        let vals = a.values.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
        lines.append("    alert \(a.id): \(a.fired ? "fired" : "quiet")\(vals.isEmpty ? "" : "  [\(vals)]")")
      }
      for o in trace.outputs {
        let vals = o.values.map { "\($0.text) = \($0.value)" }.joined(separator: ", ")
        lines.append("    output \(o.name) = \(o.value)\(vals.isEmpty ? "" : "  [\(vals)]")")
      }
    }
    return lines.joined(separator: "\n")
  }
}
