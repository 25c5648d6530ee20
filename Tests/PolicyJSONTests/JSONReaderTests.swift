import XCTest

@testable import PolicyJSON

final class JSONReaderTests: XCTestCase {
  private func number(_ text: String, integer: Bool) -> JSONValue {
    .number(JSONNumber(validText: text, isInteger: integer))
  }

  func testScalars() throws {
    XCTAssertEqual(try JSONReader.parse("null"), .null)
    XCTAssertEqual(try JSONReader.parse(" true "), .bool(true))
    XCTAssertEqual(try JSONReader.parse("\tfalse\r\n"), .bool(false))
    XCTAssertEqual(try JSONReader.parse("\"hi\""), .string("hi"))
    XCTAssertEqual(try JSONReader.parse("-0"), number("-0", integer: true))
    XCTAssertEqual(try JSONReader.parse("100.10"), number("100.10", integer: false))
    XCTAssertEqual(try JSONReader.parse("1E+2"), number("1E+2", integer: false))
  }

  func testContainersKeepOrder() throws {
    let value = try JSONReader.parse(#"{"b": [1, {"c": null}], "a": "x", "": {}}"#)
    guard case .object(let object) = value else { return XCTFail("not an object") }
    XCTAssertEqual(object.keys, ["b", "a", ""])
    XCTAssertEqual(object["a"], .string("x"))
    XCTAssertEqual(object[""], .object(JSONObject()))
    XCTAssertEqual(object["b"], .array([number("1", integer: true), .object(JSONObject(keys: ["c"], values: [.null]))]))
    XCTAssertEqual(try JSONReader.parse("[]"), .array([]))
  }

  func testEscapesAndUnicode() throws {
    XCTAssertEqual(try JSONReader.parse(#""a\"b\\c\/d\b\f\n\r\t""#), .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
    XCTAssertEqual(try JSONReader.parse(#""\u00e9\u4E2D""#), .string("é中"))
    XCTAssertEqual(try JSONReader.parse(#""\ud83d\ude00 smile""#), .string("😀 smile"))
    XCTAssertEqual(try JSONReader.parse("\"é中😀\""), .string("é中😀"))
    XCTAssertEqual(try JSONReader.parse(#""\u0000""#), .string("\u{0}"))
  }

  func testNumberConversions() throws {
    XCTAssertEqual(JSONNumber(validText: "9223372036854775807", isInteger: true).int64Value, Int64.max)
    XCTAssertEqual(JSONNumber(validText: "-9223372036854775808", isInteger: true).int64Value, Int64.min)
    XCTAssertNil(JSONNumber(validText: "9223372036854775808", isInteger: true).int64Value)
    XCTAssertEqual(JSONNumber(validText: "18446744073709551615", isInteger: true).uint64Value, UInt64.max)
    XCTAssertNil(JSONNumber(validText: "18446744073709551616", isInteger: true).uint64Value)
    XCTAssertNil(JSONNumber(validText: "-1", isInteger: true).uint64Value)
    XCTAssertNil(JSONNumber(validText: "1.5", isInteger: false).int64Value)
    XCTAssertEqual(JSONNumber(validText: "-0", isInteger: true).doubleValue.sign, .minus)
    XCTAssertEqual(JSONNumber(validText: "1e400", isInteger: false).doubleValue, .infinity)
    XCTAssertEqual(JSONNumber(validText: "-1e400", isInteger: false).doubleValue, -.infinity)
    for text in [
      "0.1", "1.5", "123.456", "-2.5e-3", "1e22", "1e23", "9007199254740993", "0.000001", "5e-324",
      "1.7976931348623157e308", "12345678901234567890123", "0.30000000000000004", "100.10",
    ] {
      XCTAssertEqual(JSONNumber(validText: text, isInteger: false).doubleValue, Double(text)!, text)
    }
  }

  func testSyntaxErrorsAreLocated() {
    let cases: [(String, String)] = [
      ("", "1:1: expected a JSON value, found end of input"),
      ("[1, 2", "1:6: expected ',' or ']', found end of input"),
      ("{\"a\" 1}", "1:6: expected ':' after the object key, found '1'"),
      ("{\"a\": 1,}", "1:9: expected a string key, found '}'"),
      ("[1,\n 2 x]", "2:4: expected ',' or ']', found 'x'"),
      ("tru", "1:1: expected a JSON value, found 't'"),
      ("01", "1:1: expected a number as RFC 8259 writes it, found '01'"),
      ("1.", "1:1: expected a number as RFC 8259 writes it, found '1.'"),
      ("-", "1:1: expected a number as RFC 8259 writes it, found '-'"),
      (".5", "1:1: expected a JSON value, found '.'"),
      ("+1", "1:1: expected a JSON value, found '+'"),
      ("1 2", "1:3: expected end of input, found '2'"),
      ("\"abc", "1:5: expected '\"' to close the string opened at 1:1, found end of input"),
      ("\"a\nb\"", "1:3: expected an escape for control character, found U+000A"),
      (#""\x""#, "1:3: expected an escape sequence (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found 'x'"),
      (#""\u12G4""#, "1:6: expected four hex digits after '\\u', found 'G'"),
      (#""\ud800""#, "1:8: expected a low surrogate escape after '\\uD800', found '\"'"),
      (#""\ud800\u0041""#, "1:8: expected a low surrogate escape after '\\uD800', found '\\u0041'"),
      (#""\udc00""#, "1:2: expected a high surrogate before '\\uDC00', found a lone low surrogate"),
      ("{\"a\": 1, \"a\": 2}", "1:10: expected distinct object keys, found a second 'a'"),
      ("{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1,\"b\":2}",
        "1:56: expected distinct object keys, found a second 'b'"),
      ("{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1,\"i\":2}",
        "1:56: expected distinct object keys, found a second 'i'"),
      ("\"é\" x", "1:5: expected end of input, found 'x'"),
    ]
    for (text, expected) in cases {
      XCTAssertThrowsError(try JSONReader.parse(text), text) { error in
        XCTAssertEqual((error as? JSONError)?.description, expected, text)
      }
    }
  }

  func testErrorCodes() {
    func code(_ bytes: [UInt8]) -> JSONError.Code? {
      do {
        _ = try JSONReader.parse(bytes)
        return nil
      } catch { return error.code }
    }
    XCTAssertEqual(code(Array("[01]".utf8)), .invalidNumber)
    XCTAssertEqual(code(Array("{\"k\":1,\"k\":1}".utf8)), .duplicateKey)
    XCTAssertEqual(code(Array("\"\\q\"".utf8)), .invalidString)
    XCTAssertEqual(code([0x22, 0xC3, 0x28, 0x22]), .invalidUTF8)
  }

  func testInvalidUTF8IsRejectedWithOffset() {
    let cases: [([UInt8], Int, String)] = [
      ([0x22, 0x61, 0xFF, 0x22], 2, "byte 0xFF"),
      ([0x22, 0xC0, 0xAF, 0x22], 1, "byte 0xC0"),  // overlong '/'
      ([0x22, 0xED, 0xA0, 0x80, 0x22], 2, "byte 0xA0"),  // encoded surrogate
      ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2, "byte 0x90"),  // above U+10FFFF
      ([0x22, 0xE4, 0xB8], 1, "a truncated UTF-8 sequence"),
      ([0x22, 0x5C, 0x6E, 0xE4, 0x22], 4, "byte 0x22"),  // after an escape
    ]
    for (bytes, offset, found) in cases {
      XCTAssertThrowsError(try JSONReader.parse(bytes)) { error in
        let error = error as? JSONError
        XCTAssertEqual(error?.code, .invalidUTF8, "\(bytes)")
        XCTAssertEqual(error?.offset, offset, "\(bytes)")
        XCTAssertEqual(error?.found, found, "\(bytes)")
      }
    }
  }

  func testNestingLimit() throws {
    let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
    XCTAssertNoThrow(try JSONReader.parse(ok))
    let deep = String(repeating: "[", count: 100_000)
    XCTAssertThrowsError(try JSONReader.parse(deep)) { error in
      XCTAssertEqual((error as? JSONError)?.code, .tooDeep)
      XCTAssertEqual((error as? JSONError)?.description, "1:129: expected at most 128 nested arrays and objects, found deeper nesting")
    }
    let objects = String(repeating: "{\"a\":", count: 200) + "1" + String(repeating: "}", count: 200)
    XCTAssertThrowsError(try JSONReader.parse(objects)) { error in
      XCTAssertEqual((error as? JSONError)?.offset, 128 * 5)
    }
  }

  func testJSONLines() {
    let text = "{\"a\":1}\r\n\n  \n[2]\n3"
    let bytes = Array(text.utf8)
    let lines = bytes.withUnsafeBytes { Array(JSONLines($0)) }
    XCTAssertEqual(lines.map(\.number), [1, 4, 5])
    XCTAssertEqual(lines.map { String(decoding: bytes[$0.range], as: UTF8.self) }, ["{\"a\":1}", "[2]", "3"])
  }

  /// Cases in the spirit of JSONTestSuite's `y_` (must accept) and `n_` (must reject) files.
  func testAcceptsAndRejectsLikeRFC8259() {
    let accepted = [
      "[1E22]", "[-0]", "[1e-0]", "[0e1]", "[0E+1]", "[123e65]", " [] ", "{\"\":0}", "[[] ]", "[\"\\uDBFF\\uDFFF\"]",
      "[\"\\u0061\\u30af\\u30EA\\u30b9\"]", "{\"a\":{\"b\":[true,false,null]}}", "\"\u{7F}\"", "[-123.456e-789]",
      "[1.0e+28]", "\n[\n1\n]\n", "{\"a\":\"b\",\"A\":\"c\"}",
    ]
    for text in accepted {
      XCTAssertNoThrow(try JSONReader.parse(text), text)
    }
    let rejected = [
      "[1,]", "[,1]", "{\"a\":1,}", "[1 2]", "[-]", "[.123]", "[1.]", "[01]", "[-01]", "[1e]", "[1e+]", "[0x1]",
      "[Infinity]", "[NaN]", "[+1]", "[\"\\x00\"]", "[tru]", "{'a':1}", "{\"a\" 1}", "[1]]", "[\"a", "[\"\t\"]",
      "{\"a\":1 \"b\":2}", "[1,,2]", "{1:1}", "[\"\\u00\"]", "[\"\\uqqqq\"]", "[\u{FEFF}1]", "\u{FEFF}[1]", "[1.e1]",
      "[2.e+3]", "[-.1]", "[1e1.5]", "{\"a\":}", "[truefalse]", "[nulll]", "[]x", "{}}", "", " ", "[\"\\\"]",
    ]
    for text in rejected {
      XCTAssertThrowsError(try JSONReader.parse(text), text)
    }
  }

  /// Strings are scanned eight bytes at a time; put each special byte at every position of a word.
  func testSpecialBytesAtEveryPositionOfLongStrings() throws {
    for p in 0..<20 {
      let before = String(repeating: "a", count: p)
      let after = String(repeating: "b", count: 11)
      XCTAssertEqual(try JSONReader.parse("\"\(before)\\n\(after)\""), .string(before + "\n" + after), "\(p)")
      XCTAssertEqual(try JSONReader.parse("\"\(before)\\\"\(after)\""), .string(before + "\"" + after), "\(p)")
      XCTAssertEqual(try JSONReader.parse("\"\(before)é\u{7F}\(after)\""), .string(before + "é\u{7F}" + after), "\(p)")
      XCTAssertEqual(try JSONReader.parse("\"\(before)\""), .string(before), "\(p)")
      XCTAssertThrowsError(try JSONReader.parse("\"\(before)\u{1F}\(after)\""), "\(p)") { error in
        XCTAssertEqual((error as? JSONError)?.offset, p + 1)
      }
      var invalid = Array("\"\(before)".utf8)
      invalid += [0xFE]
      invalid += Array("\(after)\"".utf8)
      XCTAssertThrowsError(try JSONReader.parse(invalid), "\(p)") { error in
        XCTAssertEqual((error as? JSONError)?.offset, p + 1)
      }
    }
  }
}
