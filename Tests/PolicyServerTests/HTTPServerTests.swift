#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import XCTest
@testable import PolicyServer

final class HTTPServerTests: XCTestCase {
  private func startServer(_ configuration: HTTPServer.Configuration = HTTPServer.Configuration(port: 0),
                           handler: @escaping HTTPServer.Handler) throws -> HTTPServer {
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    XCTAssertNotEqual(server.port, 0)
    return server
  }

  private static let echo: HTTPServer.Handler = { request in
    var text = "\(request.method) \(request.path)"
    for field in request.query.fields { text += " ?\(field.name)=\(field.value)" }
    if let authorization = request.headers["authorization"] { text += " auth=\(authorization)" }
    text += " body=\(String(decoding: request.body, as: UTF8.self))"
    return HTTPResponse(status: 200, contentType: "text/plain", text: text)
  }

  func testEchoesMethodPathQueryHeaderAndBody() throws {
    let server = try startServer(handler: Self.echo)
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let response = try XCTUnwrap(client.request("POST", "/v1/decisions/x?explain=true", body: Array("{\"a\":1}".utf8),
                                                headers: ["Authorization": "Bearer s3cret"]))
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.headers["content-type"], "text/plain")
    XCTAssertEqual(response.body, "POST /v1/decisions/x ?explain=true auth=Bearer s3cret body={\"a\":1}")
  }

  func testBodyOverTheLimitIsRefusedWith413() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, maxRequestBodyBytes: 1_000), handler: Self.echo)
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let response = try XCTUnwrap(client.request("POST", "/v1/decisions/x", body: [UInt8](repeating: 0x41, count: 5_000)))
    XCTAssertEqual(response.status, 413)
    XCTAssertEqual(response.body, #"{"code":"payload_too_large","message":"request body is over the limit of 1000 bytes","errors":[]}"#)
    let atLimit = try XCTUnwrap(client.request("POST", "/ok", body: [UInt8](repeating: 0x41, count: 1_000)))
    XCTAssertEqual(atLimit.status, 200)
  }

  func testChunkedBodyOverTheLimitIsRefusedWith413() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, maxRequestBodyBytes: 1_000), handler: Self.echo)
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let fd = client.connectSocket()
    XCTAssertGreaterThanOrEqual(fd, 0)
    defer { close(fd) }
    let chunk = String(repeating: "B", count: 800)
    let request = "POST /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
    TestHTTPClient.sendAll(fd, Array(request.utf8))
    let response = try XCTUnwrap(TestHTTPClient.parse(TestHTTPClient.readAll(fd)))
    XCTAssertEqual(response.status, 413)
  }

  func testHeadersOverTheConnectionMemoryAreRefused() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, connectionMemoryBytes: 8_192), handler: Self.echo)
    defer { server.stop() }
    let response = TestHTTPClient(port: server.port).request("GET", "/x", headers: ["X-Big": String(repeating: "a", count: 20_000)])
    XCTAssertEqual(response?.status, 431)
    XCTAssertEqual(TestHTTPClient(port: server.port).request("GET", "/x")?.status, 200, "the server keeps serving")
  }

  func testConnectionsOverTheLimitWaitUntilASlotFrees() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, threads: 1, connectionLimit: 8), handler: Self.echo)
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let idle = (0..<8).map { _ in client.connectSocket() }
    XCTAssertTrue(idle.allSatisfy { $0 >= 0 })
    let deadline = monotonicSeconds() + 3
    while server.connectionCount < 8, monotonicSeconds() < deadline { usleep(5_000) }
    XCTAssertEqual(server.connectionCount, 8)
    let ninth = BackgroundRequest(client, "GET", "/ninth")
    XCTAssertTrue(ninth.isPending(after: 0.3), "the ninth connection is not accepted while 8 are held")
    for fd in idle { close(fd) }
    XCTAssertEqual(ninth.response(within: 3)?.status, 200)
  }

  func testStalledClientIsDroppedAfterTheConnectionTimeout() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, connectionTimeoutSeconds: 1), handler: Self.echo)
    defer { server.stop() }
    let client = TestHTTPClient(port: server.port)
    let fd = client.connectSocket()
    defer { close(fd) }
    TestHTTPClient.sendAll(fd, Array("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nab".utf8))
    let started = monotonicSeconds()
    let received = TestHTTPClient.readAll(fd)   // returns when the server closes the connection
    let waited = monotonicSeconds() - started
    XCTAssertTrue(received.isEmpty, "no answer to a body that never completes")
    XCTAssertLessThan(waited, 4)
    XCTAssertEqual(server.requestsInFlight, 0)
  }

  func testTricklingBodyIsDroppedAfterTheBodyDeadline() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, connectionTimeoutSeconds: 5, bodyDeadlineSeconds: 1),
                                 handler: Self.echo)
    defer { server.stop() }
    let fd = TestHTTPClient(port: server.port).connectSocket()
    defer { close(fd) }
    TestHTTPClient.sendAll(fd, Array("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n".utf8))
    let started = monotonicSeconds()
    var sent = 0
    while monotonicSeconds() - started < 4 {   // one byte every 200 ms: never idle long enough for the timeout
      usleep(200_000)
      guard TestHTTPClient.sendAll(fd, [0x41]) else { break }
      sent += 1
    }
    XCTAssertLessThan(monotonicSeconds() - started, 3, "dropped soon after the 1 s body deadline")
    XCTAssertLessThan(sent, 15)
    XCTAssertTrue(TestHTTPClient.readAll(fd).isEmpty)
  }

  func testFiftyConcurrentRequestsAllSucceed() throws {
    let server = try startServer(HTTPServer.Configuration(port: 0, threads: 4)) { request in
      usleep(2_000)
      return HTTPResponse(status: 200, text: "{\"path\":\"\(request.path)\"}")
    }
    defer { server.stop() }
    let port = server.port
    let bodies = Mutex<[Int: String]>([:])
    DispatchQueue.concurrentPerform(iterations: 50) { index in
      let response = TestHTTPClient(port: port).request("GET", "/r/\(index)")
      bodies.withLock { $0[index] = response.map { "\($0.status) \($0.body)" } ?? "failed" }
    }
    let results = bodies.withLock { $0 }
    XCTAssertEqual(results.count, 50)
    for index in 0..<50 { XCTAssertEqual(results[index], "200 {\"path\":\"/r/\(index)\"}") }
  }

  func testStopWaitsForRequestsInFlightAndRefusesNewOnes() throws {
    let entered = DispatchSemaphore(value: 0)
    let server = try startServer { request in
      entered.signal()
      usleep(300_000)
      return HTTPResponse(status: 200, text: "done")
    }
    let port = server.port
    let slow = BackgroundRequest(TestHTTPClient(port: port), "GET", "/slow")
    XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
    server.stop()
    let response = try XCTUnwrap(slow.response(within: 5))
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.body, "done")
    XCTAssertEqual(response.headers["connection"], "close")
    XCTAssertNil(TestHTTPClient(port: port).request("GET", "/after"), "no one listens after stop")
    server.stop()   // a second stop does nothing
  }

  func testDeferredHandlerAnswersNowOrLaterFromAnotherThread() throws {
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, threads: 1)) { request, responder in
      if request.path == "/now" {
        responder.respond(HTTPResponse(status: 200, text: "now"))
        responder.respond(HTTPResponse(status: 500, text: "ignored"))
        return
      }
      DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) {
        responder.respond(HTTPResponse(status: 201, text: "later \(request.path)"))
      }
    }
    try server.start()
    defer { server.stop() }
    let port = server.port
    XCTAssertEqual(TestHTTPClient(port: port).request("GET", "/now")?.body, "now")
    // One worker thread, 20 requests each waiting 50 ms: they overlap only because the worker is not held.
    let bodies = Mutex<[String]>([])
    let group = DispatchGroup()
    let started = monotonicSeconds()
    for index in 0..<20 {
      group.enter()
      Thread.detachNewThread {
        let response = TestHTTPClient(port: port).request("GET", "/later/\(index)")
        bodies.withLock { $0.append(response.map { "\($0.status) \($0.body)" } ?? "failed") }
        group.leave()
      }
    }
    XCTAssertEqual(group.wait(timeout: .now() + 5), .success)
    XCTAssertLessThan(monotonicSeconds() - started, 0.8, "20 × 50 ms on one worker: they must overlap")
    XCTAssertEqual(bodies.withLock { $0.sorted() }, (0..<20).map { "201 later /later/\($0)" }.sorted())
    XCTAssertEqual(server.requestsInFlight, 0)
  }

  func testStopAnswersDeferredRequestsThatNeverGotAResponse() throws {
    let entered = DispatchSemaphore(value: 0)
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, shutdownGraceSeconds: 0.2)) { _, _ in
      entered.signal()   // never responds
    }
    try server.start()
    let forgotten = BackgroundRequest(TestHTTPClient(port: server.port), "GET", "/forgotten")
    XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
    server.stop()
    let response = try XCTUnwrap(forgotten.response(within: 5))
    XCTAssertEqual(response.status, 503)
    XCTAssertEqual(response.body, #"{"code":"unavailable","message":"server is shutting down","errors":[]}"#)
  }

  func testBindsToIPv6Loopback() throws {
    let server = try startServer(HTTPServer.Configuration(bindAddress: "::1", port: 0), handler: Self.echo)
    defer { server.stop() }
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_port = server.port.bigEndian
    address.sin6_addr = in6addr_loopback
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
    }
    guard connected == 0 else { throw XCTSkip("no IPv6 loopback here") }
    TestHTTPClient.sendAll(fd, Array("GET /six HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".utf8))
    XCTAssertEqual(TestHTTPClient.parse(TestHTTPClient.readAll(fd))?.body, "GET /six body=")
  }

  func testStartFailsClearlyOnABadAddressAndATakenPort() throws {
    let bad = HTTPServer(configuration: HTTPServer.Configuration(bindAddress: "localhost", port: 0), handler: Self.echo)
    XCTAssertThrowsError(try bad.start()) { error in
      XCTAssertEqual("\(error)", "bind address 'localhost' is not a numeric IPv4 or IPv6 address")
    }
    let first = try startServer(handler: Self.echo)
    defer { first.stop() }
    let second = HTTPServer(configuration: HTTPServer.Configuration(port: first.port), handler: Self.echo)
    XCTAssertThrowsError(try second.start()) { error in
      XCTAssertEqual("\(error)", "cannot listen on '127.0.0.1' port \(first.port)")
    }
    XCTAssertThrowsError(try first.start()) { error in XCTAssertEqual("\(error)", "server already started") }
  }
}
