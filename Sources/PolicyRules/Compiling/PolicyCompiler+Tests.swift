import PolicyExpr
import PolicyYAML

extension DiagnosticCode {
  /// A test's expectation that names no check, rule, alert or output of the policy, or an
  /// expected output value of the wrong type.
  public static let policyTestError: DiagnosticCode = "policy_test_error"
}

extension PolicyCompiler {
  /// Checks every test's expectations against the policy when it loads, so `proviso check`
  /// reports a misspelled check id or output name (with "did you mean") before any test runs:
  /// each id in `failed:` names a check or a declining rule, each id in `alerts:` an alert, each
  /// key of `outputs:` an output, and each expected output value has the output's type.
  mutating func validateTests(outputs: [CompiledOutput]) {
    let failable = policy.checks.map(\.id) + policy.rules.filter { $0.decline != nil }.map(\.id)
    let alerts = policy.alerts.map(\.id)
    for t in policy.tests {
      if let list = t.expectNodes["failed"]?.sequence {
        for item in list {
          guard let id = item.scalar?.value, !failable.contains(id) else { continue }
          let what = policy.rules.contains(where: { $0.id == id }) ? "a rule that never declines" : "not a check or declining rule of the policy"
          error(.policyTestError, "test '\(t.name)' expects '\(id)' to fail, but it is \(what)", item.range,
                hint: closestName(id, among: failable).map { "did you mean '\($0)'?" })
        }
      }
      if let list = t.expectNodes["alerts"]?.sequence {
        for item in list {
          guard let id = item.scalar?.value, !alerts.contains(id) else { continue }
          error(.policyTestError, "test '\(t.name)' expects alert '\(id)', which is not an alert of the policy", item.range,
                hint: closestName(id, among: alerts).map { "did you mean '\($0)'?" })
        }
      }
      for pair in t.expectNodes["outputs"]?.mapping ?? [] {
        guard let name = pair.key.scalar?.value else { continue }
        guard let output = outputs.first(where: { $0.name == name }) else {
          error(.policyTestError, "test '\(t.name)' expects output '\(name)', which is not an output of the policy", pair.key.range,
                hint: closestName(name, among: outputs.map(\.name)).map { "did you mean '\($0)'?" })
          continue
        }
        let type = env.variables[output.slot].type
        if case .failure(let e) = JSONSchemaDecoder.decode(Array(pair.value.jsonText.utf8), as: type) {
          error(.policyTestError, "test '\(t.name)' expects output '\(name)' to be \(pair.value.jsonText), which is not a \(type)", pair.value.range,
                hint: e.errors.first.map(\.message))
        }
      }
    }
  }
}
