import XCTest

@testable import PolicyJSON

final class JSONPullReaderTests: XCTestCase {
  private func read<T>(_ text: String, nonFinite: Bool = false, _ body: (inout JSONPullReader) throws(JSONError) -> T) throws(JSONError) -> T {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { (b) throws(JSONError) -> T in
      var reader = JSONPullReader(b, allowsNonFiniteNumbers: nonFinite)
      return try body(&reader)
    }
  }

  func testNumbersRoundCorrectly() throws {
    let texts = [
      "0", "-0.0", "0.1", "1e-7", "14917.76513671875", "10.692999839782715", "2.2250738585072014e-308",
      "123456789012345678901234567890", "0.30000000000000004", "1.7976931348623157e308", "5E-1", "-3.0333507E0",
      "0.000000000000000000000000000001", "9007199254740993",
    ]
    for text in texts {
      let value = try read(text) { (r) throws(JSONError) in try r.readDouble() }
      XCTAssertEqual(value.bitPattern, Double(text)!.bitPattern, text)
    }
  }

  func testPythonNonFiniteTokensOnlyWhenAllowed() throws {
    let values = try read("[Infinity,-Infinity,NaN, 1]", nonFinite: true) { (r) throws(JSONError) in try r.readDoubleArray() }
    XCTAssertEqual(values.count, 4)
    XCTAssertEqual(values[0], .infinity)
    XCTAssertEqual(values[1], -.infinity)
    XCTAssertTrue(values[2].isNaN)
    XCTAssertEqual(values[3], 1)
    XCTAssertNoThrow(try read(#"{"a":[NaN,{"b":-Infinity}],"c":1}"#, nonFinite: true) { (r) throws(JSONError) in
      try r.skipValue()
      try r.expectEnd()
    })
    XCTAssertThrowsError(try read("[NaN]") { (r) throws(JSONError) in try r.readDoubleArray() }) { error in
      XCTAssertEqual((error as? JSONError)?.description, "1:2: expected a number, found 'N'")
    }
    XCTAssertThrowsError(try read("[1,-Infinity]") { (r) throws(JSONError) in try r.skipValue() }) { error in
      XCTAssertEqual((error as? JSONError)?.code, .invalidNumber)
    }
    XCTAssertThrowsError(try read("[Infinit]", nonFinite: true) { (r) throws(JSONError) in try r.readDoubleArray() })
  }

  func testStringsAndSkipping() throws {
    let s = try read(#"{"skip":[1,{"a":null,"b":true}],"k":"a\"b\u00e9\ud83d\ude00"}"#) { (r) throws(JSONError) -> String in
      try r.beginObject()
      var first = true
      var found = ""
      while let key = try r.nextKey(&first) {
        if key == "k" { found = try r.readString() } else { try r.skipValue() }
      }
      try r.expectEnd()
      return found
    }
    XCTAssertEqual(s, "a\"bé😀")
  }

  func testStringsAreStrict() {
    // Invalid UTF-8, a lone surrogate and a raw control character: the forest's old reader took all three.
    for (text, code) in [("[\"\u{FF}\"]", JSONError.Code.invalidUTF8), (#"["\ud800"]"#, .invalidString), ("[\"a\u{1}\"]", .invalidString)] {
      var bytes = Array(text.utf8)
      if code == .invalidUTF8 { bytes = [0x5B, 0x22, 0xFF, 0x22, 0x5D] }
      XCTAssertThrowsError(try bytes.withUnsafeBufferPointer { (b) throws(JSONError) in
        var reader = JSONPullReader(b)
        _ = try reader.readStringArray()
      }, text) { error in XCTAssertEqual((error as? JSONError)?.code, code, text) }
    }
  }

  func testErrorsCarryLineAndColumn() {
    let cases: [(String, String)] = [
      ("[1,2", "1:5: expected ',' or ']', found end of input"),
      ("[1,,2]", "1:4: expected a number, found ','"),
      ("[1.]", "1:2: expected a number as RFC 8259 writes it, found '1.'"),
      ("[\n  -]", "2:3: expected a number as RFC 8259 writes it, found '-'"),
      ("[1] x", "1:5: expected end of input, found 'x'"),
      ("[\"é\", 1]", "1:7: expected a string, found '1'"),  // columns count scalars: byte 8
    ]
    for (text, message) in cases {
      XCTAssertThrowsError(
        try read(text) { (r) throws(JSONError) in
          if text.contains("é") { _ = try r.readStringArray() } else { _ = try r.readDoubleArray() }
          try r.expectEnd()
        }, text
      ) { error in
        XCTAssertEqual((error as? JSONError)?.description, message, text)
      }
    }
  }

  func testDeepNestingIsAnErrorNotACrash() {
    let text = String(repeating: "[", count: 100_000)
    for nonFinite in [false, true] {
      XCTAssertThrowsError(try read(text, nonFinite: nonFinite) { (r) throws(JSONError) in try r.skipValue() }) { error in
        XCTAssertEqual((error as? JSONError)?.code, .tooDeep)
        XCTAssertEqual((error as? JSONError)?.column, 257)
      }
    }
  }

  func testIntegersRejectFractionsAndOverflow() {
    for text in ["[1.5]", "[3000000000]", "[1e2]"] {
      XCTAssertThrowsError(try read(text) { (r) throws(JSONError) in try r.readInt32Array() }, text) { error in
        XCTAssertEqual((error as? JSONError)?.code, .outOfRange, text)
        XCTAssertEqual((error as? JSONError)?.column, 2, text)
      }
    }
    XCTAssertEqual(try read("[-2147483648, 2147483647]") { (r) throws(JSONError) in try r.readInt32Array() }, [Int32.min, Int32.max])
  }
}
