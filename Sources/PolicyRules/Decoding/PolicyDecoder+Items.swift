import PolicyExpr
import PolicyYAML

extension PolicyDecoder {
  mutating func check(_ node: YAMLNode) -> Policy.Check? {
    guard let f = keys(node, ["id", "require", "reason", "when", "description"], required: ["id", "require", "reason"], context: "check"),
      let idNode = f["id"], let id = identifier(idNode, what: "check id"),
      let reqNode = f["require"], let require = expression(reqNode, what: "require of check '\(id)'"),
      let reasonNode = f["reason"], let reason = template(reasonNode, what: "reason of check '\(id)'")
    else { return nil }
    let when = f["when"].flatMap { expression($0, what: "when of check '\(id)'") }
    return Policy.Check(id: id, require: require, when: when, reason: reason, range: idNode.range)
  }

  mutating func rule(_ node: YAMLNode) -> Policy.Rule? {
    guard let f = keys(node, ["id", "when", "set", "reason", "decline", "description"], required: ["id", "when"], context: "rule"),
      let idNode = f["id"], let id = identifier(idNode, what: "rule id"),
      let whenNode = f["when"], let when = expression(whenNode, what: "when of rule '\(id)'")
    else { return nil }
    let set = f["set"].map { namedExpressions($0, context: "set of rule '\(id)'") } ?? []
    let reason = f["reason"].flatMap { template($0, what: "reason of rule '\(id)'") }
    let decline = f["decline"].flatMap { template($0, what: "decline of rule '\(id)'") }
    if set.isEmpty && decline == nil {
      error(.policyMissingKey, "rule '\(id)' has neither 'set' nor 'decline'", idNode.range)
    }
    return Policy.Rule(id: id, when: when, set: set, reason: reason, decline: decline, range: idNode.range)
  }

  mutating func alert(_ node: YAMLNode) -> Policy.Alert? {
    guard let f = keys(node, ["id", "when", "severity", "message", "description", "for"], required: ["id", "when", "message"], context: "alert"),
      let idNode = f["id"], let id = identifier(idNode, what: "alert id"),
      let whenNode = f["when"], let when = expression(whenNode, what: "when of alert '\(id)'"),
      let messageNode = f["message"], let message = template(messageNode, what: "message of alert '\(id)'")
    else { return nil }
    var severity = Policy.Alert.Severity.warning
    if let s = f["severity"] {
      if let v = s.scalar?.value, let parsed = Policy.Alert.Severity(rawValue: v) {
        severity = parsed
      } else {
        let all = Policy.Alert.Severity.allCases.map(\.rawValue)
        let hint = closestName(s.scalar?.value ?? "", among: all).map { "did you mean '\($0)'?" } ?? "use one of: \(all.joined(separator: ", "))"
        error(.policyInvalidValue, "unknown severity '\(s.scalar?.value ?? "")'", s.range, hint: hint)
      }
    }
    var alert = Policy.Alert(id: id, when: when, severity: severity, message: message, range: idNode.range)
    if let h = f["for"] { alert.holdFor = streamDuration(h, what: "for of alert '\(id)'") }
    return alert
  }

  mutating func table(_ node: YAMLNode) -> DecisionTableSpec? {
    guard let f = keys(node, ["id", "hit", "inputs", "outputs", "rows", "default", "priority", "description"],
                       required: ["id", "inputs", "outputs", "rows"], context: "table"),
      let idNode = f["id"], let id = identifier(idNode, what: "table id"),
      let inputsNode = f["inputs"], let outputsNode = f["outputs"], let rowsNode = f["rows"]
    else { return nil }
    var hit = HitPolicy.first
    if let h = f["hit"] {
      if let v = h.scalar?.value, let parsed = HitPolicy(rawValue: v) {
        hit = parsed
      } else {
        let all = HitPolicy.allCases.map(\.rawValue)
        let hint = closestName(h.scalar?.value ?? "", among: all).map { "did you mean '\($0)'?" } ?? "use one of: \(all.joined(separator: ", "))"
        error(.policyInvalidValue, "unknown hit policy '\(h.scalar?.value ?? "")'", h.range, hint: hint)
      }
    }
    let inputs = list(inputsNode, context: "inputs of table '\(id)'") { d, n in d.expression(n, what: "input of table '\(id)'") }
    let outputs: [(name: String, type: CELType?)] = list(outputsNode, context: "outputs of table '\(id)'") { d, n in
      if n.scalar != nil { return d.variableName(n, what: "output name").map { ($0, nil) } }
      guard let o = d.keys(n, ["name", "type"], required: ["name"], context: "output of table '\(id)'"),
        let nameNode = o["name"], let name = d.variableName(nameNode, what: "output name")
      else { return nil }
      var type: CELType? = nil
      if let t = o["type"] {
        type = t.scalar.flatMap { Self.parseType($0.value) }
        if type == nil { d.error(.policyInvalidType, "unknown type for output '\(name)'", t.range) }
      }
      return (name, type)
    }
    var rows: [[YAMLNode]] = [], rowRanges: [SourceRange] = []
    let width = inputs.count + outputs.count
    for row in rowsNode.sequence ?? [] {
      guard let cells = row.sequence else {
        error(.policyTableError, "a row of table '\(id)' must be a list of cells", row.range, hint: "write rows as [\"< 0.02\", \"-\", 1.30]")
        continue
      }
      if cells.count != width {
        error(.policyTableError, "row of table '\(id)' has \(cells.count) cells, expected \(width) (\(inputs.count) inputs + \(outputs.count) outputs)", row.range)
        continue
      }
      rows.append(cells); rowRanges.append(row.range)
    }
    if rowsNode.sequence == nil { error(.policyTableError, "rows of table '\(id)' must be a list", rowsNode.range) }
    var defaults: [YAMLNode]? = nil
    if let d = f["default"] {
      defaults = d.sequence ?? [d]
      if defaults!.count != outputs.count {
        error(.policyTableError, "default of table '\(id)' has \(defaults!.count) values, expected \(outputs.count)", d.range)
        defaults = nil
      }
    }
    let priority = f["priority"].flatMap(\.sequence)
    if hit == .priority && priority == nil {
      error(.policyMissingKey, "table '\(id)' with hit policy 'priority' needs a 'priority' list of output values, highest first", idNode.range)
    }
    return DecisionTableSpec(id: id, hit: hit, inputs: inputs, outputs: outputs, rows: rows, rowRanges: rowRanges,
                             defaults: defaults, priority: priority, range: idNode.range)
  }

