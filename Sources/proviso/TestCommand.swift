import Foundation
import PolicyExpr
import PolicyRules

/// `proviso test PATH...`: runs every policy's own tests; failures as expected vs actual; coverage.
enum TestCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: [], options: ["junit", "allow-path"])
    guard !a.positional.isEmpty else { throw UsageError(message: "test needs at least one policy file or folder") }
    var passed = 0, failed = 0, broken = 0
    var junit: [String] = []
    var loads: [PolicyFolder.Loaded] = []
    for path in a.positional {
      switch PolicyFolder(path, allowing: a.options["allow-path"] ?? []).loadAll() {
      case .success(let found): loads += found
      case .failure(let problem):
        broken += 1
        Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render([problem.diagnostic]))
      }
    }
    for load in loads {
      guard let policy = load.policy else {
        broken += 1
        Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(load.diagnostics))
        continue
      }
      let (results, coverage) = PolicyTestRunner.run(policy)
      var cases: [String] = []
      for r in results {
        if r.passed {
          passed += 1
          Console.out("PASS \(policy.id) / \(r.name)")
          cases.append("<testcase classname=\"\(xml(policy.id))\" name=\"\(xml(r.name))\"/>")
        } else {
          failed += 1
          Console.out("FAIL \(policy.id) / \(r.name)  (\(r.location))")
          for f in r.failures { Console.out("     \(f)") }
          cases.append("<testcase classname=\"\(xml(policy.id))\" name=\"\(xml(r.name))\"><failure message=\"\(xml(r.failures.joined(separator: "; ")))\"/></testcase>")
        }
      }
      if !coverage.isComplete {
        Console.out("coverage \(policy.id): not reached by any test:")
        if !coverage.uncoveredChecks.isEmpty { Console.out("     checks never failing: \(coverage.uncoveredChecks.joined(separator: ", "))") }
        if !coverage.uncoveredRows.isEmpty { Console.out("     table rows never matched: \(coverage.uncoveredRows.joined(separator: ", "))") }
        if !coverage.uncoveredRules.isEmpty { Console.out("     rules never fired: \(coverage.uncoveredRules.joined(separator: ", "))") }
        if !coverage.uncoveredAlerts.isEmpty { Console.out("     alerts never raised: \(coverage.uncoveredAlerts.joined(separator: ", "))") }
      } else {
        Console.out("coverage \(policy.id): every check, row, rule and alert reached")
      }
      junit.append("<testsuite name=\"\(xml(policy.id))\" tests=\"\(results.count)\" failures=\"\(results.filter { !$0.passed }.count)\">\(cases.joined())</testsuite>")
    }
    Console.out("\(passed) passed, \(failed) failed" + (broken > 0 ? ", \(broken) policies did not load" : ""))
    if let path = a.option("junit") {
      let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\(junit.joined(separator: "\n"))</testsuites>\n"
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw IOFailure(message: "cannot write '\(path)'") }
    }
    if broken > 0 { return .dataError }
    return failed > 0 ? .failed : .ok
  }

  static func xml(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;")
  }
}
