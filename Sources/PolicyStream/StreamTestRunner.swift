import PolicyExpr
import PolicyRules
import PolicyYAML

/// Runs a stream policy's own tests (`tests:` entries with `steps:`), each on a fresh monitor.
public enum StreamTestRunner {
  /// The outcome of one stream test.
  public struct Result: Sendable {
    /// The test name.
    public var name: String
    /// `file:line:col` of the test.
    public var location: String
    /// What did not match; empty when the test passed.
    public var failures: [String]
  }

  /// The tick a test runs with: the policy's `timer.every`, or one minute.
  public static func defaultTick(_ policy: StreamPolicy) -> DurationValue { policy.spec.tick ?? DurationValue(seconds: 60) }

  /// Runs every stream test of `policy`.
  public static func run(_ policy: StreamPolicy) -> [Result] {
    policy.spec.tests.map { run($0, policy) }
  }

  static func run(_ test: StreamTest, _ policy: StreamPolicy) -> Result {
    let file = policy.compiled.file
    let loc = file.location(of: test.range.start)
    var result = Result(name: test.name, location: "\(file.path):\(loc.line):\(loc.column)", failures: [])
    let monitor = StreamMonitor(policy: policy)
    let tick = defaultTick(policy)
    for (n, step) in test.steps.enumerated() {
      let stepLine = file.location(of: step.range.start).line
      var events: [AlertEvent] = []
      switch step.action {
      case .message(let payload, let topic):
        var text = payload.jsonText
        let outcome = text.withUTF8 { monitor.receive(payload: UnsafeRawBufferPointer($0), topic: topic, tick: tick) }
        switch (outcome, step.reject) {
        case (.success(let e), nil): events = e
        case (.success, let reason?): result.failures.append("step \(n + 1) (line \(stepLine)): expected the message to be rejected (\(reason)), it was applied"); continue
        case (.failure(let r), nil): result.failures.append("step \(n + 1) (line \(stepLine)): message \(r.logLine)"); continue
        case (.failure(let r), let reason?):
          if r.reason.rawValue != reason { result.failures.append("step \(n + 1) (line \(stepLine)): expected rejection \(reason), got \(r.logLine)") }
          continue
        }
      case .tick(let at):
        events = monitor.advance(to: at, tick: tick)
        monitor.wallClock = at
      }
      result.failures += compare(events, step.expect, step: n + 1, line: stepLine)
    }
    return result
  }

  /// Differences between the events a step produced and the ones it expects, in order.
  static func compare(_ actual: [AlertEvent], _ expected: [StreamTest.ExpectedEvent], step: Int, line: Int) -> [String] {
    func show(_ e: AlertEvent) -> String { "\(e.alert) \(e.event.rawValue) for \(e.device) at \(e.at.rfc3339)" }
    func show(_ e: StreamTest.ExpectedEvent) -> String {
      "\(e.alert) \(e.event)" + (e.device.map { " for \($0)" } ?? "") + (e.at.map { " at \($0.rfc3339)" } ?? "")
    }
    let prefix = "step \(step) (line \(line)): "
    guard actual.count == expected.count else {
      return [prefix + "expected \(expected.count) event(s) [\(expected.map(show).joined(separator: "; "))], got \(actual.count) [\(actual.map(show).joined(separator: "; "))]"]
    }
    var out: [String] = []
    for (a, e) in zip(actual, expected) {
      var ok = a.alert == e.alert && a.event.rawValue == e.event
      if let d = e.device, d != a.device { ok = false }
      if let t = e.at, t != a.at { ok = false }
      if let m = e.messageContains, !a.message.contains(m) { ok = false }
      if !ok { out.append(prefix + "expected \(show(e))" + (e.messageContains.map { " with message containing '\($0)'" } ?? "") + ", got \(show(a)): \(a.message)") }
    }
    return out
  }
}
