import XCTest
@testable import PolicyServer

final class JSONWriterTests: XCTestCase {
  func testEscapesQuotesBackslashesAndControlCharacters() {
    var writer = JSONWriter()
    writer.string("a\"b\\c\nd\t\u{01}é")
    XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), #""a\"b\\c\nd\t\u0001é""#)
  }

  func testWritesIntegers() {
    var writer = JSONWriter()
    for value in [0, 7, -42, 1_234_567, Int.min, Int.max] {
      writer.integer(value)
      writer.raw(",")
    }
    XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self),
                   "0,7,-42,1234567,-9223372036854775808,9223372036854775807,")
  }
}
