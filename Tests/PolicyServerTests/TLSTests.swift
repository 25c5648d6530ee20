import Foundation
import XCTest
@testable import PolicyServer

/// HTTPS through libmicrohttpd's GnuTLS support, checked with curl against a CA made for the test by
/// openssl: the server's certificate verifies, plain HTTP gets no answer, and with a client CA a client
/// without a certificate, or with one another CA signed, is refused at the handshake.
final class TLSTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    for tool in ["/usr/bin/openssl", "/usr/bin/curl"] where !FileManager.default.isExecutableFile(atPath: tool) {
      throw XCTSkip("\(tool) is not installed (scripts/setup installs it)")
    }
    directory = try temporaryDirectory("tls")
    try makeCA("ca")
    try makeCertificate("server", ca: "ca", subject: "/CN=127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    try makeCertificate("client", ca: "ca", subject: "/CN=teller-app", extensions: "extendedKeyUsage=clientAuth")
    try makeCA("other")
    try makeCertificate("stranger", ca: "other", subject: "/CN=stranger", extensions: "extendedKeyUsage=clientAuth")
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  @discardableResult
  private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  private func makeCA(_ name: String) throws {
    let result = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                              "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=proviso test \(name)"])
    XCTAssertEqual(result.status, 0, result.output)
  }

  private func makeCertificate(_ name: String, ca: String, subject: String, extensions: String) throws {
    try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
    var result = try run("/usr/bin/openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                              "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
    XCTAssertEqual(result.status, 0, result.output)
    result = try run("/usr/bin/openssl", ["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key",
                                          "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
    XCTAssertEqual(result.status, 0, result.output)
  }

  private func pem(_ name: String) throws -> String { try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8) }

  private func startServer(clientCA: Bool) throws -> HTTPServer {
    let tls = HTTPServer.TLS(certificatePEM: try pem("server.pem"), privateKeyPEM: try pem("server.key"),
                             clientCAPEM: clientCA ? try pem("ca.pem") : nil)
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, tls: tls)) { request in
      HTTPResponse(status: 200, contentType: "text/plain", text: "\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))")
    }
    try server.start()
    return server
  }

  private func curl(_ server: HTTPServer, _ extra: [String]) throws -> (status: Int32, output: String) {
    try run("/usr/bin/curl", ["-sS", "--max-time", "5", "--cacert", "ca.pem", "-H", "Content-Type: application/json",
                              "--data-binary", #"{"amount": 1}"#] + extra + ["https://127.0.0.1:\(server.port)/v1/decisions/limits"])
  }

  func testHTTPSAnswersAndPlainHTTPDoesNot() throws {
    let server = try startServer(clientCA: false)
    defer { server.stop() }
    let answer = try curl(server, [])
    XCTAssertEqual(answer.status, 0, answer.output)
    XCTAssertEqual(answer.output, #"POST /v1/decisions/limits {"amount": 1}"#)
    let plain = try run("/usr/bin/curl", ["-sS", "--max-time", "3", "http://127.0.0.1:\(server.port)/health"])
    XCTAssertNotEqual(plain.status, 0, "plain HTTP on the TLS port gets no HTTP answer: \(plain.output)")
    let untrusted = try run("/usr/bin/curl", ["-sS", "--max-time", "3", "https://127.0.0.1:\(server.port)/health"])
    XCTAssertEqual(untrusted.status, 60, "the test CA is not in the system store: \(untrusted.output)")
  }

  func testClientCertificatesAreRequiredWhenAClientCAIsSet() throws {
    let server = try startServer(clientCA: true)
    defer { server.stop() }
    let withCertificate = try curl(server, ["--cert", "client.pem", "--key", "client.key"])
    XCTAssertEqual(withCertificate.status, 0, withCertificate.output)
    XCTAssertEqual(withCertificate.output, #"POST /v1/decisions/limits {"amount": 1}"#)
    let without = try curl(server, [])
    XCTAssertNotEqual(without.status, 0, "no client certificate: \(without.output)")
    XCTAssertFalse(without.output.contains("POST /v1/decisions"), without.output)
    let stranger = try curl(server, ["--cert", "stranger.pem", "--key", "stranger.key"])
    XCTAssertNotEqual(stranger.status, 0, "a certificate from another CA: \(stranger.output)")
    XCTAssertFalse(stranger.output.contains("POST /v1/decisions"), stranger.output)
  }

  func testABadKeyIsAClearStartError() throws {
    let server = HTTPServer(configuration: HTTPServer.Configuration(port: 0, tls: HTTPServer.TLS(certificatePEM: "junk", privateKeyPEM: "junk"))) { _ in
      HTTPResponse(status: 200, text: "")
    }
    XCTAssertThrowsError(try server.start()) { error in
      guard case .tlsUnavailable = error as? HTTPServerError else { return XCTFail("\(error)") }
    }
  }
}
