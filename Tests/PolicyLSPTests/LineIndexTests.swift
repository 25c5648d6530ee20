import XCTest

@testable import PolicyLSP

final class LineIndexTests: XCTestCase {
  // "é" is 2 UTF-8 bytes and 1 UTF-16 unit; "𝔼" is 4 bytes and 2 units (a surrogate pair).
  let text = "a: é𝔼x\r\nb\rc\n"
  lazy var index = LineIndex(Array(text.utf8))

  func testOffsetsBecomeUTF16Positions() {
    XCTAssertEqual(index.lineStarts, [0, 12, 14, 16])
    XCTAssertEqual(index.position(of: 3), Position(line: 0, character: 3))   // é
    XCTAssertEqual(index.position(of: 5), Position(line: 0, character: 4))   // 𝔼
    XCTAssertEqual(index.position(of: 9), Position(line: 0, character: 6))   // x
    XCTAssertEqual(index.position(of: 10), Position(line: 0, character: 7))  // \r
    XCTAssertEqual(index.position(of: 12), Position(line: 1, character: 0))  // b
    XCTAssertEqual(index.position(of: 14), Position(line: 2, character: 0))  // c after a lone \r
    XCTAssertEqual(index.position(of: 99), Position(line: 3, character: 0))  // clamped to the end
  }

  func testPositionsBecomeOffsets() {
    XCTAssertEqual(index.offset(of: Position(line: 0, character: 4)), 5)
    XCTAssertEqual(index.offset(of: Position(line: 0, character: 6)), 9)
    // Inside the surrogate pair: the start of the scalar.
    XCTAssertEqual(index.offset(of: Position(line: 0, character: 5)), 5)
    // Past the end of a line: the line's end, before "\r\n".
    XCTAssertEqual(index.offset(of: Position(line: 0, character: 50)), 10)
    XCTAssertEqual(index.offset(of: Position(line: 1, character: 50)), 13)
    XCTAssertEqual(index.offset(of: Position(line: 9, character: 0)), text.utf8.count)
  }

  func testEveryScalarBoundaryRoundTrips() {
    let scalars = "ab\nçé€𝔼\r\n\r🙂z"
    let bytes = Array(scalars.utf8)
    let index = LineIndex(bytes)
    var offset = 0
    var previous: Unicode.Scalar?
    for scalar in scalars.unicodeScalars {
      // Between "\r" and "\n" is no position LSP can name.
      if !(previous == "\r" && scalar == "\n") {
        XCTAssertEqual(index.offset(of: index.position(of: offset)), offset, "offset \(offset)")
      }
      offset += String(scalar).utf8.count
      previous = scalar
    }
    // The character of "z" is what Swift's own UTF-16 view counts before it.
    XCTAssertEqual(index.position(of: bytes.count - 1), Position(line: 3, character: "🙂".utf16.count))
  }
}
