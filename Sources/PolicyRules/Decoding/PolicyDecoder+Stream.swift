import PolicyExpr
import PolicyYAML

/// The stream sections: `stream:`, `data:`, stream tests (`steps:`) and alerts' `for:`.
extension PolicyDecoder {
  static let streamKeys = ["message", "key", "time", "state", "timer", "max_future", "description"]

  /// Decodes `stream:` and `data:` and adds the stream's implicit parts to `p` (see ``StreamSpec``).
  mutating func streamSections(_ fields: [String: YAMLNode], into p: inout Policy) {
    if let n = fields["data"] { p.data = dataSources(n) }
    if let n = fields["stream"] { p.stream = stream(n, policy: p) }
    guard var s = p.stream else {
      if let t = streamTests.first {
        error(.policyInvalidValue, "test '\(t.name)' has steps, but the policy has no 'stream:' section", t.range)
      }
      for a in p.alerts where a.holdFor != nil {
        error(.policyInvalidValue, "alert '\(a.id)' has 'for:', which needs a 'stream:' section", a.range,
              hint: "'for:' is how long the condition must hold across messages; a single record has no time to hold")
      }
      return
    }
    s.tests = streamTests
    for id in s.timerAlerts where !p.alerts.contains(where: { $0.id == id }) {
      let hint = closestName(id, among: p.alerts.map(\.id)).map { "did you mean '\($0)'?" }
      error(.policyInvalidValue, "timer alert '\(id)' is not an alert of this policy", s.range, hint: hint)
    }
    // The implicit parts: the previous message, the kept values before this message, the event
    // time, and each kept value after this message.
    if let message = p.inputs.first(where: { $0.name == s.message }) {
      p.inputs.append(Policy.Field(name: "previous", type: message.type, optional: false, range: s.range))
    }
    let stateFields = s.state.map { Policy.Field(name: $0.name, type: .scalar($0.type), optional: false, range: $0.range) }
    p.inputs.append(Policy.Field(name: "state", type: .record(stateFields), optional: false, range: s.range))
    p.lets.append(Policy.Named(name: "event_time", expression: s.time, range: s.time.range))
    for v in s.state { p.outputs.append(Policy.Named(name: v.name, expression: v.update, range: v.range)) }
    p.stream = s
  }

  mutating func stream(_ node: YAMLNode, policy p: Policy) -> StreamSpec? {
    guard let f = keys(node, Self.streamKeys, required: ["message", "key", "time"], context: "stream"),
      let messageNode = f["message"], let message = variableName(messageNode, what: "stream message input"),
      let keyNode = f["key"], let key = expression(keyNode, what: "stream key"),
      let timeNode = f["time"], let time = expression(timeNode, what: "stream time")
    else { return nil }
    guard let input = p.inputs.first(where: { $0.name == message }) else {
      let hint = closestName(message, among: p.inputs.map(\.name)).map { "did you mean '\($0)'?" } ?? "declare the message under 'inputs:'"
      error(.policyInvalidValue, "stream message '\(message)' is not an input", messageNode.range, hint: hint)
      return nil
    }
    if case .record = input.type {} else {
      error(.policyInvalidValue, "stream message '\(message)' must be a record input", messageNode.range)
    }
    var s = StreamSpec(message: message, key: key, time: time, state: [], tick: nil, timerAlerts: [], maxFuture: nil, tests: [], range: node.range)
    if let n = f["state"] { s.state = stateValues(n) }
    if let n = f["max_future"] { s.maxFuture = streamDuration(n, what: "max_future") }
    if let n = f["timer"], let t = keys(n, ["every", "alerts"], required: ["alerts"], context: "stream timer") {
      if let e = t["every"] { s.tick = streamDuration(e, what: "timer every") }
      if let a = t["alerts"] { s.timerAlerts = stringList(a, what: "timer alerts") ?? [] }
    }
    if let tick = s.tick, tick.seconds < 1 {
      error(.policyInvalidValue, "timer every must be at least 1s", f["timer"]?.range ?? node.range)
    }
    return s
  }

