import XCTest

@testable import PolicyLSP

final class MessageFramingTests: XCTestCase {
  private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  func testMessagesArriveWhateverTheChunking() {
    let stream = bytes("Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]")
    var whole = MessageReader()
    XCTAssertEqual(whole.feed(stream), [.message(bytes("{}")), .message(bytes("[1]"))])
    var byByte = MessageReader()
    var frames: [MessageReader.Frame] = []
    for b in stream { frames += byByte.feed([b]) }
    XCTAssertEqual(frames, [.message(bytes("{}")), .message(bytes("[1]"))])
  }

  func testHeadersWithoutAUsableLengthAreReportedAndDropped() {
    var reader = MessageReader()
    XCTAssertEqual(reader.feed(bytes("Content-Type: x\r\n\r\n")), [.badHeader("no Content-Length header")])
    XCTAssertEqual(reader.feed(bytes("Content-Length: -1\r\n\r\n")), [.badHeader("Content-Length is not a decimal number")])
    XCTAssertEqual(reader.feed(bytes("garbage\r\n\r\n")), [.badHeader("header line without ':'")])
    XCTAssertEqual(reader.feed(bytes("Content-Length: 1\r\n\r\nx")), [.message(bytes("x"))])
  }

  func testAnOversizedBodyIsSkippedAsItArrives() {
    var bounds = Bounds()
    bounds.maxMessageBytes = 10
    var reader = MessageReader(bounds: bounds)
    XCTAssertEqual(reader.feed(bytes("Content-Length: 25\r\n\r\n0123456789")), [.oversized(25)])
    XCTAssertEqual(reader.feed(bytes("0123456789")), [])
    XCTAssertEqual(reader.feed(bytes("01234Content-Length: 2\r\n\r\nok")), [.message(bytes("ok"))])
  }

  func testAHeaderBlockOverTheLimitIsDropped() {
    var reader = MessageReader()
    let frames = reader.feed(Array(repeating: UInt8(ascii: "a"), count: 5_000))
    XCTAssertEqual(frames, [.badHeader("headers longer than 4096 bytes without an empty line")])
    XCTAssertEqual(reader.feed(bytes("Content-Length: 1\r\n\r\nx")), [.message(bytes("x"))])
  }

  func testFramingAnOutgoingBody() {
    XCTAssertEqual(String(decoding: MessageReader.frame(bytes("{\"é\":1}")), as: UTF8.self), "Content-Length: 8\r\n\r\n{\"é\":1}")
  }
}
