#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization
import XCTest

/// A response as the test client parsed it.
struct TestResponse: Sendable {
  var status: Int
  var headers: [String: String]   // lower-cased names
  var body: String
}

/// A blocking HTTP/1.1 client over a raw loopback socket, with a receive timeout on every read.
struct TestHTTPClient: Sendable {
  let port: UInt16
  var timeoutSeconds = 5

  /// Opens a connection, or returns -1.
  func connectSocket() -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if connected != 0 { close(fd); return -1 }
    return fd
  }

  /// Sends `bytes` fully; returns false on error.
  @discardableResult
  static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if sent <= 0 { return false }
      offset += sent
    }
    return true
  }

  /// Reads until the peer closes or the timeout passes.
  static func readAll(_ fd: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      result.append(contentsOf: buffer[0..<count])
    }
    return result
  }

  static func parse(_ raw: [UInt8]) -> TestResponse? {
    let text = String(decoding: raw, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    let head = text[..<split.lowerBound].split(separator: "\r\n")
    guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1.1 ") || statusLine.hasPrefix("HTTP/1.0 ") else { return nil }
    let status = Int(statusLine.dropFirst(9).prefix(3)) ?? 0
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return TestResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
  }

  /// Sends one request with `Connection: close` and returns the parsed response, or `nil` on a network failure.
  func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [String: String] = [:]) -> TestResponse? {
    let fd = connectSocket()
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if !body.isEmpty, !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
      head += "Content-Type: application/json\r\n"
    }
    if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    guard Self.sendAll(fd, Array(head.utf8) + body) else { return nil }
    return Self.parse(Self.readAll(fd))
  }
}

extension TestHTTPClient {
  /// Sends `raw` bytes exactly as given (a malformed request, say) and returns everything the server
  /// sends back until it closes the connection or the timeout passes.
  func exchange(_ raw: [UInt8]) -> [UInt8] {
    let fd = connectSocket()
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    guard Self.sendAll(fd, raw) else { return Self.readAll(fd) }
    return Self.readAll(fd)
  }

  /// `exchange` of a text request.
  func exchange(_ raw: String) -> String { String(decoding: exchange(Array(raw.utf8)), as: UTF8.self) }

  /// How many status lines (`HTTP/1.x` and a digit) the raw text holds, wherever they start.
  static func statusLineCount(_ text: String) -> Int {
    let bytes = Array(text.utf8)
    let prefix = Array("HTTP/1.".utf8)
    var count = 0
    var index = 0
    while index + prefix.count + 3 <= bytes.count {
      if Array(bytes[index..<index + prefix.count]) == prefix, bytes[index + prefix.count + 1] == UInt8(ascii: " "),
         bytes[index + prefix.count + 2] &- UInt8(ascii: "0") < 10 {
        count += 1
      }
      index += 1
    }
    return count
  }
}

/// One request sent on its own thread, so a test can act (stop the server) while it is in flight.
final class BackgroundRequest: Sendable {
  private final class Outcome: Sendable {
    let answer = Mutex<TestResponse?>(nil)
    let finished = DispatchSemaphore(value: 0)
  }

  private let outcome = Outcome()

  init(_ client: TestHTTPClient, _ method: String, _ path: String) {
    let outcome = self.outcome
    Thread.detachNewThread {
      let response = client.request(method, path)
      outcome.answer.withLock { $0 = response }
      outcome.finished.signal()
    }
  }

  /// The response once the request is done, `nil` on a network failure or when `seconds` pass first.
  func response(within seconds: Double) -> TestResponse? {
    guard outcome.finished.wait(timeout: .now() + seconds) == .success else { return nil }
    outcome.finished.signal()   // stay signalled for later calls
    return outcome.answer.withLock { $0 }
  }

  /// Whether the request is still waiting after `seconds`.
  func isPending(after seconds: Double) -> Bool {
    guard outcome.finished.wait(timeout: .now() + seconds) == .success else { return true }
    outcome.finished.signal()
    return false
  }
}
