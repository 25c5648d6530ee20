import Foundation
import PolicyJSON
import XCTest
@testable import PolicyServer

/// The log stores inputs as canonical one-line JSON and `proviso log`'s lines (``DecisionRecord/jsonLine``)
/// are JSONL: one JSON object per line, whatever the bodies held.
final class DecisionLogJSONLTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws { directory = try temporaryDirectory("jsonl") }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  /// Bodies with line breaks, tabs, U+2028/U+2029, astral characters, escapes and deep nesting.
  static let bodies: [String] = [
    "{\n  \"amount\": 7,\n  \"note\": \"first\\nsecond\\r\\nthird\"\n}\n",
    "{\"amount\":\t8,\t\"note\":\"tab\\there\"}",
    "{\"amount\": 9, \"note\": \"\u{2028}line\u{2029}separators\"}",
    "{\"amount\": 10, \"note\": \"𝄞 😀 \\ud83d\\ude00 \\u00e9\", \"esc\": \"\\/\\\"\\\\\\b\\f\"}",
    "{\"amount\": 11, \"deep\": " + String(repeating: "[\n", count: 120) + String(repeating: "]\n", count: 120) + "}",
    "\r\n\t {\"amount\" :\r\n 12 } \r\n",
  ]

  /// Decides each body through the service (an HTTP-less handler over a ``FakeEngine``) and returns the
  /// exported lines.
  /// Each body is decided twice: by an engine whose decoder makes the canonical form in its pass
  /// (``SchemaEngine``), and by one that leaves it to the service (``FakeEngine``).
  private func decideAndExport() throws -> (lines: [Substring], log: DecisionLog) {
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    let handlers: [(HTTPRequest) -> HTTPResponse] = [
      DecisionService(engine: SchemaEngine(type: .dyn), log: log).handle, DecisionService(engine: FakeEngine(), log: log).handle,
    ]
    for handle in handlers {
      for body in Self.bodies {
        let response = handle(HTTPRequest(method: "POST", path: "/v1/decisions/limits",
          headers: HTTPFields([HTTPField(name: "content-type", value: "application/json")]), body: Array(body.utf8)))
        XCTAssertEqual(response.status, 200, body)
      }
    }
    var export = ""
    try log.reader.forEachDecision(matching: DecisionQuery()) { record in
      export += record.jsonLine + "\n"
      return true
    }
    return (export.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 }, log)
  }

  func testExportIsOneStrictJSONObjectPerLine() throws {
    let (lines, log) = try decideAndExport()
    defer { log.close() }
    XCTAssertEqual(lines.count, 2 * Self.bodies.count)
    var inputs: [JSONValue] = []
    for line in lines {
      guard case .object(let object) = try JSONReader.parse(String(line)) else { return XCTFail("not an object: \(line)") }
      inputs.append(try XCTUnwrap(object["input"]))
    }
    // Same documents, in decision order (ids are time-ordered).
    let expected = try Self.bodies.map { try JSONReader.parse($0) }
    XCTAssertEqual(inputs.count, 2 * expected.count)
    XCTAssertEqual(Set(inputs), Set(expected))
  }

  func testStoredInputIsTheCanonicalForm() throws {
    let (_, log) = try decideAndExport()
    defer { log.close() }
    let stored = try log.reader.decisions(matching: DecisionQuery()).map(\.inputJSON)
    let expected = try Self.bodies.map { String(decoding: try JSONWriter.canonical(Array($0.utf8)), as: UTF8.self) }
    XCTAssertEqual(stored.count, 2 * expected.count)
    XCTAssertEqual(Set(stored), Set(expected), "both engines store the same canonical form")
    for input in stored {
      XCTAssertFalse(input.utf8.contains { $0 < 0x20 }, input)
      XCTAssertFalse(input.contains(": ") || input.contains(", "), input)  // no insignificant spaces (the notes have none after ':' or ',')
    }
  }

  func testRecordsFromOlderLogsExportAsOneLineToo() throws {
    // Logs written before canonical storage hold raw bodies; a stored text that is not JSON at all
    // becomes a JSON string rather than breaking the line.
    for input in ["{\n\t\"amount\": 1\n}\n", "not json\nat all", ""] {
      let record = DecisionRecord(id: "01TESTOLD", at: 0, policy: "p", version: "v", inputJSON: input,
                                  resultJSON: "{\n\"decision\": \"approved\"}", latencyMicros: 1)
      let line = record.jsonLine
      XCTAssertFalse(line.contains("\n"), line)
      guard case .object(let object) = try JSONReader.parse(line) else { return XCTFail(line) }
      switch input {
      case "": XCTAssertEqual(object["input"], .null)
      case "not json\nat all": XCTAssertEqual(object["input"], .string(input))
      default: XCTAssertEqual(object["input"], try JSONReader.parse(input))
      }
      XCTAssertEqual(object["result"], try JSONReader.parse("{\"decision\":\"approved\"}"))
    }
  }
}
