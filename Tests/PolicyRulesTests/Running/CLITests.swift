import Foundation
import XCTest

/// The `proviso` executable run as a subprocess: exit codes (sysexits) and what goes to stdout and stderr.
///
/// Needs the binary built first (`swift build --product proviso`); the test is skipped otherwise.
final class CLITests: XCTestCase {
  /// What one run of the binary produced.
  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static let root = URL(fileURLWithPath: #filePath)  // .../Tests/PolicyRulesTests/Running/CLITests.swift
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let binary = root.appendingPathComponent(".build/debug/proviso").path

  private var directory: URL!

  override func setUpWithError() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
      throw XCTSkip("the proviso binary is not built at \(Self.binary); run `swift build --product proviso` first")
    }
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    if let directory { try? FileManager.default.removeItem(at: directory) }
  }

  /// Writes `text` as `name` in the test's folder and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Runs `proviso arguments...` in the test's folder; stdout and stderr go to files, so neither pipe can fill up.
  func proviso(_ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = directory.appendingPathComponent(".stdout-\(UUID().uuidString)"), err = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
    XCTAssertTrue(FileManager.default.createFile(atPath: out.path, contents: nil))
    XCTAssertTrue(FileManager.default.createFile(atPath: err.path, contents: nil))
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Outcome(status: process.terminationStatus,
                   stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
  }

  /// A policy `limits` approving amounts up to `limit`.
  static func limits(_ limit: Int) -> String {
    """
    policy: limits
    inputs:
      loan: {amount: int}
    checks:
      - id: max-amount
        require: loan.amount <= \(limit)
        reason: The amount ${loan.amount} is over \(limit).
    outputs:
      double_amount: loan.amount * 2
    """
  }

  static let broken = """
    policy: bad
    inputs:
      loan: {amount: int}
    checks:
      - id: max-amount
        require: loan.amout <= 100
        reason: no
    """

  /// A policy that loads with two warnings (overlapping rows of a `unique` table).
  static let overlapping = """
    policy: overlap
    inputs:
      app: {score: int, segment: string}
    tables:
      - id: tier
        hit: unique
        inputs: [app.score, app.segment]
        outputs: [tier]
        rows:
          - ["[0..50]",   "-",        low]
          - ["[50..100]", '"retail"', mid]
    outputs:
      result: tier
    """

  // MARK: - check

  func testCheckAGoodPolicyExitsZero() throws {
    try write("limits.yaml", Self.limits(100))
    let outcome = try proviso("check", "limits.yaml")
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertEqual(outcome.stdout, "")
    XCTAssertTrue(outcome.stderr.hasPrefix("ok limits.yaml (limits, version "), outcome.stderr)
  }

  func testCheckABrokenPolicyExits65WithLocatedDiagnostics() throws {
    try write("bad.yaml", Self.broken)
    let outcome = try proviso("check", "bad.yaml")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertEqual(outcome.stdout, "")
    XCTAssertEqual(outcome.stderr, """
      bad.yaml:6:14: error[expr_check_error]: undefined field 'amout' of 'loan'
         |     require: loan.amout <= 100
         |              ^~~~~~~~~~
         = hint: did you mean 'amount'?

      """)
  }

  func testCheckJSONFormatPutsDiagnosticsOnStdout() throws {
    try write("bad.yaml", Self.broken)
    let outcome = try proviso("check", "--format", "json", "bad.yaml")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertEqual(outcome.stdout, """
      [{"code":"expr_check_error","severity":"error","location":{"file":"bad.yaml","line":6,"column":14},"message":"undefined field 'amout' of 'loan'","hint":"did you mean 'amount'?"}]

      """)
  }

  func testCheckWithWarningsPassesUnlessStrict() throws {
    try write("overlap.yaml", Self.overlapping)
    let lenient = try proviso("check", "overlap.yaml")
    XCTAssertEqual(lenient.status, 0, lenient.stderr)
    XCTAssertTrue(lenient.stderr.contains("overlap.yaml:11:9: warning[policy_overlapping_rows]: rows 1 and 2 of table 'tier' overlap, but its hit policy is unique"),
                  lenient.stderr)
    let strict = try proviso("check", "--strict", "overlap.yaml")
    XCTAssertEqual(strict.status, 1, strict.stderr)
    XCTAssertTrue(strict.stderr.contains("warning[policy_overlapping_rows]"), strict.stderr)
  }

  func testCheckAFolderReportsEveryFile() throws {
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("policies"), withIntermediateDirectories: true)
    try write("policies/limits.yaml", Self.limits(100))
    try write("policies/bad.yaml", Self.broken)
    let outcome = try proviso("check", "policies")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertTrue(outcome.stderr.contains("ok policies/limits.yaml (limits, version "), outcome.stderr)
    XCTAssertTrue(outcome.stderr.contains("policies/bad.yaml:6:14: error[expr_check_error]: undefined field 'amout' of 'loan'\n"), outcome.stderr)
  }

  // MARK: - test

  func testTestCommittedPoliciesAllPass() throws {
    let outcome = try proviso("test", Self.root.appendingPathComponent("policies").path + "/")
    XCTAssertEqual(outcome.status, 0, outcome.stdout + outcome.stderr)
    let lines = outcome.stdout.split(separator: "\n")
    let passes = lines.filter { $0.hasPrefix("PASS ") }.count
    XCTAssertGreaterThan(passes, 10)
    XCTAssertFalse(lines.contains { $0.hasPrefix("FAIL ") })
    XCTAssertEqual(lines.last.map(String.init), "\(passes) passed, 0 failed")
  }

  func testTestWithAFailingCaseExitsOne() throws {
    try write("limits.yaml", Self.limits(10) + """

      tests:
        - name: fifty is approved
          input: {loan: {amount: 50}}
          expect: {decision: approved}
        - name: five is approved
          input: {loan: {amount: 5}}
          expect: {decision: approved}
      """)
    let outcome = try proviso("test", "limits.yaml")
    XCTAssertEqual(outcome.status, 1)
    XCTAssertEqual(outcome.stdout, """
      FAIL limits / fifty is approved  (limits.yaml:11)
           limits.yaml:13:24: decision: expected approved, got declined; reasons: max-amount
      PASS limits / five is approved
      coverage limits: every check, row, rule and alert reached
      1 passed, 1 failed

      """)
  }

  // MARK: - run

  func testRunReportsTheBadLineAndDecidesTheOthers() throws {
    try write("limits.yaml", Self.limits(100))
    try write("in.jsonl", "{\"loan\": {\"amount\": 10}}\n{\"loan\": {\"amount\": 75}}\n{\"loan\": \n{\"loan\": {\"amount\": 200}}\n")
    let outcome = try proviso("run", "limits.yaml", "--input", "in.jsonl", "--format", "jsonl")
    XCTAssertEqual(outcome.status, 65, "a bad record makes the run a data error")
    let results = outcome.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(results.count, 3)
    let decoded = results.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    XCTAssertEqual(decoded.map { $0["line"] as? Int }, [1, 2, 4])
    XCTAssertEqual(decoded.map { $0["decision"] as? String }, ["approved", "approved", "declined"])
    XCTAssertEqual(decoded.map { ($0["outputs"] as? [String: Any])?["double_amount"] as? Int }, [20, 150, 400])
    let problems = outcome.stderr.split(separator: "\n").map(String.init)
    XCTAssertEqual(problems.first, "in.jsonl: line 3: loan: malformed JSON at 1:10: expected a JSON value, found end of input")
    XCTAssertTrue(problems.contains { $0.hasPrefix("summary: 3 decisions, 1 bad records") }, outcome.stderr)
    XCTAssertTrue(problems.contains("  declined: 1"), outcome.stderr)
  }

  func testRunOfABrokenPolicyExits65() throws {
    try write("bad.yaml", Self.broken)
    try write("in.jsonl", "{\"loan\": {\"amount\": 10}}\n")
    let outcome = try proviso("run", "bad.yaml", "--input", "in.jsonl")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertEqual(outcome.stdout, "")
    XCTAssertTrue(outcome.stderr.hasPrefix("bad.yaml:6:14: error[expr_check_error]"), outcome.stderr)
  }

  func testRunOfAMissingInputFileExits74() throws {
    try write("limits.yaml", Self.limits(100))
    let outcome = try proviso("run", "limits.yaml", "--input", "missing.jsonl")
    XCTAssertEqual(outcome.status, 74)
    XCTAssertEqual(outcome.stderr, "proviso run: cannot read 'missing.jsonl'\n")
  }

  func testRunReadsCSVAndStandardInput() throws {
    try write("limits.yaml", Self.limits(100))
    try write("in.csv", "loan.amount\n5\n500\nabc\n")
    let csv = try proviso("run", "limits.yaml", "--input", "in.csv", "--format", "csv")
    XCTAssertEqual(csv.status, 65)
    XCTAssertEqual(csv.stdout, "line,decision,reasons,double_amount\n2,approved,,10\n3,declined,max-amount,1000\n")
    XCTAssertTrue(csv.stderr.hasPrefix(#"in.csv: line 4: loan.amount: expected int, found string "abc""# + "\n"), csv.stderr)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["run", "limits.yaml", "--input", "-", "--format", "jsonl"]
    process.currentDirectoryURL = directory
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data(#"{"loan": {"amount": 3}}"#.utf8 + [10]))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    XCTAssertTrue(text.contains(#""decision":"approved","reasons":[],"outputs":{"double_amount":6},"alerts":[],"line":1}"#), text)
  }

  func testRunWithABadNowIsAUsageError() throws {
    try write("limits.yaml", Self.limits(100))
    try write("in.jsonl", "{\"loan\": {\"amount\": 10}}\n")
    let outcome = try proviso("run", "limits.yaml", "--input", "in.jsonl", "--now", "garbage")
    XCTAssertEqual(outcome.status, 64)
    XCTAssertTrue(outcome.stderr.hasPrefix("proviso run: --now 'garbage' is not an RFC 3339 timestamp (2026-10-01T00:00:00Z)\n"), outcome.stderr)
  }

  // MARK: - diff

  func testDiffCountsTheChangedDecisions() throws {
    try write("old.yaml", Self.limits(100))
    try write("new.yaml", Self.limits(50))
    try write("in.jsonl", "{\"loan\": {\"amount\": 10}}\n{\"loan\": {\"amount\": 75}}\n{\"loan\": {\"amount\": 200}}\n")
    let outcome = try proviso("diff", "old.yaml", "new.yaml", "--input", "in.jsonl")
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    let lines = outcome.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "diff over 3 records: 1 changed (0 bad records skipped)")
    XCTAssertTrue(lines.contains("  approved -> declined: 1"), outcome.stdout)
    XCTAssertTrue(lines.contains("  now failing max-amount: 1"), outcome.stdout)
    XCTAssertTrue(lines.contains("  line 2:"), outcome.stdout)
    XCTAssertTrue(lines.contains { $0.hasSuffix("max-amount: The amount 75 is over 50.") }, outcome.stdout)
  }

  // MARK: - eval

  func testEvalPrintsTheValue() throws {
    let sum = try proviso("eval", "1 + 2")
    XCTAssertEqual(sum.status, 0, sum.stderr)
    XCTAssertEqual(sum.stdout, "3\n")
    let bound = try proviso("eval", "x + 1", "--var", "x=41")
    XCTAssertEqual(bound.stdout, "42\n")
  }

  func testEvalErrors() throws {
    let compile = try proviso("eval", "\"a\" + 1")
    XCTAssertEqual(compile.status, 65)
    XCTAssertTrue(compile.stderr.hasPrefix("<expr>:1:1: error[expr_check_error]: found no matching overload for '_+_' applied to '(string, int)'"), compile.stderr)
    let runtime = try proviso("eval", "1 / 0")
    XCTAssertEqual(runtime.status, 1)
    XCTAssertTrue(runtime.stderr.hasPrefix("<expr>:1:1: error[eval_error]: division_by_zero: division by zero"), runtime.stderr)
  }

  func testEvalCasesReportsAMalformedLineAndContinues() throws {
    try write("cases.jsonl", """
      {"id": "a", "expr": "1 + 2"}
      {"id": "b", "expr":
      {"id": "c", "expr": "x * 2", "bindings": {"x": {"int": "21"}}, "types": {"x": "int"}}

      {"id": "d", "expr": "1 / 0"}
      {"expr": "true"}

      """)
    let outcome = try proviso("eval", "--cases", "cases.jsonl")
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertEqual(outcome.stdout, """
      {"id":"a","value":{"int":"3"}}
      {"id":"line 2","error":"malformed case: 1:20: expected a JSON value, found end of input"}
      {"id":"c","value":{"int":"42"}}
      {"id":"d","error":"division_by_zero: division by zero"}
      {"id":"line 6","value":{"bool":true}}

      """)
  }

  // MARK: - score

  func testScorePrintsTheHeaderAndOneLinePerRow() throws {
    try write("rows.csv", """
      transaction_amount,transaction_count,avg_rating,inventory_turnover,monthly_growth
      12500.5,37,4.2,5.5,0.03
      100,1,2.0,1.0,-0.2
      3000,12,3.9,8.0,0.0

      """)
    let model = Self.root.appendingPathComponent("examples/models/merchant-risk-small.json").path
    let outcome = try proviso("score", model, "--input", "rows.csv")
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    let lines = outcome.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "0,1")
    XCTAssertEqual(lines.count, 4)
    for line in lines.dropFirst() {
      let p = line.split(separator: ",").compactMap { Double($0) }
      XCTAssertEqual(p.count, 2, line)
      XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9, line)
    }
    let jsonl = try proviso("score", model, "--input", "rows.csv", "--format", "jsonl")
    XCTAssertEqual(jsonl.stdout.split(separator: "\n").count, 3)
    XCTAssertTrue(jsonl.stdout.hasPrefix(#"{"0":"#), jsonl.stdout)
  }

  func testScoreStopsAtABadValue() throws {
    try write("bad.csv", "transaction_amount,transaction_count,avg_rating,inventory_turnover,monthly_growth\n1,2,3,4,5\n1,x,3,4,5\n")
    let model = Self.root.appendingPathComponent("examples/models/merchant-risk-small.json").path
    let outcome = try proviso("score", model, "--input", "bad.csv")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertEqual(outcome.stderr, "proviso score: line 3: 'x' is not a number for 'transaction_count' [csv_invalid_value]\n")
  }

  // MARK: - usage

  func testUnknownSubcommandOrOptionExits64() throws {
    let command = try proviso("frobnicate")
    XCTAssertEqual(command.status, 64)
    XCTAssertTrue(command.stderr.hasPrefix("usage: proviso <command> [options]"), command.stderr)
    let option = try proviso("check", "--nope", "x.yaml")
    XCTAssertEqual(option.status, 64)
    XCTAssertTrue(option.stderr.hasPrefix("proviso check: unknown option '--nope'; known: --allow-path, --format, --strict\n"), option.stderr)
    let missing = try proviso("run", "limits.yaml")
    XCTAssertEqual(missing.status, 64)
    XCTAssertTrue(missing.stderr.hasPrefix("proviso run: run needs one policy and --input FILE"), missing.stderr)
    let none = try proviso()
    XCTAssertEqual(none.status, 64)
    let help = try proviso("--help")
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.stderr.hasPrefix("usage: proviso"), help.stderr)
  }
}
