import Foundation
import PolicyExpr
import XCTest

@testable import PolicyRules

/// A policy-level differential test of lazy evaluation: random well-typed policies
/// (``PolicyGenerator``) are decided by ``CompiledPolicy/decide(_:now:explain:)`` and by
/// ``ReferenceEvaluator``, which inlines every let, table and output into one expression per
/// check, output, rule and alert and evaluates it with no lazy value. Outputs, check outcomes,
/// reasons, errors (compared as "both error"), alerts and the decision's outcome must agree.
///
/// `PROVISO_DIFF_SEED` and `PROVISO_DIFF_COUNT` choose the run; policy `i` uses seed `SEED + i`,
/// so `PROVISO_DIFF_SEED=<its seed> PROVISO_DIFF_COUNT=1` reproduces one failing policy;
/// `PROVISO_DIFF_REPORTS` is how many failing cases are printed in full (3).
/// `scripts/differential` runs a larger seeded run.
final class PolicyDifferentialTests: XCTestCase {
  static let defaultSeed: UInt64 = 20_261_208
  static let defaultCount = 2_000
  static let inputsPerPolicy = 6

  func testLazyEvaluationAgreesWithInlinedReference() {
    let environment = ProcessInfo.processInfo.environment
    let seed = environment["PROVISO_DIFF_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
    let count = environment["PROVISO_DIFF_COUNT"].flatMap { Int($0) } ?? Self.defaultCount
    let maxReports = environment["PROVISO_DIFF_REPORTS"].flatMap { Int($0) } ?? 3
    // Policies are independent: two workers take half the seeds each (the machine has two cores).
    let workers = 2
    let runs = Runs(workers)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var run = Run()
      run.maxReports = maxReports
      let chunk = (count + workers - 1) / workers
      for i in (w * chunk)..<min(count, (w + 1) * chunk) { run.check(seed: seed &+ UInt64(i)) }
      runs.set(w, run)
    }
    let run = runs.merged()
    print(run.summary(seed: seed, count: count))
    if !run.failingPolicies.isEmpty || run.invalid > 0 {
      XCTFail("\(run.failingPolicies.count) of \(count) policies disagree with the reference, \(run.invalid) failed to load or inline (seed \(seed)); first cases:\n"
        + run.reports.joined(separator: "\n"))
    }
  }

