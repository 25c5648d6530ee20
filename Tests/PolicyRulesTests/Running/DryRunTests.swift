import PolicyExpr
import XCTest

@testable import PolicyRules

/// `proviso run` over CSV, JSONL and JSON input: a bad record is reported with its line and the
/// run goes on; the summary counts every outcome.
final class DryRunTests: XCTestCase {
  static let yaml = """
    policy: dry
    inputs:
      app:
        id: string
        amount: decimal
        grade: {enum: [A, B, C]}
        note: string?
    checks:
      - id: small
        require: app.amount <= 150.00
        reason: ${app.id} is too large
      - id: graded
        require: app.grade != "C"
        reason: grade C
    outputs:
      fee: math.round(app.amount * 0.015, 2)
      note_size: 'has(app.note) ? size(app.note) : -1'
    """

  struct Run {
    var output = ""
    var problems: [String] = []
    var summary = DryRun.Summary()
  }

  func run(_ input: String, format: InputRecords.Format, file: StaticString = #filePath, line: UInt = #line) -> Run {
    var r = Run()
    guard let p = PolicyFixtures.compile(Self.yaml, file: file, line: line) else { return r }
    var options = DryRun.Options()
    options.format = .csv
    var bytes: [UInt8] = []
    var problems: [String] = []
    r.summary = DryRun.run(p, input: Array(input.utf8), format: format, options: options,
                           emit: { bytes += $0 }, problem: { problems.append($0) })
    r.summary.seconds = 0
    r.output = String(decoding: bytes, as: UTF8.self)
    r.problems = problems
    return r
  }

