import XCTest

@testable import PolicyExpr

final class TypedValueTests: XCTestCase {
  /// Decodes `text`, checks that encoding gives `canonical` (default: `text`), and that it decodes again.
  private func assertRoundTrip(_ text: String, _ canonical: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
    do {
      let value = try TypedValue.decode(text)
      let encoded = TypedValue.string(value)
      XCTAssertEqual(encoded, canonical ?? text, file: file, line: line)
      XCTAssertEqual(TypedValue.string(try TypedValue.decode(encoded)), encoded, file: file, line: line)
    } catch {
      XCTFail("\(text): \(error)", file: file, line: line)
    }
  }

  func testEveryKindRoundTrips() {
    assertRoundTrip(#"{"null":null}"#)
    assertRoundTrip(#"{"bool":true}"#)
    assertRoundTrip(#"{"int":"-5"}"#)
    assertRoundTrip(#"{"int":"-9223372036854775808"}"#)
    assertRoundTrip(#"{"uint":"18446744073709551615"}"#)
    assertRoundTrip(#"{"double":1.5}"#)
    assertRoundTrip(#"{"double":-0.0}"#)
    assertRoundTrip(#"{"double":"NaN"}"#)
    assertRoundTrip(#"{"double":"Infinity"}"#)
    assertRoundTrip(#"{"double":"-Infinity"}"#)
    assertRoundTrip(#"{"double":1e+100}"#)
    assertRoundTrip(#"{"string":"héllo \"x\""}"#)
    assertRoundTrip(#"{"bytes_b64":"AAEC/w=="}"#)
    assertRoundTrip(#"{"list":[{"int":"1"},{"list":[]}]}"#)
    assertRoundTrip(#"{"map":[{"key":{"string":"a"},"value":{"int":"1"}},{"key":{"int":"2"},"value":{"null":null}}]}"#)
    assertRoundTrip(#"{"type":"int"}"#)
    assertRoundTrip(#"{"type":"list"}"#)
    assertRoundTrip(#"{"type":"map"}"#)
    assertRoundTrip(#"{"type":"type"}"#)
    assertRoundTrip(#"{"type":"null_type"}"#)
    assertRoundTrip(#"{"type":"google.protobuf.Timestamp"}"#)
    assertRoundTrip(#"{"type":"google.protobuf.Duration"}"#)
    assertRoundTrip(#"{"type":"decimal"}"#)
    assertRoundTrip(#"{"timestamp":"2009-02-13T23:31:30Z"}"#)
    assertRoundTrip(#"{"timestamp":"2009-02-13T23:31:30.100Z"}"#)
    assertRoundTrip(#"{"timestamp":"2009-02-13T23:31:30.000001Z"}"#)
    assertRoundTrip(#"{"timestamp":"2009-02-13T23:31:30.000000001Z"}"#)
    assertRoundTrip(#"{"duration":"123.321456789s"}"#)
    assertRoundTrip(#"{"duration":"-1.500s"}"#)
    assertRoundTrip(#"{"duration":"0s"}"#)
    assertRoundTrip(#"{"decimal":"1.50"}"#)
    assertRoundTrip(#"{"optional":{"int":"1"}}"#)
    assertRoundTrip(#"{"optional":null}"#)
  }

  func testCanonicalForms() {
    assertRoundTrip(#"{"int": -5}"#, #"{"int":"-5"}"#)
    assertRoundTrip(#"{"double": 2}"#, #"{"double":2.0}"#)
    assertRoundTrip(#"{"timestamp": "2009-02-13T23:31:30.1+01:00"}"#, #"{"timestamp":"2009-02-13T22:31:30.100Z"}"#)
    assertRoundTrip(#"{"duration": "1.5s"}"#, #"{"duration":"1.500s"}"#)
    assertRoundTrip(#"{"decimal": "1.50"}"#, #"{"decimal":"1.50"}"#)
    assertRoundTrip(#"{"bytes_b64": "aGk"}"#, #"{"bytes_b64":"aGk="}"#)
  }

  func testDecodedValues() throws {
    guard case .double(let nan) = try TypedValue.decode(#"{"double":"NaN"}"#), nan.isNaN else { return XCTFail("NaN") }
    guard case .double(let z) = try TypedValue.decode(#"{"double":-0.0}"#), z == 0, z.sign == .minus else { return XCTFail("-0") }
    guard case .decimal(let d) = try TypedValue.decode(#"{"decimal":"1.50"}"#) else { return XCTFail("decimal") }
    XCTAssertEqual(d, DecimalNumber(parsing: "1.5"))
    guard case .type(.timestamp) = try TypedValue.decode(#"{"type":"google.protobuf.Timestamp"}"#) else { return XCTFail("type") }
    guard case .duration(let dur) = try TypedValue.decode(#"{"duration":"123.321456789s"}"#) else { return XCTFail("duration") }
    XCTAssertEqual(dur, DurationValue(seconds: 123, nanos: 321_456_789))
    guard case .map(let map) = try TypedValue.decode(#"{"map":[{"key":{"uint":"1"},"value":{"bool":true}}]}"#),
      case .bool(true)? = map.lookup(.int(1))
    else { return XCTFail("map") }
  }

  func testObjectsEncodeAsMaps() {
    let type = ObjectType(name: "r", fields: [.init(name: "a", type: .int), .init(name: "b", type: .int, optional: true)])
    XCTAssertEqual(
      TypedValue.string(.object(ObjectValue(type: type, fields: [.int(1), nil]))),
      #"{"map":[{"key":{"string":"a"},"value":{"int":"1"}}]}"#)
  }

  func testErrors() {
    let cases: [(String, TypedValueError.Code, String)] = [
      (#"{"int":"1.5"}"#, .malformed, "invalid int '1.5'"),
      (#"{"uint":"-1"}"#, .malformed, "invalid uint '-1'"),
      (#"{"double":"nan"}"#, .malformed, "invalid double 'nan'"),
      (#"{"bytes_b64":"a$=="}"#, .malformed, "invalid base64 'a$=='"),
      (#"{"timestamp":"2009-02-30T00:00:00Z"}"#, .malformed, "invalid timestamp '2009-02-30T00:00:00Z'"),
      (#"{"duration":"5"}"#, .malformed, "invalid duration '5'"),
      (#"{"int":"1","uint":"1"}"#, .malformed, "expected an object with exactly one key naming the kind, found object"),
      (#"[1]"#, .malformed, "expected an object with exactly one key naming the kind, found array"),
      (#"{"long":"1"}"#, .malformed, "unknown value kind 'long'"),
      (#"{"bool":"true"}"#, .malformed, #"invalid 'bool' payload: string "true""#),
      (#"{"map":[{"key":{"int":"1"},"value":{"null":null}},{"key":{"uint":"1"},"value":{"null":null}}]}"#, .malformed, "duplicate map key {\"uint\":\"1\"}"),
      (#"{"map":[{"key":{"double":1.0},"value":{"null":null}}]}"#, .malformed, "unsupported map key {\"double\":1.0}"),
      (#"{"map":[{"k":{"int":"1"}}]}"#, .malformed, "expected a map entry {\"key\": …, \"value\": …}, found object"),
      (#"{"type":"cel.expr.conformance.proto3.TestAllTypes"}"#, .unsupported, "protobuf message types are not supported: 'cel.expr.conformance.proto3.TestAllTypes'"),
      (#"{"type":"integer"}"#, .malformed, "unknown type name 'integer'"),
      (#"{"object":{"type_url":"x","json":{}}}"#, .unsupported, "protobuf 'object' values are not supported"),
      (#"{"int":"1"} x"#, .malformed, "malformed JSON at 1:13: expected end of input, found 'x'"),
    ]
    for (text, code, message) in cases {
      XCTAssertThrowsError(try TypedValue.decode(text), text) { error in
        XCTAssertEqual((error as? TypedValueError)?.code, code, text)
        XCTAssertEqual((error as? TypedValueError)?.message, message, text)
      }
    }
  }
}
