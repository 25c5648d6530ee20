import XCTest
@testable import PolicyServer

final class HTTPRequestTests: XCTestCase {
  func testFieldLookupIgnoresASCIICaseAndTakesTheFirst() {
    let fields = HTTPFields([HTTPField(name: "Authorization", value: "Bearer a"), HTTPField(name: "authorization", value: "Bearer b"),
                             HTTPField(name: "X-Ünïcode", value: "u")])
    XCTAssertEqual(fields["AUTHORIZATION"], "Bearer a")
    XCTAssertEqual(fields["x-Ünïcode"], "u")
    XCTAssertNil(fields["x-ünïcode"], "only ASCII letters fold")
    XCTAssertNil(fields["Authorizatio"])
    XCTAssertNil(HTTPFields()["a"])
  }

  func testTextResponseCarriesUTF8Bytes() {
    let response = HTTPResponse(status: 201, contentType: "text/plain", text: "é")
    XCTAssertEqual(response.body, [0xC3, 0xA9])
    XCTAssertEqual(response.headers, [])
  }

  func testConstantTimeComparison() {
    XCTAssertTrue(constantTimeEqual("Bearer s3cret", "Bearer s3cret"))
    XCTAssertFalse(constantTimeEqual("Bearer s3creT", "Bearer s3cret"))
    XCTAssertFalse(constantTimeEqual("Bearer s3cre", "Bearer s3cret"))
  }
}