  func testCSVWithDottedHeadersQuotedCellsAndABadRow() {
    let csv = #"""
      app.id,app.amount,app.grade,app.note
      A-1,100.00,A,"hello, world"
      A-2,200.00,B
      A-3,"1,5",A,
      A-4,50.00,D,"say ""hi"""
      A-5,10.00,C,"two
      lines"
      A-6,150.00,B,
      A-7,1.00,B,"say ""hi"""

      """#
    let r = run(csv, format: .csv)
    PolicyFixtures.dump("dryrun-csv", r.output + "---\n" + r.problems.joined(separator: "\n") + "\n---\n" + r.summary.render())
    XCTAssertEqual(r.output, #"""
      line,decision,reasons,fee,note_size
      2,approved,,1.50,12
      6,declined,graded,0.15,9
      8,approved,,2.25,-1
      9,approved,,0.02,8

      """#)
    XCTAssertEqual(r.problems, [
      #"line 3: row has 3 cells, the header has 4"#,
      #"line 4: app.amount: expected decimal, found string "1,5""#,
      #"line 5: app.grade: expected one of 'A', 'B', 'C', found string "D""#,
    ])
    XCTAssertEqual(r.summary.render(), """
      summary: 4 decisions, 3 bad records
        approved: 3
        declined: 1
      top decline reasons:
        graded: 1
      numeric outputs (min / median / p90 / max):
        fee: 0.02 / 0.15 / 1.50 / 2.25  (n=4)
        note_size: -1 / 8 / 9 / 12  (n=4)
      """)
  }

  func testJSONLWithAMalformedLine() {
    let jsonl = """
      {"app": {"id": "J-1", "amount": "10.00", "grade": "A"}}
      {"app": {"id": "J-2", "amount": 
      {"app": {"id": "J-3", "amount": "500.00", "grade": "C", "note": "abc"}}

      {"app": {"id": "J-5", "amount": "1.00", "grade": "B", "extra": 1}}
      {"app": {"id": "J-6", "amount": "99.99", "grade": "B"}}
      """
    let r = run(jsonl, format: .jsonl)
    PolicyFixtures.dump("dryrun-jsonl", r.output + "---\n" + r.problems.joined(separator: "\n") + "\n---\n" + r.summary.render())
    XCTAssertEqual(r.output, #"""
      line,decision,reasons,fee,note_size
      1,approved,,0.15,-1
      3,declined,small;graded,7.50,3
      6,approved,,1.50,-1

      """#)
    XCTAssertEqual(r.problems, [
      #"line 2: app.amount: malformed JSON at 1:33: expected a JSON value, found end of input"#,
      #"line 5: app.extra: unknown field"#,
    ])
    XCTAssertEqual(r.summary.render(), """
      summary: 3 decisions, 2 bad records
        approved: 2
        declined: 1
      top decline reasons:
        graded: 1
        small: 1
      numeric outputs (min / median / p90 / max):
        fee: 0.15 / 1.50 / 1.50 / 7.50  (n=3)
        note_size: -1 / -1 / -1 / 3  (n=3)
      """)
  }

  func testJSONArray() {
    let json = #"[{"app": {"id": "K-1", "amount": "1.00", "grade": "A"}}, {"app": {"id": "K-2", "amount": "151", "grade": "A"}}]"#
    let r = run(json, format: .json)
    PolicyFixtures.dump("dryrun-json", r.output + "---\n" + r.problems.joined(separator: "\n") + "\n---\n" + r.summary.render())
    XCTAssertEqual(r.output, #"""
      line,decision,reasons,fee,note_size
      1,approved,,0.02,-1
      2,declined,small,2.27,-1

      """#)
    XCTAssertEqual(r.problems, [])
    XCTAssertEqual(r.summary.records, 2)
    XCTAssertEqual(r.summary.outcomes, ["approved": 1, "declined": 1])
  }

  func testFormatIsGuessedFromNameThenFirstByte() {
    XCTAssertEqual(InputRecords.format(path: "a.csv", bytes: Array("{".utf8)), .csv)
    XCTAssertEqual(InputRecords.format(path: "a.jsonl", bytes: []), .jsonl)
    XCTAssertEqual(InputRecords.format(path: "a.ndjson", bytes: []), .jsonl)
    XCTAssertEqual(InputRecords.format(path: "a.json", bytes: []), .json)
    XCTAssertEqual(InputRecords.format(path: "-", bytes: Array("  [1]".utf8)), .json)
    XCTAssertEqual(InputRecords.format(path: "-", bytes: Array("\n{}".utf8)), .jsonl)
    XCTAssertEqual(InputRecords.format(path: "-", bytes: Array("a,b".utf8)), .csv)
  }

  /// Dotted headers build nested records; a list column takes JSON; a string column keeps leading
  /// zeros; CSV text is never coerced into a bool or int of another spelling.
  func testCSVNestedRecordsListsAndStrictScalars() {
    guard let p = PolicyFixtures.compile("""
      policy: nested
      inputs:
        app:
          id: string
          ok: bool
          n: int
          tags: list(string)
          address: {city: string, zip: string}
          at: timestamp
      outputs:
        city: app.address.city
        tags: size(app.tags)
        n: app.n + 1
        ok: app.ok
        zip: app.address.zip
      """) else { return }
    var options = DryRun.Options()
    options.format = .csv
    var output: [UInt8] = []
    var problems: [String] = []
    let csv = #"""
      app.id,app.ok,app.n,app.tags,app.address.city,app.address.zip,app.at
      A,true,3,"[""x"",""y""]",Berlin,01234,2026-01-01T00:00:00Z
      B,TRUE,3.0,[],Köln,5,2026-01-01T00:00:00Z
      C,false,-7,[],Paris,007,2026-01-32
      """#
    let summary = DryRun.run(p, input: Array(csv.utf8), format: .csv, options: options, emit: { output += $0 }, problem: { problems.append($0) })
    XCTAssertEqual(String(decoding: output, as: UTF8.self), """
      line,decision,reasons,city,tags,n,ok,zip
      2,approved,,Berlin,2,4,true,01234

      """)
    XCTAssertEqual(problems, [
      #"line 3: app.ok: expected bool, found string "TRUE"; app.n: expected int, found number 3.0"#,
      #"line 4: app.at: expected timestamp (an RFC 3339 string), found string "2026-01-32""#,
    ])
    XCTAssertEqual(summary.records, 1)
    XCTAssertEqual(summary.badRecords, 2)
  }
}
