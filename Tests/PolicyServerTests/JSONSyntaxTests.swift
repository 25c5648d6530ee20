import XCTest
@testable import PolicyServer

final class JSONSyntaxTests: XCTestCase {
  func testAcceptsWellFormedDocuments() {
    for text in ["{}", "[]", " {\"a\": [1, -2.5e+3, 0, true, false, null, \"\\u00e9\\n\", \"é\"]}\n", "0", "\"s\"", "[[[]]]",
                 "{\"a\":{\"b\":{}}, \"c\": -0.0E1}"] {
      XCTAssertNil(JSONSyntax().validate(Array(text.utf8)), text)
    }
  }

  func testLocatesTheFirstErrorWithLineAndColumn() {
    let cases: [(String, Int, Int, String)] = [
      ("", 1, 1, "request body is empty"),
      ("   ", 1, 4, "unexpected end of input"),
      ("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':' after object key, found '2'"),
      ("{\"a\": 1\n  \"b\": 2}", 2, 3, "expected ',' or '}' after object member, found '\"'"),
      ("[1, 2", 1, 6, "unexpected end of input"),
      ("[1 2]", 1, 4, "expected ',' or ']' after array element, found '2'"),
      ("{a: 1}", 1, 2, "expected '\"' to start an object key, found 'a'"),
      ("{\"a\": tru}", 1, 7, "unexpected 'tru'"),
      ("{\"a\": 012}", 1, 7, "invalid number '012'"),
      ("{\"a\": 1.}", 1, 7, "invalid number '1.'"),
      ("{\"a\": -}", 1, 7, "invalid number '-'"),
      ("\"abc", 1, 5, "unterminated string"),
      ("\"a\\qb\"", 1, 3, "invalid escape '\\q' in string"),
      ("\"a\\u12G4\"", 1, 7, "invalid '\\u' escape: expected 4 hex digits"),
      ("\"a\tb\"", 1, 3, "unescaped control character U+0009 in string"),
      ("{} x", 1, 4, "unexpected 'x' after the JSON value"),
      ("{\"a\": 'x'}", 1, 7, "unexpected '''"),
    ]
    for (text, line, column, message) in cases {
      let error = JSONSyntax().validate(Array(text.utf8))
      XCTAssertEqual(error.map { "\($0.line):\($0.column): \($0.message)" }, "\(line):\(column): \(message)", text)
    }
  }

  func testRejectsInvalidUTF8AndNestingOverTheLimit() {
    XCTAssertEqual(JSONSyntax().validate([0x22, 0xC3, 0x28, 0x22])?.message, "invalid UTF-8 in string")
    let deep = Array((String(repeating: "[", count: 129) + String(repeating: "]", count: 129)).utf8)
    XCTAssertEqual(JSONSyntax().validate(deep).map { "\($0.column): \($0.message)" }, "129: nesting deeper than 128 levels")
    let limit = Array((String(repeating: "[", count: 128) + String(repeating: "]", count: 128)).utf8)
    XCTAssertNil(JSONSyntax().validate(limit))
    XCTAssertEqual(JSONSyntax(maxNesting: 2).validate(Array("{\"a\":[{}]}".utf8))?.message, "nesting deeper than 2 levels")
  }

  func testWireErrorOfASyntaxError() throws {
    let error = try XCTUnwrap(JSONSyntax().validate(Array("{\n  \"amount\": 12,,\n}".utf8)))
    XCTAssertEqual(String(decoding: error.wireError.json, as: UTF8.self),
                   #"{"code":"malformed_json","message":"request body is not valid JSON","errors":[{"code":"json_syntax_error","location":{"line":2,"column":16},"message":"expected '\"' to start an object key, found ','"}]}"#)
  }
}
