import Foundation
import XCTest
@testable import PolicyServer

/// The fault sweep's findings as a hostile client on loopback, each against the real server, service
/// and decision log: a refused request gets exactly one JSON error, its connection is closed (so no
/// smuggled second request is parsed), nothing is decided or logged, and the refusal is counted.
final class HTTPHardeningTests: XCTestCase {
  private var directory = ""
  private var log: DecisionLog!
  private var service: DecisionService<FakeEngine>!
  private var server: HTTPServer!
  private var client: TestHTTPClient!

  override func setUpWithError() throws {
    directory = try temporaryDirectory("hardening")
    log = try DecisionLog(configuration: DecisionLog.Configuration(path: directory + "/decisions.sqlite"))
    let service = DecisionService(engine: FakeEngine(), log: log)
    self.service = service
    server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, maxRequestBodyBytes: 4_096,
                                                                 onRefusal: { service.recordRefusal($0) })) { request, responder in
      service.handle(request, responder: responder)
    }
    try server.start()
    client = TestHTTPClient(port: server.port)
  }

  override func tearDownWithError() throws {
    server.stop()
    log.close()
    try? FileManager.default.removeItem(atPath: directory)
  }

  private static let decision = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"amount\": 1}"

  /// Sends `raw`, checks one response of `status` and `code` came back and the connection was closed.
  @discardableResult
  private func expectRefusal(_ raw: String, status: Int, code: String, file: StaticString = #filePath, line: UInt = #line) -> TestResponse? {
    let text = client.exchange(raw)
    XCTAssertEqual(TestHTTPClient.statusLineCount(text), 1, "exactly one response: \(text)", file: file, line: line)
    let response = TestHTTPClient.parse(Array(text.utf8))
    XCTAssertEqual(response?.status, status, text, file: file, line: line)
    XCTAssertEqual(response?.headers["content-type"], "application/json", text, file: file, line: line)
    XCTAssertTrue(response?.body.hasPrefix(#"{"code":"\#(code)","#) == true, text, file: file, line: line)
    return response
  }

  private func refusals(_ reason: String) throws -> String? {
    let metrics = try XCTUnwrap(client.request("GET", "/metrics")).body
    return metrics.split(separator: "\n").first { $0.hasPrefix("proviso_http_refusals_total{reason=\"\(reason)\"} ") }
      .map { String($0.split(separator: " ").last!) }
  }

  func testSmuggledDecisionBehindTwoContentLengthsIsNeverParsed() throws {
    let raw = "GET /health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: \(Self.decision.utf8.count)\r\n\r\n" + Self.decision
    let response = expectRefusal(raw, status: 400, code: "duplicate_content_length")
    XCTAssertEqual(response?.headers["connection"], "close")
    XCTAssertEqual(try log.reader.count(), 0, "the smuggled decision was neither answered nor logged")
    XCTAssertEqual(try refusals("duplicate_content_length"), "1")
    // The same value twice is refused too: repeated, not just conflicting.
    expectRefusal("GET /health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", status: 400, code: "duplicate_content_length")
  }

  func testContentLengthWithTransferEncodingIsRefused() throws {
    let smuggled = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Self.decision
    expectRefusal(smuggled, status: 400, code: "content_length_with_transfer_encoding")
    XCTAssertEqual(try log.reader.count(), 0)
  }

  func testUnknownOrRepeatedTransferCodingsAreRefused() throws {
    for coding in ["gzip", "gzip, chunked", "chunked, chunked", "identity"] {
      expectRefusal("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: \(coding)\r\n\r\n0\r\n\r\n",
                    status: 400, code: "unsupported_transfer_encoding")
    }
    expectRefusal("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                  status: 400, code: "unsupported_transfer_encoding")
    expectRefusal("POST /v1/decisions/limits HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400, code: "unsupported_transfer_encoding")
    XCTAssertEqual(try refusals("unsupported_transfer_encoding"), "6")
  }

  func testChunkedDecisionWithinTheCapIsDecided() throws {
    let chunked = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "6\r\n{\"amou\r\n7\r\nnt\": 1}\r\n0\r\n\r\n"
    let response = try XCTUnwrap(TestHTTPClient.parse(client.exchange(Array(chunked.utf8))))
    XCTAssertEqual(response.status, 200, response.body)
    XCTAssertEqual(try log.reader.count(), 1)
  }

  func testChunkedBodyOverTheCapGets413AndIsCounted() throws {
    let chunk = String(repeating: "A", count: 1_024)
    var raw = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    for _ in 0..<16 { raw += "400\r\n\(chunk)\r\n" }   // 16 KiB, four times the 4 KiB cap
    raw += "0\r\n\r\n"
    let response = expectRefusal(raw, status: 413, code: "payload_too_large")
    XCTAssertEqual(response?.body, #"{"code":"payload_too_large","message":"request body is over the limit of 4096 bytes","errors":[]}"#)
    XCTAssertEqual(try refusals("payload_too_large"), "1")
  }

  func testOverflowingOrNonNumericContentLengthIsOneRefusalAndCounted() throws {
    // libmicrohttpd 0.9.75 answers these itself before any handler runs (see docs/service.md): the
    // first response the client reads is its 413 or 400 with `Connection: close`, and nothing is decided.
    for (length, status) in [("73786976294838206464", 413), ("abc", 400), ("-1", 400), ("1 2", 400)] {
      let raw = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n{\"amount\": 1}"
      let response = try XCTUnwrap(TestHTTPClient.parse(client.exchange(Array(raw.utf8))), length)
      XCTAssertEqual(response.status, status, length)
      XCTAssertEqual(response.headers["connection"], "close", length)
    }
    XCTAssertEqual(try log.reader.count(), 0)
    XCTAssertEqual(try refusals("invalid_content_length"), "4")
    // With Transfer-Encoding, libmicrohttpd leaves the length to us: one JSON refusal.
    expectRefusal("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 73786976294838206464\r\n\r\n0\r\n\r\n",
                  status: 400, code: "invalid_content_length")
  }

  func testWhitespaceBeforeTheColonIsRefused() throws {
    // libmicrohttpd keeps the space in the name: the body would not be framed here, and "{}" would be
    // read as the next request, while a proxy that trims the name frames two bytes.
    expectRefusal("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length : 13\r\n\r\n{\"amount\": 1}",
                  status: 400, code: "invalid_header_name")
    expectRefusal("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nTransfer-Encoding\t: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                  status: 400, code: "invalid_header_name")
    expectRefusal("GET /health HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", status: 400, code: "invalid_header_value")
    XCTAssertEqual(try log.reader.count(), 0)
  }

  func testMalformedChunkedBodiesAreRefusedAndCounted() throws {
    // libmicrohttpd answers these in mid-body with its own HTML 400 / 413 (docs/service.md).
    for (size, status) in [("zz", 400), ("ffffffffffffffffffff", 413)] {
      let raw = "POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n{}\r\n0\r\n\r\n"
      let text = client.exchange(raw)
      XCTAssertEqual(TestHTTPClient.statusLineCount(text), 1, text)
      XCTAssertEqual(TestHTTPClient.parse(Array(text.utf8))?.status, status, text)
    }
    XCTAssertEqual(try log.reader.count(), 0)
    XCTAssertEqual(try refusals("malformed_chunked_body"), "2")
  }

  func testASpaceInTheTargetIsRefused() throws {
    expectRefusal("GET /health junk HTTP/1.1\r\nHost: h\r\n\r\n", status: 400, code: "space_in_target")
  }

  func testHTTP11NeedsExactlyOneHost() throws {
    expectRefusal("GET /health HTTP/1.1\r\n\r\n", status: 400, code: "missing_host")
    expectRefusal("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400, code: "duplicate_host")
    let old = try XCTUnwrap(TestHTTPClient.parse(client.exchange(Array("GET /health HTTP/1.0\r\n\r\n".utf8))))
    XCTAssertEqual(old.status, 200, "HTTP/1.0 may leave Host out")
    XCTAssertEqual(try refusals("missing_host"), "1")
  }

  func testControlCharactersInTheTargetAreRefusedRawOrEncoded() throws {
    for target in ["/v1/decisions/limits%00junk", "/v1/decisions/limits%0a", "/v1/decisions/lim%1Fits", "/v1/decisions/limits%7f",
                   "/v1/decisions/limits?explain=true%00"] {
      expectRefusal("POST \(target) HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"amount\": 1}",
                    status: 400, code: "control_character_in_target")
    }
    XCTAssertEqual(try log.reader.count(), 0, "'limits%00junk' is not decided as 'limits'")
    XCTAssertEqual(try refusals("control_character_in_target"), "5")
  }

  func testDecisionBodiesMustBeJSON() throws {
    // What a web page can make a browser send without a preflight: text/plain, a form, multipart.
    for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
                 "application/jsonx"] {
      let response = try XCTUnwrap(client.request("POST", "/v1/decisions/limits", body: Array(#"{"amount": 1}"#.utf8), headers: ["Content-Type": type]))
      XCTAssertEqual(response.status, 415, type)
      XCTAssertTrue(response.body.hasPrefix(#"{"code":"unsupported_media_type","#), response.body)
    }
    let untyped = client.exchange("POST /v1/decisions/limits HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 13\r\n\r\n{\"amount\": 1}")
    XCTAssertEqual(TestHTTPClient.parse(Array(untyped.utf8))?.status, 415, untyped)
    XCTAssertEqual(try log.reader.count(), 0)
    for type in ["application/json", "Application/JSON; charset=UTF-8", "application/json;charset=utf-8"] {
      XCTAssertEqual(client.request("POST", "/v1/decisions/limits", body: Array(#"{"amount": 1}"#.utf8), headers: ["Content-Type": type])?.status, 200, type)
    }
    XCTAssertEqual(try refusals("unsupported_media_type"), "6")
  }

  func testMediaTypeRule() {
    typealias Service = DecisionService<FakeEngine>
    XCTAssertTrue(Service.isJSONMediaType("application/json"))
    XCTAssertTrue(Service.isJSONMediaType(" application/json ; charset=\"utf-8\""))
    XCTAssertFalse(Service.isJSONMediaType(nil))
    XCTAssertFalse(Service.isJSONMediaType("application/json; charset=utf-16"))
    XCTAssertFalse(Service.isJSONMediaType("application/json; boundary=x"))
  }

  func testFramingRulesDirectly() {
    func code(_ headers: [(String, String)], version: String = "HTTP/1.1", target: String = "/x") -> String? {
      HTTPFraming.refusal(version: version, headers: headers.map { HTTPField(name: $0.0, value: $0.1) }, target: Array(target.utf8))?.code
    }
    XCTAssertNil(code([("Host", "h"), ("Content-Length", "10")]))
    XCTAssertNil(code([("host", "h"), ("transfer-encoding", "Chunked")]))
    XCTAssertEqual(code([("Host", "h"), ("content-length", "1"), ("Content-Length", "2")]), "duplicate_content_length")
    XCTAssertEqual(code([("Host", "h"), ("Content-Length", "+5")]), "invalid_content_length")
    XCTAssertEqual(code([("Host", "h"), ("Content-Length", "1234567890123456789")]), "invalid_content_length")
    XCTAssertEqual(code([("Host", "h")], target: "/a\u{01}b"), "control_character_in_target")
    XCTAssertNil(code([("Host", "h")], target: "/a%20b%zz%"))
    XCTAssertEqual(HTTPFraming.parseContentLength("007"), 7)
  }
}
