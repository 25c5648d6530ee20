import Foundation
import FuzzSupport
import PolicyServer

// Harness 4: the decision service's request handling in process (no sockets): the fuzzed bytes are
// read as an HTTP/1.1-shaped request — `METHOD TARGET[ VERSION]` CRLF, `Name: value` header lines,
// an empty line, then the body (bare LF works too) — and answered by a DecisionService over the
// bundled policies, with a decision log in a temporary folder (retention keeps it small).
//
// The admin token is in neither the seeds nor the dictionary: an authorized reload recompiles every
// bundled policy (most of a second under ASan), and a corpus full of them would fuzz nothing else.
// A refused reload is fuzzed; the authorized one is covered by the unit tests.
//
// Invariants beyond "no crash, no hang": every response has a status in 200...599, and a 200 from
// the decision endpoint carries a JSON object.

let directory: String = {
  let path = NSTemporaryDirectory() + "proviso-fuzz-http-\(getpid())"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}()
let service: DecisionService<PolicyEngine> = {
  let configuration = DecisionLog.Configuration(
    path: directory + "/decisions.sqlite", retention: .init(maxRows: 1_000), retentionIntervalSeconds: 5)
  let log: DecisionLog
  do { log = try DecisionLog(configuration: configuration) } catch { Fuzz.setupFailure("decision log: \(error)") }
  let engine = PolicyEngine(directory: Fuzz.policies, log: log)
  let failed = engine.reload().filter { $0.error != nil }
  guard failed.isEmpty else { Fuzz.setupFailure("bundled policies do not load: \(failed)") }
  return DecisionService(engine: engine, log: log, configuration: .init(adminToken: "fuzz-token"))
}()
atexit { try? FileManager.default.removeItem(atPath: directory) }

/// `PROVISO_FUZZ_VERBOSE=1` prints each request's status and the start of its body (to check seeds).
let verbose = ProcessInfo.processInfo.environment["PROVISO_FUZZ_VERBOSE"] != nil

/// The request the bytes describe; `nil` when there is no request line.
func request(from bytes: [UInt8]) -> HTTPRequest? {
  var lines: [[UInt8]] = []
  var index = 0
  var bodyStart = bytes.count
  var start = 0
  while index < bytes.count {
    if bytes[index] == UInt8(ascii: "\n") {
      var line = Array(bytes[start..<index])
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      start = index + 1
      if line.isEmpty && !lines.isEmpty { bodyStart = start; break }
      lines.append(line)
    }
    index += 1
  }
  if bodyStart == bytes.count, start < bytes.count { lines.append(Array(bytes[start...])) }
  guard let first = lines.first else { return nil }
  let parts = first.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
  guard parts.count >= 2 else { return nil }
  let target = String(decoding: parts[1], as: UTF8.self)
  let (path, queryText) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) }
    ?? (target, "")
  let query = queryText.split(separator: "&").map { pair in
    let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    return HTTPField(name: String(kv[0]), value: kv.count > 1 ? String(kv[1]) : "")
  }
  let headers = lines.dropFirst().compactMap { line -> HTTPField? in
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
    let name = String(decoding: line[..<colon], as: UTF8.self)
    let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    return HTTPField(name: name, value: value)
  }
  return HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), path: path, query: HTTPFields(query),
                     headers: HTTPFields(headers), body: Array(bytes[bodyStart...]))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let request = request(from: Fuzz.bytes(data, size)) else { return 0 }
  let response = service.handle(request)
  if verbose {
    print("\(request.method) \(request.path) -> \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
  }
  Fuzz.invariant((200...599).contains(response.status), "status \(response.status) for \(request.method) \(request.path)")
  if response.status == 200, request.path.hasPrefix("/v1/decisions/") {
    Fuzz.invariant(response.body.first == UInt8(ascii: "{") && response.body.last == UInt8(ascii: "}"),
                   "decision body is not a JSON object: \(String(decoding: response.body, as: UTF8.self))")
  }
  return 0
}

_ = service
Fuzz.run(fuzzHTTP)
