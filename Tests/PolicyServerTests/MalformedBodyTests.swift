import PolicyJSON
import XCTest
@testable import PolicyServer

/// An engine whose policy takes `{"amount": int}` through the real schema decoder, refusing inputs
/// the way ``PolicyEngine`` does (`input_malformed_json` for a body that is not JSON).
final class SchemaEngine: DecisionEngine {
  let decoder: JSONSchemaDecoder

  /// An engine whose inputs have `type` (by default an object with one `int` field, `amount`).
  init(type: CELType = .object(ObjectType(name: "Input", fields: [.init(name: "amount", type: .int)]))) {
    decoder = JSONSchemaDecoder(type)
  }

  func decide(_ request: DecisionRequest) -> DecisionAnswer {
    var canonical: [UInt8]?
    switch request.input.withUnsafeBytes({ decoder.decode($0, canonical: &canonical) }) {
    case .failure(let errors):
      return .rejected(.invalidInput(errors.errors.map { e in
        WireErrorDetail(code: e.code.rawValue, location: WireLocation(line: e.line, column: e.column), message: e.message)
      }))
    case .success:
      return .decided(EngineDecision(version: "v1", outcome: "approved", body: Array(#"{"decision":"approved"}"#.utf8),
                                     evaluationMicros: 1, canonicalInput: canonical))
    }
  }

  func policies() -> [PolicyStatus] { [] }
  func policyDetail(id: String) -> PolicyDetail? { nil }
  func reload() -> [ReloadResult] { [] }
  var isReady: Bool { true }
}

/// Bodies that are not JSON get the 400 `malformed_json` answer from the one reader (there is no
/// second syntax pass), located by line and column, the column in Unicode scalars.
final class MalformedBodyTests: XCTestCase {
  private func answer<Engine: DecisionEngine>(_ engine: Engine, _ body: [UInt8]) -> HTTPResponse {
    DecisionService(engine: engine, log: nil).handle(
      HTTPRequest(method: "POST", path: "/v1/decisions/limits",
                  headers: HTTPFields([HTTPField(name: "content-type", value: "application/json")]), body: body))
  }

  private func malformed(line: Int, column: Int, _ message: String) -> String {
    #"{"code":"malformed_json","message":"request body is not valid JSON","errors":[{"code":"json_syntax_error","location":{"line":\#(line),"column":\#(column)},"message":"\#(message)"}]}"#
  }

  func testLocatesTheFirstErrorWithLineAndColumn() {
    let cases: [(String, Int, Int, String)] = [
      ("", 1, 1, "expected a JSON value, found end of input"),
      ("   ", 1, 4, "expected a JSON value, found end of input"),
      ("{\"amount\": 1,\n \"b\" 2}", 2, 6, "expected ':' after the object key, found '2'"),
      ("{\"amount\": 1\n  \"b\": 2}", 2, 3, #"expected ',' or '}', found '\"'"#),
      ("{\"amount\": 012}", 1, 12, "expected a number as RFC 8259 writes it, found '012'"),
      ("{\"amount\": tru}", 1, 12, "expected a JSON value, found 't'"),
      ("{amount: 1}", 1, 2, "expected a string key, found 'a'"),
      ("{\"amount\": 7,}", 1, 14, "expected a string key, found '}'"),
      ("{\"é\": \"ü\" x}", 1, 11, "expected ',' or '}', found 'x'"),  // byte 13: columns count scalars
      ("{} x", 1, 4, "expected end of input, found 'x'"),
    ]
    for (text, line, column, message) in cases {
      let response = answer(SchemaEngine(), Array(text.utf8))
      XCTAssertEqual(response.status, 400, text)
      XCTAssertEqual(String(decoding: response.body, as: UTF8.self), malformed(line: line, column: column, message), text)
    }
    // An engine that decides without parsing: the service's canonical pass refuses the body.
    let response = answer(FakeEngine(), Array("{\"amount\": 7,}".utf8))
    XCTAssertEqual(String(decoding: response.body, as: UTF8.self), malformed(line: 1, column: 14, "expected a string key, found '}'"))
  }

  func testInvalidUTF8AndNestingOverTheLimit() {
    let bad = answer(SchemaEngine(), Array("{\"amount\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8))
    XCTAssertEqual(bad.status, 400)
    XCTAssertTrue(String(decoding: bad.body, as: UTF8.self).contains(#""location":{"line":1,"column":14},"message":"expected UTF-8 text, found byte 0x28""#),
                  String(decoding: bad.body, as: UTF8.self))
    let deep = Array(("{\"amount\":" + String(repeating: "[", count: 129) + String(repeating: "]", count: 129) + "}").utf8)
    let response = answer(SchemaEngine(), deep)
    XCTAssertEqual(response.status, 400)
    XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains("at most 128 nested arrays and objects"))
  }

  func testSchemaErrorsStay422() {
    let response = answer(SchemaEngine(), Array(#"{"amount": "x"}"#.utf8))
    XCTAssertEqual(response.status, 422)
    XCTAssertTrue(String(decoding: response.body, as: UTF8.self).hasPrefix(#"{"code":"invalid_input""#))
    XCTAssertEqual(answer(SchemaEngine(), Array("{\n \"amount\" : 5 }".utf8)).status, 200)
  }
}
