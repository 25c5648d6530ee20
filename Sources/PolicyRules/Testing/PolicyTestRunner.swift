import PolicyExpr
import PolicyYAML

/// Runs a policy's own tests and measures what they cover.
public struct PolicyTestRunner {
  /// The result of one test case.
  public struct Result: Sendable {
    /// The test's name.
    public var name: String
    /// Mismatches as "expected X, got Y" lines; empty when the test passed.
    public var failures: [String]
    /// Where the test is declared (`file:line`).
    public var location: String
    /// Whether it passed.
    public var passed: Bool { failures.isEmpty }
  }

  /// Elements no test reached: checks that never failed, rows never matched, rules never fired,
  /// alerts never raised.
  public struct Coverage: Sendable {
    /// Checks that never failed in any test.
    public var uncoveredChecks: [String] = []
    /// Table rows never matched.
    public var uncoveredRows: [String] = []
    /// Rules that never fired.
    public var uncoveredRules: [String] = []
    /// Alerts never raised.
    public var uncoveredAlerts: [String] = []
    /// Whether every element was reached.
    public var isComplete: Bool { uncoveredChecks.isEmpty && uncoveredRows.isEmpty && uncoveredRules.isEmpty && uncoveredAlerts.isEmpty }
  }

  /// Runs every test of `policy`; when `shouldStop` turns true the run ends before the next test.
  public static func run(_ policy: CompiledPolicy, shouldStop: () -> Bool = { false }) -> (results: [Result], coverage: Coverage) {
    var results: [Result] = []
    var failedChecks = Set<String>(), firedRules = Set<String>(), firedAlerts = Set<String>()
    var matchedRows = Set<String>()
    for t in policy.policy.tests {
      if shouldStop() { break }
      let loc = policy.file.location(of: t.range.start)
      var r = Result(name: t.name, failures: [], location: "\(policy.file.path):\(loc.line)")
      var now: Timestamp? = nil
      if let n = t.now {
        do { now = try Timestamp(parsing: n) } catch { r.failures.append("now '\(n)' is not an RFC 3339 timestamp"); results.append(r); continue }
      }
      let input: ObjectValue
      switch policy.decodeInput(Array(t.input.jsonText.utf8)) {
      case .success(let o): input = o
      case .failure(let errors):
        r.failures.append("input does not match the schema: " + errors.errors.map(\.message).joined(separator: "; "))
        results.append(r)
        continue
      }
      let d = policy.decide(input, now: now, explain: true)
      for c in d.trace?.checks ?? [] where c.status == "failed" { failedChecks.insert(c.id) }
      for rule in d.trace?.rules ?? [] where rule.fired { firedRules.insert(rule.id) }
      for a in d.alerts { firedAlerts.insert(a.id) }
      for table in d.trace?.tables ?? [] { for row in table.matchedRows { matchedRows.insert("\(table.id)#\(row)") } }
      compare(t, d, policy, into: &r.failures)
      results.append(r)
    }
    var coverage = Coverage()
    coverage.uncoveredChecks = policy.checks.map(\.id).filter { !failedChecks.contains($0) }
    coverage.uncoveredRules = policy.rules.map(\.id).filter { !firedRules.contains($0) }
    coverage.uncoveredAlerts = policy.alerts.map(\.id).filter { !firedAlerts.contains($0) }
    for table in policy.tables {
      for i in table.rows.indices where !matchedRows.contains("\(table.id)#\(i + 1)") {
        coverage.uncoveredRows.append("\(table.id) row \(i + 1) (line \(table.rowLines[i]))")
      }
    }
    return (results, coverage)
  }

  /// `file:line:col: ` of the expectation `key` of `t` (the expected value), or of the test.
  static func at(_ t: Policy.TestCase, _ key: String, _ policy: CompiledPolicy, node: YAMLNode? = nil) -> String {
    let loc = policy.file.location(of: (node ?? t.expectNodes[key])?.range.start ?? t.range.start)
    return "\(policy.file.path):\(loc.line):\(loc.column): "
  }

  /// Each mismatch starts with the file, line and column of the expected value that is wrong.
  static func compare(_ t: Policy.TestCase, _ d: Decision, _ policy: CompiledPolicy, into failures: inout [String]) {
    if let expected = t.expectDecision, expected != d.outcome.rawValue {
      var detail = ""
      if !d.reasons.isEmpty { detail += "; reasons: " + d.reasons.map(\.id).joined(separator: ", ") }
      if !d.errors.isEmpty { detail += "; errors: " + d.errors.map { "\($0.source): \($0.message)" }.joined(separator: "; ") }
      failures.append(at(t, "decision", policy) + "decision: expected \(expected), got \(d.outcome.rawValue)\(detail)")
    }
    if let expected = t.expectFailed {
      let actual = d.reasons.map(\.id)
      if Set(expected) != Set(actual) {
        failures.append(at(t, "failed", policy) + "failed: expected [\(expected.joined(separator: ", "))], got [\(actual.joined(separator: ", "))]")
      }
    }
    if let expected = t.expectAlerts {
      let actual = d.alerts.map(\.id)
      if Set(expected) != Set(actual) {
        failures.append(at(t, "alerts", policy) + "alerts: expected [\(expected.joined(separator: ", "))], got [\(actual.joined(separator: ", "))]")
      }
    }
    for (name, node) in t.expectOutputs {
      guard let slot = policy.environment.slots[name], policy.outputs.contains(where: { $0.name == name }) else {
        failures.append(at(t, "outputs", policy, node: node) + "output '\(name)' is not an output of the policy")
        continue
      }
      guard let actual = d.output(name) else {
        failures.append(at(t, "outputs", policy, node: node) + "output \(name): expected \(node.jsonText), got no value" + (d.errors.first.map { " (\($0.message))" } ?? ""))
        continue
      }
      let type = policy.environment.variables[slot].type
      switch JSONSchemaDecoder.decode(Array(node.jsonText.utf8), as: type) {
      case .success(let expected):
        if !expected.celEquals(actual) {
          failures.append(at(t, "outputs", policy, node: node) + "output \(name): expected \(expected.displayText), got \(actual.displayText)")
        }
      case .failure(let e):
        failures.append(at(t, "outputs", policy, node: node) + "output \(name): expected value \(node.jsonText) is not a \(type): \(e.errors.first?.message ?? "")")
      }
    }
  }
}
