import PolicyExpr
import XCTest

@testable import PolicyRules

/// `proviso run` and `proviso diff` statistics of ints and decimals are exact: never computed
/// through doubles, and an exact sum that leaves the 38-digit range is reported.
final class ExactStatisticsTests: XCTestCase {
  static let yaml = """
    policy: stats
    inputs:
      app: {fee: decimal, rate: decimal, n: int}
    outputs:
      fee: app.fee
      rate: app.rate
      n: app.n
    """

  static let records = [
    #"{"app": {"fee": "1234567890123456789.012", "rate": "0.3333333333333333333333333333", "n": 9007199254740993}}"#,
    #"{"app": {"fee": "1234567890123456789.014", "rate": "0.1", "n": 9223372036854775807}}"#,
    #"{"app": {"fee": "0.5", "rate": "0.2", "n": -9223372036854775808}}"#,
  ]

  func summary(_ yaml: String, _ records: [String]) -> String {
    guard let p = PolicyFixtures.compile(yaml) else { return "" }
    var options = DryRun.Options()
    options.format = .none
    var s = DryRun.run(p, input: Array(records.joined(separator: "\n").utf8), format: .jsonl, options: options,
                       emit: { _ in }, problem: { XCTFail($0) })
    s.seconds = 0
    return s.render()
  }

  func testRunSummaryIsExact() {
    XCTAssertEqual(summary(Self.yaml, Self.records), """
      summary: 3 decisions, 0 bad records
        approved: 3
      numeric outputs (min / median / p90 / max):
        fee: 0.500 / 1234567890123456789.012 / 1234567890123456789.012 / 1234567890123456789.014  (n=3)
        rate: 0.1000000000000000000000000000 / 0.2000000000000000000000000000 / 0.2000000000000000000000000000 / 0.3333333333333333333333333333  (n=3)
        n: -9223372036854775808 / 9007199254740993 / 9007199254740993 / 9223372036854775807  (n=3)
      """)
  }

  /// Values that cannot be padded to the column's places (39 digits) print with their own.
  func testRunSummaryNeverRoundsToPad() {
    let yaml = """
      policy: wide
      inputs:
        app: {x: decimal}
      outputs:
        x: app.x
      """
    XCTAssertEqual(summary(yaml, [#"{"app": {"x": "12345678901234567890123456789012345678"}}"#, #"{"app": {"x": "0.5"}}"#]), """
      summary: 2 decisions, 0 bad records
        approved: 2
      numeric outputs (min / median / p90 / max):
        x: 0.5 / 0.5 / 0.5 / 12345678901234567890123456789012345678  (n=2)
      """)
  }

  static func diffPolicy(_ output: String) -> String {
    """
    policy: shift
    inputs:
      app: {fee: decimal, n: int}
    outputs:
      fee: \(output)
      n: app.n
    """
  }

  func diff(_ old: String, _ new: String, _ records: [String]) -> String {
    guard let a = PolicyFixtures.compile(Self.diffPolicy(old)), let b = PolicyFixtures.compile(Self.diffPolicy(new)) else { return "" }
    let rs = records.enumerated().map { (line: $0.offset + 1, json: Array($0.element.utf8)) }
    let text = PolicyDiff.compare(old: a, new: b, records: rs, now: nil, examples: 0).render()
    return text.components(separatedBy: "\n").filter { $0.hasPrefix("  fee:") }.joined(separator: "\n")
  }

  func testDiffMeanShiftIsExact() {
    let records = [#"{"app": {"fee": "1234567890123456789.012", "n": 1}}"#, #"{"app": {"fee": "1234567890123456789.014", "n": 2}}"#]
    // Shifts 1234567890123456789.012 and …014: the mean is exactly …013.
    XCTAssertEqual(diff("app.fee", "app.fee * 2", records), "  fee: 2 changed (2 up, 0 down), mean shift 1234567890123456789.0130")
    // A mean that does not terminate is rounded by the decimal division rule (28 digits).
    let thirds = [#"{"app": {"fee": "0.01", "n": 1}}"#, #"{"app": {"fee": "0.01", "n": 1}}"#, #"{"app": {"fee": "0.02", "n": 1}}"#]
    XCTAssertEqual(diff("app.fee", "app.fee * 2", thirds), "  fee: 3 changed (3 up, 0 down), mean shift 0.01333333333333333333333333333")
    XCTAssertEqual(diff("app.fee", "-app.fee", [#"{"app": {"fee": "0.00001", "n": 1}}"#, #"{"app": {"fee": "0.00001", "n": 1}}"#]),
                   "  fee: 2 changed (0 up, 2 down), mean shift -0.00002")
  }

  func testDiffReportsAnOverflowedSum() {
    let records = [#"{"app": {"fee": "1234567890123456789.012", "n": 1}}"#, #"{"app": {"fee": "0.3333333333333333333333333333", "n": 1}}"#]
    XCTAssertEqual(diff("app.fee", "app.fee * 2", records),
                   "  fee: 2 changed (2 up, 0 down), mean shift overflow (the sum of the changes needs more than 38 digits)")
  }

  /// A column that mixes doubles with exact values is ordered as doubles; exact values still
  /// print exactly, at the decimals' places.
  func testMixedColumn() {
    var column = NumericColumn()
    for v: Value in [.int(3), .double(2.5), .decimal(DecimalNumber(parsing: "1.50")!), .string("x"), .double(.nan)] {
      column.append(v)
    }
    XCTAssertEqual(column.count, 3)
    XCTAssertEqual(column.quantiles([0, 0.5, 1]).map(column.text), ["1.50", "2.50", "3.00"])
    var ints = NumericColumn()
    for i in [Int64.max, Int64.min, 9_007_199_254_740_993] { ints.append(.int(i)) }
    ints.append(.uint(UInt64.max))
    XCTAssertEqual(ints.quantiles([0, 0.5, 1]).map(ints.text), ["-9223372036854775808", "9007199254740993", "18446744073709551615"])
  }
}
