import XCTest
@testable import PolicyServer

final class WireErrorTests: XCTestCase {
  private func text(_ error: WireError) -> String { String(decoding: error.json, as: UTF8.self) }

  func testEveryBuilderGivesTheOneShape() {
    let cases: [(WireError, Int, String)] = [
      (.malformedJSON(line: 2, column: 7, problem: "expected ',' or '}' after object member"), 400,
       #"{"code":"malformed_json","message":"request body is not valid JSON","errors":[{"code":"json_syntax_error","location":{"line":2,"column":7},"message":"expected ',' or '}' after object member"}]}"#),
      (.unauthorized(presented: false), 401, #"{"code":"unauthorized","message":"bearer token required","errors":[]}"#),
      (.notFound(path: "/nope"), 404, #"{"code":"not_found","message":"no resource at '/nope'","errors":[]}"#),
      (.unknownPolicy("leasing"), 404, #"{"code":"unknown_policy","message":"no policy named 'leasing'","errors":[]}"#),
      (.methodNotAllowed(method: "GET", path: "/v1/reload", allowed: ["POST"]), 405,
       #"{"code":"method_not_allowed","message":"method 'GET' is not allowed on '/v1/reload'","errors":[]}"#),
      (.payloadTooLarge(limit: 10), 413, #"{"code":"payload_too_large","message":"request body is over the limit of 10 bytes","errors":[]}"#),
      (.invalidInput([WireError.fieldTypeMismatch(path: "receivable.amount", expected: "decimal", found: "string"),
                      WireError.missingField(path: "request.at", expected: "timestamp")]), 422,
       #"{"code":"invalid_input","message":"input does not match the policy's schema","errors":[{"code":"input_type_mismatch","location":{"path":"receivable.amount"},"message":"field 'receivable.amount' must be decimal, found string"},{"code":"input_missing_field","location":{"path":"request.at"},"message":"missing field 'request.at' of type timestamp"}]}"#),
      (.invalidPolicy("p", errors: [WireErrorDetail(code: "expr_check_error", location: WireLocation(file: "p.yaml", line: 24, column: 19),
                                                   message: "undeclared reference to 'spec'")]), 422,
       #"{"code":"invalid_policy","message":"policy 'p' was not loaded","errors":[{"code":"expr_check_error","location":{"file":"p.yaml","line":24,"column":19},"message":"undeclared reference to 'spec'"}]}"#),
      (.internalError("decision log write failed: disk I/O error"), 500,
       #"{"code":"internal_error","message":"decision log write failed: disk I/O error","errors":[]}"#),
      (.unavailable("not ready"), 503, #"{"code":"unavailable","message":"not ready","errors":[]}"#),
      (WireError(status: 500, code: "x", message: "quote \" and\nnewline", errors: [WireErrorDetail(code: "y", message: "m")]), 500,
       #"{"code":"x","message":"quote \" and\nnewline","errors":[{"code":"y","location":null,"message":"m"}]}"#),
    ]
    for (error, status, json) in cases {
      XCTAssertEqual(error.status, status)
      XCTAssertEqual(text(error), json)
      XCTAssertEqual(error.response.status, status)
      XCTAssertEqual(error.response.contentType, "application/json")
    }
  }

  func testHeadersForAuthenticationAllowAndRetry() {
    XCTAssertEqual(WireError.unauthorized(presented: false).headers, [HTTPField(name: "WWW-Authenticate", value: "Bearer")])
    XCTAssertEqual(WireError.methodNotAllowed(method: "PUT", path: "/a", allowed: ["GET", "POST"]).headers,
                   [HTTPField(name: "Allow", value: "GET, POST")])
    XCTAssertEqual(WireError.unavailable("x").headers, [HTTPField(name: "Retry-After", value: "1")])
  }
}