  /// The shape the differential test was written for, as one fixed case: a let's comprehension
  /// must not overwrite the variable of the comprehension that first needs the let.
  func testLetWithComprehensionFirstNeededInsideComprehension() throws {
    let d = try decide("""
      policy: reentrancy
      inputs:
        r: {xs: list(int), ys: list(int)}
      let:
        threshold: r.ys.map(y, y * 10).size()
      outputs:
        all_above: r.xs.all(x, threshold < x)
      """, #"{"r": {"xs": [5, 6, 7], "ys": [1, 2]}}"#)
    XCTAssertEqual(d.outcome, .approved)
    XCTAssertEqual(d.output("all_above")?.displayText, "true", "the threshold is 2, below every x")
  }

  /// The same for a table whose column loops, first needed inside a comprehension.
  func testTableFirstNeededInsideComprehension() throws {
    let d = try decide("""
      policy: table-reentrancy
      inputs:
        r: {xs: list(int), ys: list(int)}
      tables:
        - id: band
          inputs: ["size(r.ys.map(y, y * 10))"]
          outputs: [{name: v, type: int}]
          rows:
            - ["< 3", 2]
            - ["-", 100]
      outputs:
        all_above: r.xs.all(x, band < x)
      """, #"{"r": {"xs": [5, 6, 7], "ys": [1, 2]}}"#)
    XCTAssertEqual(d.output("all_above")?.displayText, "true", "the band is 2, below every x")
  }

  /// A table first needed inside a `?` cell of another table: its own `?` cells must not change
  /// the outer cell's `?` (both use the one hidden cell slot today).
  func testTableFirstNeededInsideAnotherTablesCell() throws {
    let d = try decide("""
      policy: cell-reentrancy
      inputs:
        r: {a: int, b: int}
      tables:
        - id: inner
          inputs: [r.b]
          outputs: [{name: v, type: int}]
          rows:
            - ["? > 0", 10]
            - ["-", 20]
        - id: outer
          inputs: [r.a]
          outputs: [{name: v, type: int}]
          rows:
            - ["inner < ?", 1]
            - ["-", 0]
      outputs:
        result: outer
      """, #"{"r": {"a": 15, "b": 1}}"#)
    XCTAssertEqual(d.output("result")?.displayText, "1", "inner is 10, below a = 15: the first row matches")
  }

  func decide(_ yaml: String, _ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> Decision {
    let policy = try XCTUnwrap(PolicyFixtures.compile(yaml, file: file, line: line), file: file, line: line)
    return try XCTUnwrap(PolicyFixtures.decide(policy, json, file: file, line: line), file: file, line: line)
  }
}

/// The runs of the workers, each set once from its own thread.
final class Runs: @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [Run]
  init(_ count: Int) { runs = Array(repeating: Run(), count: count) }
  func set(_ i: Int, _ run: Run) { lock.withLock { runs[i] = run } }
  /// One run holding every worker's counts, in seed order.
  func merged() -> Run {
    lock.withLock {
      var total = Run()
      for r in runs {
        total.policies += r.policies; total.decisions += r.decisions; total.mismatches += r.mismatches; total.invalid += r.invalid
        total.failingPolicies += r.failingPolicies
        total.otherSeeds += r.otherSeeds
        total.reports += r.reports
        total.kinds.merge(r.kinds, uniquingKeysWith: +)
        total.causes.merge(r.causes, uniquingKeysWith: +)
        total.outcomes.merge(r.outcomes, uniquingKeysWith: +)
        for k in total.seconds.indices { total.seconds[k] += r.seconds[k] }
      }
      return total
    }
  }
}

/// The state of one differential run: counts, failing seeds and the first reports.
struct Run {
  var policies = 0, decisions = 0, mismatches = 0, invalid = 0
  var failingPolicies: [UInt64] = []
  var reports: [String] = []
  /// Which parts of the decision disagreed, and how often.
  var kinds: [String: Int] = [:]
  /// Failing policies by whether computing every value first, outside loops, removes the disagreement.
  var causes: [String: Int] = [:]
  /// Failing policies of no lazy-evaluation cause (their reports are always kept).
  var otherSeeds: [UInt64] = []
  /// Outcome counts of the reference decisions (to see that errors and declines occur).
  var outcomes: [String: Int] = [:]
  var maxReports = 3
  /// Seconds (of wall time, per worker) spent generating, loading, deciding and in the reference.
  var seconds: [Double] = [0, 0, 0, 0]

  mutating func timed<T>(_ phase: Int, _ body: () -> T) -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer { seconds[phase] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    return body()
  }

  mutating func check(seed: UInt64) {
    policies += 1
    var generator = PolicyGenerator(seed: seed)
    let (policy, documents, yaml) = timed(0) {
      let policy = generator.generate()
      return (policy, generator.inputs(count: PolicyDifferentialTests.inputsPerPolicy), policy.yaml)
    }
    let (loaded, diagnostics) = timed(1) { PolicyLoader.load(SourceFile(path: "policy.yaml", text: yaml)) }
    guard let compiled = loaded, !diagnostics.hasErrors else {
      invalid += 1
      kinds["policy does not load", default: 0] += 1
      report(seed, yaml, nil, ["does not load:\n" + DiagnosticRenderer().render(diagnostics)])
      return
    }
    let reference = ReferenceEvaluator(policy: policy, compiled: compiled)
    var failed = false
    for document in documents {
      guard case .success(let input) = compiled.decodeInput(Array(document.utf8)) else {
        invalid += 1
        report(seed, yaml, document, ["input rejected"])
        continue
      }
      decisions += 1
      let decision = timed(2) { compiled.decide(input) }
      let actual = Observed(decision, checks: policy.checks.map(\.id))
      let expected = timed(3) { reference.decide(input) }
      outcomes[expected.outcome, default: 0] += 1
      if !reference.compileFailures.isEmpty {
        invalid += 1
        kinds["reference does not compile", default: 0] += 1
        report(seed, yaml, document, ["reference does not compile:\n      " + reference.compileFailures.joined(separator: "\n      ")])
        return
      }
      let difference = actual.difference(expected)
      guard !difference.isEmpty else { continue }
      mismatches += 1
      for line in difference { kinds[String(line.prefix { $0 != ":" }), default: 0] += 1 }
      let why = cause(policy, document, expected)
      if !failed {
        failingPolicies.append(seed)
        causes[why, default: 0] += 1
        if why == Self.otherCause { otherSeeds.append(seed) }
      }
      failed = true
      report(seed, yaml, document, difference + ["engine decision: " + PolicyFixtures.summary(decision), "cause: " + why],
             always: why == Self.otherCause && otherSeeds.count <= 5)
    }
  }

  /// Why a decision disagrees: the first named value (in rank order) that, computed first at the
  /// top level, makes the decision agree; or every value at once; or none.
  func cause(_ policy: GeneratedPolicy, _ document: String, _ expected: Observed) -> String {
    for n in policy.named where warmedAgrees(policy.warmed { $0.name == n.name }, policy, document, expected).agrees {
      switch n.kind {
      case .let: return "a let first computed inside an expression"
      case .table: return "a table first computed inside an expression"
      case .output: return "an output first computed inside an expression"
      }
    }
    let all = warmedAgrees(policy.warmed(), policy, document, expected)
    if all.agrees { return "several values first computed inside expressions" }
    // A value that fails is not stored: it is computed again at each use, wherever that is.
    if all.warmErrors { return "a failing value computed again inside an expression, or another defect" }
    return Self.otherCause
  }

  /// The cause of a disagreement that no early computation removes: another defect.
  static let otherCause = "not where a lazy value is first computed"

  /// Whether the decision agrees with the reference once every named value is computed first, at
  /// the top level (``GeneratedPolicy/warmed()``): tells the lazy-evaluation defects from others.
  func warmedAgrees(_ warm: GeneratedPolicy, _ policy: GeneratedPolicy, _ document: String, _ expected: Observed) -> (agrees: Bool, warmErrors: Bool) {
    let (loaded, diagnostics) = PolicyLoader.load(SourceFile(path: "policy.yaml", text: warm.yaml))
    guard let compiled = loaded, !diagnostics.hasErrors, case .success(let input) = compiled.decodeInput(Array(document.utf8)) else { return (false, false) }
    var actual = Observed(compiled.decide(input), checks: policy.checks.map(\.id))
    let warmErrors = actual.errors.filter { $0.hasPrefix("check warm-") }
    actual.errors.removeAll { $0.hasPrefix("check warm-") }
    var expected = expected
    if !warmErrors.isEmpty { expected.outcome = actual.outcome }
    return (actual == expected, !warmErrors.isEmpty)
  }

  /// Keeps the report of a case: the first `maxReports`, and those with `always`.
  mutating func report(_ seed: UInt64, _ yaml: String, _ input: String?, _ lines: [String], always: Bool = false) {
    guard reports.count < maxReports || always else { return }
    reports.append("""
      ---- policy seed \(seed) (reproduce: PROVISO_DIFF_SEED=\(seed) PROVISO_DIFF_COUNT=1 swift test --filter PolicyDifferentialTests)
      \(yaml)
      input: \(input ?? "-")
      \(lines.map { "  " + $0 }.joined(separator: "\n"))
      """)
  }

  func summary(seed: UInt64, count: Int) -> String {
    let kindText = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    let outcomeText = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return "differential: seed \(seed), \(policies) policies, \(decisions) decisions (\(outcomeText)); "
      + String(format: "worker time: generate %.1f s, load %.1f s, decide %.1f s, reference %.1f s; ", seconds[0], seconds[1], seconds[2], seconds[3])
      + "\(failingPolicies.count) policies and \(mismatches) decisions disagree, \(invalid) invalid"
      + (kindText.isEmpty ? "" : "; disagreements by part: \(kindText)")
      + (causes.isEmpty ? "" : "; failing policies by cause: " + causes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
      + (failingPolicies.isEmpty ? "" : "; failing seeds: " + failingPolicies.prefix(20).map(String.init).joined(separator: " "))
      + (otherSeeds.isEmpty ? "" : "; seeds of other causes: " + otherSeeds.prefix(20).map(String.init).joined(separator: " "))
  }
}
