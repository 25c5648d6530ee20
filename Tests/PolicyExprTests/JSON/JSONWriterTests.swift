import PolicyJSON
import XCTest

@testable import PolicyExpr

final class JSONWriterTests: XCTestCase {
  private func json(_ value: Value) -> String { JSONWriter.string(value) }

  func testScalars() {
    XCTAssertEqual(json(.null), "null")
    XCTAssertEqual(json(.bool(true)), "true")
    XCTAssertEqual(json(.int(0)), "0")
    XCTAssertEqual(json(.int(Int64.min)), "-9223372036854775808")
    XCTAssertEqual(json(.int(Int64.max)), "9223372036854775807")
    XCTAssertEqual(json(.uint(UInt64.max)), "18446744073709551615")
    XCTAssertEqual(json(.decimal(DecimalNumber(parsing: "225000.5")!)), "\"225000.5\"")
    XCTAssertEqual(json(.bytes(Array("hi!?".utf8))), "\"aGkhPw==\"")
    XCTAssertEqual(json(.type(.list(.int))), "\"list(int)\"")
  }

  func testDoubles() {
    XCTAssertEqual(json(.double(1.5)), "1.5")
    XCTAssertEqual(json(.double(1)), "1.0")
    XCTAssertEqual(json(.double(0.1)), "0.1")
    XCTAssertEqual(json(.double(-0.0)), "-0.0")
    XCTAssertEqual(json(.double(1e16)), "1e+16")
    XCTAssertEqual(json(.double(.leastNonzeroMagnitude)), "5e-324")
    XCTAssertEqual(json(.double(.nan)), "\"NaN\"")
    XCTAssertEqual(json(.double(.infinity)), "\"Infinity\"")
    XCTAssertEqual(json(.double(-.infinity)), "\"-Infinity\"")
    for d in [0.1, 1.0 / 3, 1e300, 123456.789e-20, Double.leastNormalMagnitude, Double.greatestFiniteMagnitude] {
      guard case .number(let n) = try? JSONReader.parse(json(.double(d))) else { return XCTFail("\(d)") }
      XCTAssertEqual(n.doubleValue, d)
    }
  }

  func testStringEscaping() {
    XCTAssertEqual(json(.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/")), #""a\"b\\c\n\r\t\b\f\u0001\u001fé😀/""#)
    for p in 0..<20 {
      let before = String(repeating: "a", count: p)
      let after = String(repeating: "é", count: 6)
      XCTAssertEqual(json(.string(before + "\"" + after)), "\"" + before + "\\\"" + after + "\"")
      XCTAssertEqual(json(.string(before + "\u{1}" + after)), "\"" + before + "\\u0001" + after + "\"")
      XCTAssertEqual(json(.string(before + "\\")), "\"" + before + "\\\\\"")
    }
    let tricky = "x\u{0}y\u{7F}\u{2028}"
    XCTAssertEqual(try JSONReader.parse(json(.string(tricky))), .string(tricky))
  }

  func testTimesAndDurations() {
    XCTAssertEqual(json(.timestamp(Timestamp(seconds: 1_234_567_890))), "\"2009-02-13T23:31:30Z\"")
    XCTAssertEqual(json(.timestamp(Timestamp(seconds: 0, nanos: 500_000_000))), "\"1970-01-01T00:00:00.5Z\"")
    XCTAssertEqual(json(.timestamp(Timestamp(seconds: Timestamp.minSeconds))), "\"0001-01-01T00:00:00Z\"")
    XCTAssertEqual(json(.timestamp(Timestamp(seconds: Timestamp.maxSeconds, nanos: 999_999_999))), "\"9999-12-31T23:59:59.999999999Z\"")
    XCTAssertEqual(json(.timestamp(Timestamp(seconds: -1, nanos: 1))), "\"1969-12-31T23:59:59.000000001Z\"")
    XCTAssertEqual(json(.duration(DurationValue(seconds: 3, nanos: 500_000_000))), "\"3.5s\"")
    XCTAssertEqual(json(.duration(DurationValue(seconds: 0, nanos: -1))), "\"-0.000000001s\"")
    XCTAssertEqual(json(.duration(DurationValue(seconds: -90))), "\"-90s\"")
    XCTAssertEqual(json(.duration(DurationValue(seconds: 0))), "\"0s\"")
  }

  func testContainers() {
    XCTAssertEqual(json(.list([])), "[]")
    XCTAssertEqual(json(.list([.int(1), .string("a"), .list([.null])])), #"[1,"a",[null]]"#)
    let map = MapValue(uncheckedKeys: [.string("b"), .string("a")], values: [.int(1), .bool(false)])
    XCTAssertEqual(json(.map(map)), #"{"b":1,"a":false}"#)
    guard case .success(let mixed) = MapValue.make(keys: [.int(1), .bool(true), .uint(UInt64.max)], values: [.null, .null, .null]) else {
      return XCTFail("map")
    }
    XCTAssertEqual(json(.map(mixed)), #"{"1":null,"true":null,"18446744073709551615":null}"#)
    XCTAssertEqual(json(.map(.empty)), "{}")
    XCTAssertEqual(json(.optional(OptionalBox(.int(1)))), "1")
    XCTAssertEqual(json(.optional(OptionalBox(nil))), "null")
  }

  func testObjectsInDeclaredOrderSkippingAbsentFields() {
    let type = ObjectType(
      name: "r",
      fields: [.init(name: "z", type: .int), .init(name: "a", type: .string, optional: true), .init(name: "m", type: .decimal)])
    let object = ObjectValue(type: type, fields: [.int(2), nil, .decimal(DecimalNumber(parsing: "1.50")!)])
    XCTAssertEqual(json(.object(object)), #"{"z":2,"m":"1.50"}"#)
  }

  func testSchemaRoundTrip() throws {
    let text = JSONSchemaDecoderTests.document
    let decoder = JSONSchemaDecoder(.object(JSONSchemaDecoderTests.input))
    guard case .success(let value) = decoder.decode(text) else { return XCTFail("decode") }
    let written = JSONWriter.string(value)
    XCTAssertEqual(written, text)  // the decimal keeps its scale: "250000.00"
    guard case .success(let again) = decoder.decode(written) else { return XCTFail("decode again") }
    XCTAssertEqual(JSONWriter.string(again), written)
  }

  func testJSONValueRoundTrip() throws {
    let text = #"{"a":[1,-0,1.50,1e400,"x\ny",true,false,null],"b":{}}"#
    XCTAssertEqual(String(decoding: JSONWriter.encode(try JSONReader.parse(text)), as: UTF8.self), text)
  }

  func testDecimalTextMatchesFoundation() {
    var generator = SystemRandomNumberGenerator()
    var texts = ["0", "-0.00", "250000.00", "100.10", "-0.5", "0.000001", "1e30", "1.5e-30", "18446744073709551615",
      "18446744073709551616", "99999999999999999999999999999999999999", "-123456789.987654321", "7"]
    for _ in 0..<300 {
      let mantissa = UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator)
      let exponent = Int.random(in: -40...20, using: &generator)
      texts.append("\(Bool.random(using: &generator) ? "-" : "")\(mantissa)e\(exponent)")
    }
    for text in texts {
      guard let decimal = DecimalNumber(parsing: text) else { continue }
      XCTAssertEqual(json(.decimal(decimal)), "\"\(decimal.description)\"", text)
    }
  }
}
