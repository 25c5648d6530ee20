import PolicySource
import XCTest

@testable import PolicyYAML

/// libyaml's events and marks as seen through the wrapper: byte offsets, styles, tags, anchors.
final class YAMLEventReaderTests: XCTestCase {
  private func events(_ text: String) throws -> [String] {
    let reader = YAMLEventReader(bytes: Array(text.utf8))
    var out: [String] = []
    while let event = try reader.next() {
      let r = "\(event.range.start)..<\(event.range.end)"
      switch event.kind {
      case .streamStart, .streamEnd, .documentStart, .documentEnd: continue
      case .alias(let anchor): out.append("alias \(anchor) \(r)")
      case .scalar(let s):
        out.append("scalar \(s.value) \(s.style) tag=\(s.tag ?? "-") anchor=\(s.anchor ?? "-") \(r)")
      case .sequenceStart(let c): out.append("seq\(c.isFlow ? " flow" : "") anchor=\(c.anchor ?? "-") \(r)")
      case .sequenceEnd: out.append("end seq \(r)")
      case .mappingStart(let c): out.append("map\(c.isFlow ? " flow" : "") \(r)")
      case .mappingEnd: out.append("end map \(r)")
      }
    }
    return out
  }

  func testEventsCarryByteOffsets() throws {
    XCTAssertEqual(try events("rules: [ &base {when: \"a > 1\"}, *base, !!str 42 ]\n"), [
      "map 0..<0",
      "scalar rules plain tag=- anchor=- 0..<5",
      "seq flow anchor=- 7..<8",
      "map flow 9..<16",  // an anchored node starts at the `&`
      "scalar when plain tag=- anchor=- 16..<20",
      "scalar a > 1 doubleQuoted tag=- anchor=- 22..<29",
      "end map 29..<30",
      "alias base 32..<37",
      "scalar 42 plain tag=tag:yaml.org,2002:str anchor=- 39..<47",
      "end seq 48..<49",
      "end map 50..<50",
    ])
  }

  func testCharacterIndexesBecomeByteOffsets() throws {
    // libyaml counts characters: 'é' is one character but two bytes, '😀' one character and four bytes.
    let text = "a: é😀\nb: x\n"
    XCTAssertEqual(try events(text)[3], "scalar b plain tag=- anchor=- 10..<11")
    XCTAssertEqual(Array(text.utf8)[10], UInt8(ascii: "b"))
  }

  func testByteOrderMarkAndCRLF() throws {
    let text = "\u{FEFF}a: 1\r\nb: 2\r\n"
    XCTAssertEqual(try events(text)[3], "scalar b plain tag=- anchor=- 9..<10")
    XCTAssertEqual(Array(text.utf8)[9], UInt8(ascii: "b"))
  }

  func testErrorsAreLocatedInBytes() {
    XCTAssertThrowsError(try events("é: [1, 2\nb: 3\n")) { error in
      let e = error as? YAMLReaderError
      XCTAssertEqual(e?.problem, "did not find expected ',' or ']'")
      XCTAssertEqual(e?.context, "while parsing a flow sequence")
      XCTAssertEqual(e?.problemOffset, 11)
      XCTAssertEqual(e?.contextOffset, 4)
    }
  }
}
