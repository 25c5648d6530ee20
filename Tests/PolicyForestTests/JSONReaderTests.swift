import XCTest

@testable import PolicyForest

final class JSONReaderTests: XCTestCase {
  private func read<T>(_ text: String, _ body: (inout JSONReader) throws(ForestError) -> T) throws(ForestError) -> T {
    var bytes = Array(text.utf8)
    let count = bytes.count
    bytes.append(0)
    return try bytes.withUnsafeBufferPointer { (b) throws(ForestError) -> T in
      var reader = JSONReader(base: b.baseAddress!, count: count)
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
      let value = try read(text) { (r) throws(ForestError) in try r.readDouble() }
      XCTAssertEqual(value.bitPattern, Double(text)!.bitPattern, text)
    }
    XCTAssertEqual(try read("[Infinity,-Infinity]") { (r) throws(ForestError) in try r.readDoubleArray() }, [.infinity, -.infinity])
  }

  func testStringsAndSkipping() throws {
    let s = try read(#"{"skip":[1,{"a":null,"b":true}],"k":"a\"b\u00e9\ud83d\ude00"}"#) { (r) throws(ForestError) -> String in
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

  func testErrorsCarryTheByteOffset() {
    let cases: [(String, String)] = [
      ("[1,2", "truncated JSON: expected ',' or ']' at byte 4"),
      ("[1,,2]", "invalid JSON: expected a number at byte 3"),
      ("[1.]", "invalid JSON: expected digits after '.' at byte 3"),
      ("[-]", "invalid JSON: expected a number at byte 2"),
      ("[1] x", "invalid JSON: unexpected data after the document at byte 4"),
    ]
    for (text, message) in cases {
      XCTAssertThrowsError(
        try read(text) { (r) throws(ForestError) in
          _ = try r.readDoubleArray()
          try r.expectEnd()
        }, text
      ) { error in
        XCTAssertEqual((error as? ForestError)?.message, message, text)
        XCTAssertEqual((error as? ForestError)?.code, "model_corrupt")
      }
    }
  }

  func testDeepNestingIsAnErrorNotACrash() {
    let text = String(repeating: "[", count: 100_000)
    XCTAssertThrowsError(try read(text) { (r) throws(ForestError) in try r.skipValue() }) { error in
      XCTAssertEqual((error as? ForestError)?.message, "invalid JSON: nesting deeper than 256 at byte 256")
    }
  }

  func testIntegersRejectFractionsAndOverflow() {
    for text in ["[1.5]", "[3000000000]"] {
      XCTAssertThrowsError(try read(text) { (r) throws(ForestError) in try r.readInt32Array() }, text)
    }
  }
}