  mutating func stateValues(_ node: YAMLNode) -> [StreamSpec.StateValue] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "stream state must be a mapping of names to {type, initial, update}", node.range)
      return []
    }
    return pairs.compactMap { pair in
      guard let name = variableName(pair.key, what: "state value name"),
        let f = keys(pair.value, ["type", "initial", "update", "description"], required: ["type", "initial", "update"], context: "state value '\(name)'"),
        let typeNode = f["type"], let initialNode = f["initial"], let updateNode = f["update"]
      else { return nil }
      guard let typeName = typeNode.scalar?.value, let type = Self.parseType(typeName) else {
        error(.policyInvalidType, "unknown type for state value '\(name)'", typeNode.range)
        return nil
      }
      guard let initial = expression(initialNode, what: "initial of state value '\(name)'"),
        let update = expression(updateNode, what: "update of state value '\(name)'")
      else { return nil }
      return StreamSpec.StateValue(name: name, type: type, initial: initial, update: update, range: pair.key.range)
    }
  }

  mutating func dataSources(_ node: YAMLNode) -> [DataSource] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "data must be a mapping of names to {csv: FILE, key: COLUMN} or {json: FILE}", node.range)
      return []
    }
    return pairs.compactMap { pair in
      guard let name = variableName(pair.key, what: "data name"),
        let f = keys(pair.value, ["csv", "json", "key", "description"], context: "data '\(name)'")
      else { return nil }
      if let c = f["csv"], let path = string(c, what: "csv path") {
        guard let k = f["key"], let key = string(k, what: "key column") else {
          error(.policyMissingKey, "data '\(name)' is a CSV file and needs 'key:', the column that keys each row", pair.value.range)
          return nil
        }
        return DataSource(name: name, path: path, format: .csv, key: key, range: c.range)
      }
      if let j = f["json"], let path = string(j, what: "json path") {
        return DataSource(name: name, path: path, format: .json, key: nil, range: j.range)
      }
      error(.policyMissingKey, "data '\(name)' needs 'csv:' or 'json:'", pair.value.range)
      return nil
    }
  }

  /// A duration such as `24h` or `90s`.
  mutating func streamDuration(_ node: YAMLNode, what: String) -> DurationValue? {
    guard let text = node.scalar?.value, let d = try? DurationValue(parsing: text), d.seconds >= 0 else {
      error(.policyInvalidValue, "\(what) must be a duration such as 30s, 10m or 24h", node.range)
      return nil
    }
    return d
  }

  /// A time in a stream test: RFC 3339 text or Unix seconds.
  mutating func streamTime(_ node: YAMLNode, what: String) -> Timestamp? {
    if let i = node.int { return Timestamp(seconds: Int64(i)) }
    if let text = node.scalar?.value, let t = try? Timestamp(parsing: text) { return t }
    error(.policyInvalidValue, "\(what) must be an RFC 3339 time (2026-01-01T00:00:00Z) or Unix seconds", node.range)
    return nil
  }

  mutating func streamTest(_ node: YAMLNode) -> StreamTest? {
    guard let f = keys(node, ["name", "steps", "description"], required: ["name", "steps"], context: "stream test"),
      let nameNode = f["name"], let name = string(nameNode, what: "test name"), let stepsNode = f["steps"]
    else { return nil }
    let steps: [StreamTest.Step] = list(stepsNode, context: "steps of test '\(name)'") { d, step in
      guard let s = d.keys(step, ["message", "topic", "tick", "expect", "reject"], context: "step of test '\(name)'") else { return nil }
      let action: StreamTest.Action
      if let m = s["message"] {
        action = .message(payload: m, topic: s["topic"].flatMap { d.string($0, what: "topic") })
      } else if let t = s["tick"] {
        guard let at = d.streamTime(t, what: "tick") else { return nil }
        action = .tick(at)
      } else {
        d.error(.policyMissingKey, "a step needs 'message:' or 'tick:'", step.range)
        return nil
      }
      let expect: [StreamTest.ExpectedEvent] = s["expect"].map { e in
        d.list(e, context: "expect of a step") { d, item in d.expectedEvent(item) }
      } ?? []
      let reject = s["reject"].flatMap { d.string($0, what: "reject") }
      return StreamTest.Step(action: action, expect: expect, reject: reject, range: step.range)
    }
    return StreamTest(name: name, steps: steps, range: nameNode.range)
  }

  mutating func expectedEvent(_ node: YAMLNode) -> StreamTest.ExpectedEvent? {
    guard let f = keys(node, ["alert", "event", "device", "at", "message"], required: ["alert", "event"], context: "expected event"),
      let alert = f["alert"].flatMap({ string($0, what: "alert") }), let event = f["event"].flatMap({ string($0, what: "event") })
    else { return nil }
    guard event == "firing" || event == "resolved" else {
      error(.policyInvalidValue, "expected event '\(event)' must be firing or resolved", f["event"]!.range)
      return nil
    }
    var e = StreamTest.ExpectedEvent(alert: alert, event: event)
    e.device = f["device"].flatMap { string($0, what: "device") }
    e.at = f["at"].flatMap { streamTime($0, what: "at") }
    e.messageContains = f["message"].flatMap { string($0, what: "message") }
    return e
  }
}
