import PolicyExpr
import XCTest

@testable import PolicyLSP

/// Hover, completion and go to definition on ``SamplePolicy``.
final class FeatureTests: XCTestCase {
  let text = SamplePolicy.text
  lazy var session: LSPSession = {
    let s = LSPSession()
    XCTAssertEqual(s.open(text), [])
    return s
  }()

  private func hover(_ needle: String, _ delta: Int = 0) -> String? {
    session.at("textDocument/hover", LSPSession.position(of: needle, in: text, delta: delta))?["contents"]?["value"]?.stringValue
  }

  private func labels(_ needle: String, _ delta: Int = 0) -> [String] {
    guard case .array(let items)? = session.at("textDocument/completion", LSPSession.position(of: needle, in: text, delta: delta))?["items"] else { return [] }
    return items.compactMap { $0["label"]?.stringValue }
  }

  private func definition(_ needle: String, _ delta: Int = 0) -> Position? {
    let start = session.at("textDocument/definition", LSPSession.position(of: needle, in: text, delta: delta))?["range"]?["start"]
    return Position(json: start)
  }

  func testHoverOnNamesInsideExpressions() {
    XCTAssertEqual(hover("haircut)", 2), "constant `haircut`: `decimal` = `0.05`")
    XCTAssertEqual(hover("net <= cap", 8), "constant `cap`: `decimal` = `1000.00`")
    XCTAssertEqual(hover("net <= cap", 1), "let `net`: `decimal`\n\n```\nr.amount * (1.00 - haircut)\n```")
    // A field with non-ASCII text in its description, and the record itself.
    XCTAssertEqual(hover("r.amount *", 3), "field `r.amount`: `decimal`\n\nMontant demandé in euros.")
    XCTAssertEqual(hover("r.amount *", 0), "input `r`: `record`\n\nfields: amount, grade, site, owner")
    XCTAssertEqual(hover("grade_limit", 3), "table `grade_limit`: `decimal`\n\nThe limit by grade.\n\n```\ntable 'grade-limit', hit policy unique, 2 rows\ninputs: r.grade\noutputs: limit: decimal\n```")
    XCTAssertEqual(hover("geo.inside", 5), "function `geo.inside`\n\n```\ngeo.inside(string, dyn, dyn) -> bool\n```")
    // The hover range is the whole function name.
    let range = session.at("textDocument/hover", LSPSession.position(of: "geo.inside", in: text, delta: 1))?["range"]
    XCTAssertEqual(range?["end"]?["character"]?.intValue, LSPSession.position(of: "geo.inside", in: text, delta: 10).character)
    // Inside a template's placeholder, but not in its text.
    XCTAssertEqual(hover("${cap}", 3), "constant `cap`: `decimal` = `1000.00`")
    XCTAssertNil(hover("Montant ${", 2))
  }

  func testHoverOnKeysAndNotOnOtherText() {
    XCTAssertEqual(hover("haircut: 0.05", 1), "constant `haircut`: `decimal` = `0.05`")
    XCTAssertEqual(hover("net: r.amount", 1), "let `net`: `decimal`\n\n```\nr.amount * (1.00 - haircut)\n```")
    XCTAssertEqual(hover("amount: {type", 2), "field `r.amount`: `decimal`\n\nMontant demandé in euros.")
    XCTAssertEqual(hover("north-yard: {box", 2), "region `north-yard`\n\n```\nbox [9.9, 53.6, 9.95, 53.63] (min lon, min lat, max lon, max lat)\n```")
    XCTAssertEqual(hover("id: grade-limit", 6)?.hasPrefix("table `grade_limit`"), true)
    XCTAssertNil(hover("description: Crédit", 15))
    XCTAssertNil(hover("id: under-cap", 5))
  }

  func testCompletionOfFieldsLetsConstantsTablesAndFunctions() {
    XCTAssertEqual(labels("r.amount *", 2), ["amount", "grade", "owner", "site"])
    XCTAssertEqual(labels("r.amount *", 3), ["amount"])
    let all = labels("net <= cap", 0)
    for name in ["advance", "cap", "grade_limit", "haircut", "inside", "net", "now", "r", "size", "geo.inside", "math.round"] {
      XCTAssertTrue(all.contains(name), "\(name) missing from \(all.prefix(40))")
    }
    XCTAssertFalse(all.contains("getHours"), "methods are offered after a dot only")
    XCTAssertFalse(all.contains { $0.hasPrefix("_") }, "no operators")
    XCTAssertEqual(labels("haircut)", 4), ["haircut"])
    XCTAssertEqual(labels("geo.inside", 4), ["distanceKm", "inside"])
    XCTAssertEqual(labels("description: Crédit", 16), [])
  }

  func testCompletionOfNestedFieldsAndMethodsAfterADot() {
    let s = LSPSession()
    let edited = text.replacingOccurrences(of: "advance: net", with: "advance: r.owner.\n  later: net.")
    s.open(edited)
    func labels(_ needle: String, _ delta: Int) -> [String] {
      guard case .array(let items)? = s.at("textDocument/completion", LSPSession.position(of: needle, in: edited, delta: delta))?["items"] else { return [] }
      return items.compactMap { $0["label"]?.stringValue }
    }
    XCTAssertEqual(labels("r.owner.", 8), ["name"])
    let methods = labels("net.", 4)
    XCTAssertTrue(methods.contains("getHours") && methods.contains("size") && !methods.contains("geo.inside"), "\(methods)")
  }

  func testCompletionWhileTheYAMLIsBrokenUsesTheLastNames() {
    let s = LSPSession()
    s.open(text)
    let broken = text + "  broken: [r.\n"
    XCTAssertEqual(s.change(broken).first?["code"]?.stringValue?.hasPrefix("yaml_"), true)
    guard case .array(let items)? = s.at("textDocument/completion", LSPSession.position(of: "broken: [r.", in: broken, delta: 11))?["items"] else {
      return XCTFail("no completion")
    }
    XCTAssertEqual(items.compactMap { $0["label"]?.stringValue }, ["amount", "grade", "owner", "site"])
  }

  func testDefinitionOfLetsTablesConstantsAndRegions() {
    XCTAssertEqual(definition("net <= cap", 1), LSPSession.position(of: "net: r.amount", in: text))
    XCTAssertEqual(definition("net <= cap", 8), LSPSession.position(of: "cap: {type", in: text))
    XCTAssertEqual(definition("grade_limit", 2), LSPSession.position(of: "grade-limit", in: text))
    XCTAssertEqual(definition("\"north-yard\"", 3), LSPSession.position(of: "north-yard: {box", in: text))
    XCTAssertEqual(definition("site: {enum: [north-yard", 16), LSPSession.position(of: "north-yard: {box", in: text))
    XCTAssertEqual(definition("r.amount *", 4), LSPSession.position(of: "amount: {type", in: text))
    XCTAssertNil(definition("policy: sample", 10))
    XCTAssertNil(definition("geo.inside", 5))  // a built-in has no declaration
  }

  func testAnUnknownDocumentAnswersNull() {
    XCTAssertEqual(session.at("textDocument/hover", Position(line: 0, character: 0), uri: "file:///other.yaml"), .null)
  }
}
