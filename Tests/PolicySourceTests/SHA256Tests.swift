import XCTest

import PolicySource

final class SHA256Tests: XCTestCase {
  func testKnownVectors() {
    let cases: [(String, String)] = [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
    ]
    for (text, digest) in cases { XCTAssertEqual(SHA256.hex(Array(text.utf8)), digest, text) }
  }

  func testMillionAsInPiecesEqualsOneCall() {
    let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    XCTAssertEqual(SHA256.hex(bytes), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    var h = SHA256()
    var offset = 0
    for size in [1, 63, 64, 65, 127, 1000, 7] {
      h.update(Array(bytes[offset..<offset + size]))
      offset += size
    }
    h.update(Array(bytes[offset...]))
    XCTAssertEqual(h.finalizeHex(), SHA256.hex(bytes))
  }
}