  mutating func testCase(_ node: YAMLNode) -> Policy.TestCase? {
    if node["steps"] != nil { if let t = streamTest(node) { streamTests.append(t) }; return nil }
    guard let f = keys(node, ["name", "now", "input", "base", "expect", "description"], required: ["name", "expect"] + (node["base"] == nil ? ["input"] : []),
                       context: "test"),
      let nameNode = f["name"], let name = string(nameNode, what: "test name"),
      let input = f["input"] ?? f["base"].map({ YAMLNode(kind: .mapping([]), range: $0.range) }), let expectNode = f["expect"],
      let e = keys(expectNode, ["decision", "failed", "outputs", "alerts", "reasons"], context: "expect of test '\(name)'")
    else { return nil }
    var t = Policy.TestCase(name: name, now: f["now"]?.scalar?.value, input: input, expectDecision: nil, expectFailed: nil,
                            expectOutputs: [], expectAlerts: nil, range: nameNode.range)
    if let b = f["base"], let baseName = string(b, what: "base of test '\(name)'") { t.base = (baseName, b.range) }
    for key in ["decision", "failed", "reasons", "alerts", "outputs"] { if let n = e[key] { t.expectNodes[key == "reasons" ? "failed" : key] = n } }
    if let d = e["decision"] {
      let v = d.scalar?.value ?? ""
      let outcomes = ["approved", "declined", "error"]
      if outcomes.contains(v) { t.expectDecision = v } else {
        error(.policyInvalidValue, "expected decision '\(v)' must be approved, declined or error", d.range,
              hint: closestName(v, among: outcomes).map { "did you mean '\($0)'?" })
      }
    }
    if let fl = e["failed"] ?? e["reasons"] { t.expectFailed = stringList(fl, what: "failed check ids") }
    if let a = e["alerts"] { t.expectAlerts = stringList(a, what: "alert ids") }
    if let o = e["outputs"] {
      for pair in o.mapping ?? [] {
        if let n = pair.key.scalar?.value { t.expectOutputs.append((n, pair.value)) }
      }
    }
    return t
  }
}

extension PolicyDecoder {
  /// The `fixtures:` section: named input documents that tests extend with `base:`.
  mutating func fixtures(_ node: YAMLNode?) -> [String: YAMLNode] {
    guard let node else { return [:] }
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "fixtures must be a mapping of names to input documents", node.range)
      return [:]
    }
    var out: [String: YAMLNode] = [:]
    for pair in pairs {
      guard let name = pair.key.scalar?.value else { continue }
      guard pair.value.mapping != nil else {
        error(.policyInvalidValue, "fixture '\(name)' must be a mapping (an input document)", pair.value.range)
        continue
      }
      out[name] = pair.value
    }
    return out
  }

  /// A test whose input extends a fixture: the fixture deep-merged with the test's `input`.
  mutating func extend(_ t: Policy.TestCase, from fixtures: [String: YAMLNode]) -> Policy.TestCase {
    guard let (name, range) = t.base else { return t }
    guard let base = fixtures[name] else {
      error(.policyInvalidValue, "test '\(t.name)' extends fixture '\(name)', which the policy does not define", range,
            hint: closestName(name, among: Array(fixtures.keys)).map { "did you mean '\($0)'?" } ?? "declare it under fixtures:")
      return t
    }
    var extended = t
    extended.input = Self.deepMerge(base, t.input)
    return extended
  }

  /// `over` laid on `base`: mappings merge key by key, recursively; anything else in `over`
  /// (a scalar, a list, `null`) replaces what `base` has there.
  static func deepMerge(_ base: YAMLNode, _ over: YAMLNode) -> YAMLNode {
    guard case .mapping(let b) = base.kind, case .mapping(let o) = over.kind else { return over }
    var pairs: [YAMLNode.Pair] = []
    var overKeys: [String: YAMLNode] = [:]
    for p in o { if let k = p.key.scalar?.value { overKeys[k] = p.value } }
    var seen = Set<String>()
    for p in b {
      guard let k = p.key.scalar?.value else { continue }
      seen.insert(k)
      if let v = overKeys[k] { pairs.append(YAMLNode.Pair(key: p.key, value: deepMerge(p.value, v))) } else { pairs.append(p) }
    }
    for p in o where !seen.contains(p.key.scalar?.value ?? "") { pairs.append(p) }
    return YAMLNode(kind: .mapping(pairs), range: over.range, tag: over.tag)
  }
}
