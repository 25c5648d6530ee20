import XCTest

@testable import PolicyExpr

final class Base64Tests: XCTestCase {
  func testBase64() {
    let cases: [(String, String)] = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
    for (plain, encoded) in cases {
      XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
      XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
    }
    XCTAssertEqual(Base64.decode("Zm8"), Array("fo".utf8))
    XCTAssertEqual(Base64.decode("/+8="), [0xFF, 0xEF])
    XCTAssertNil(Base64.decode("Zm8=="))
    XCTAssertNil(Base64.decode("Z"))
    XCTAssertNil(Base64.decode("Zm 8"))
    XCTAssertNil(Base64.decode("Zm-8"))
  }
}
