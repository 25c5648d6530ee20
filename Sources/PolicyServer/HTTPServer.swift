// The only file that imports CMicroHTTPD: libmicrohttpd's types never leave it.
internal import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd that hands each complete request to one `@Sendable` handler.
///
/// Requests run on a pool of ``Configuration/threads`` worker threads. An immediate ``Handler`` returns
/// the response; a handler that blocks holds that worker's other connections meanwhile. A
/// ``DeferredHandler`` instead gets an ``HTTPResponder`` and may answer later from any thread (after a
/// decision log commit): the connection is suspended until then, and the worker serves other connections.
/// The server enforces the configuration's limits itself: a body over
/// ``Configuration/maxRequestBodyBytes`` is answered 413 without being buffered (at once when its
/// `Content-Length` says so; a chunked one is read and discarded to its end, up to
/// ``Configuration/maxDrainBytes``, then answered, or dropped past that), a body not received
/// within ``Configuration/bodyDeadlineSeconds`` is dropped, and an idle or trickling connection is
/// closed after ``Configuration/connectionTimeoutSeconds`` of silence. Before any handler runs, the
/// request's framing and target are checked (``HTTPFraming``): a refused request gets one JSON error
/// and its connection is closed. Every refusal is reported to ``Configuration/onRefusal``.
public final class HTTPServer: Sendable {
  /// The function that turns a request into a response; called concurrently from worker threads.
  public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
  /// A handler that answers through the responder, now or later from another thread, exactly once.
  public typealias DeferredHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

  /// The configuration the server was created with.
  public let configuration: Configuration
  let handler: HandlerKind
  private let daemon = Mutex<DaemonState>(DaemonState())
  /// Requests whose connection is suspended waiting for their deferred response, by identity.
  let suspended = Mutex<[ObjectIdentifier: RequestState]>([:])
  /// Requests whose headers have arrived and whose completion libmicrohttpd has not yet reported.
  let inFlight = Atomic<Int>(0)
  /// Set once ``stop()`` begins: responses then carry `Connection: close`.
  let stopping = Atomic<Bool>(false)

  /// Creates a server; nothing listens until ``start()``.
  public init(configuration: Configuration = Configuration(), handler: @escaping Handler) {
    self.configuration = configuration
    self.handler = .immediate(handler)
  }

  /// Creates a server whose handler answers through an ``HTTPResponder``; nothing listens until ``start()``.
  public init(configuration: Configuration = Configuration(), deferredHandler: @escaping DeferredHandler) {
    self.configuration = configuration
    self.handler = .deferred(deferredHandler)
  }

  /// The bound TCP port (the ephemeral one when ``Configuration/port`` is 0), or 0 before ``start()``.
  public var port: UInt16 { daemon.withLock { $0.port } }

  /// The number of open client connections (idle keep-alive ones included), or 0 when stopped.
  public var connectionCount: Int {
    daemon.withLock { state in state.handle.map { Int(cmhd_current_connections($0.pointer)) } ?? 0 }
  }

  /// The number of requests currently being received or handled.
  public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

  /// Binds the socket and starts the worker threads. The daemon keeps `self` alive until ``stop()``.
  ///
  /// - Throws: ``HTTPServerError`` when the address is not numeric, a limit is out of range, or the port is taken.
  public func start() throws(HTTPServerError) {
    let configuration = self.configuration
    guard configuration.threads >= 1, configuration.threads <= 256 else {
      throw .invalidConfiguration("threads must be between 1 and 256, got \(configuration.threads)")
    }
    guard configuration.connectionLimit >= 1, configuration.maxRequestBodyBytes >= 0,
          configuration.connectionTimeoutSeconds >= 0, configuration.bodyDeadlineSeconds >= 1 else {
      throw .invalidConfiguration("limits must be positive")
    }
    guard daemon.withLock({ $0.handle == nil && !$0.started }) else { throw .alreadyStarted }
    guard let address = SocketAddress(configuration.bindAddress, port: configuration.port) else {
      throw .invalidBindAddress(configuration.bindAddress)
    }
    var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_AUTO.rawValue
    if configuration.logsErrors { flags |= MHD_USE_ERROR_LOG.rawValue }
    if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
    var pem = TLSStrings(configuration.tls)
    if configuration.tls != nil {
      guard cmhd_supports_tls() != 0 else { throw .tlsUnavailable("this libmicrohttpd was built without TLS") }
      flags |= MHD_USE_TLS.rawValue
    }
    let context = Unmanaged.passRetained(self)
    let handle = address.withSockaddr { sockaddr in
      cmhd_start(UInt32(flags), sockaddr, accessHandler, context.toOpaque(), requestCompleted, context.toOpaque(),
                 requestLineRead, context.toOpaque(),
                 UInt32(configuration.connectionLimit), UInt32(configuration.connectionTimeoutSeconds),
                 UInt32(configuration.threads), configuration.connectionMemoryBytes, UInt32(configuration.listenBacklog),
                 pem.key, pem.certificate, pem.clientCA)
    }
    guard let handle else {
      context.release()
      pem.free()
      if configuration.tls != nil {
        throw .tlsUnavailable("libmicrohttpd refused the key or certificate, or cannot listen on '\(configuration.bindAddress)' port \(configuration.port)")
      }
      throw .cannotStart(address: configuration.bindAddress, port: configuration.port)
    }
    let bound = cmhd_bound_port(handle)
    daemon.withLock { state in
      state.handle = DaemonHandle(pointer: handle)
      state.port = bound
      state.started = true
      state.pem = pem
    }
  }

  /// Reports a refusal to ``Configuration/onRefusal``.
  func refused(_ code: String) { configuration.onRefusal?(code) }

  /// Stops gracefully: stops accepting, lets requests in flight finish (up to
  /// ``Configuration/shutdownGraceSeconds``; deferred requests still waiting then get 503), then closes
  /// every connection. A second call does nothing.
  ///
  /// Must not be called from inside the handler (it waits for the handler's own request).
  public func stop() {
    guard let handle = daemon.withLock({ state -> DaemonHandle? in defer { state.handle = nil }; return state.handle }) else {
      return
    }
    stopping.store(true, ordering: .releasing)
    let listener = MHD_quiesce_daemon(handle.pointer)
    let deadline = monotonicSeconds() + configuration.shutdownGraceSeconds
    while inFlight.load(ordering: .acquiring) > 0, monotonicSeconds() < deadline {
      usleep(1_000)
    }
    // libmicrohttpd must not stop with suspended connections: answer the stragglers, let them flush.
    for state in suspended.withLock({ Array($0.values) }) {
      HTTPResponder(state: state, server: self).respond(WireError.unavailable("server is shutting down").response)
    }
    let flushDeadline = monotonicSeconds() + 1
    while !suspended.withLock({ $0.isEmpty }) || inFlight.load(ordering: .acquiring) > 0, monotonicSeconds() < flushDeadline {
      usleep(1_000)
    }
    MHD_stop_daemon(handle.pointer)  // returns after every handler call has finished
    if listener >= 0 { close(listener) }
    daemon.withLock { $0.pem.free() }
    Unmanaged.passUnretained(self).release()  // balances passRetained in start()
  }
}

/// The daemon pointer, made `Sendable` so it can live in a `Mutex` (see STYLE.md, "libmicrohttpd from Swift 6").
private struct DaemonHandle: @unchecked Sendable { let pointer: OpaquePointer }

private struct DaemonState: Sendable {
  var handle: DaemonHandle?
  var port: UInt16 = 0
  var started = false
  var pem = TLSStrings(nil)
}

/// The TLS PEM texts as C strings, which libmicrohttpd holds on to while the daemon runs.
private struct TLSStrings: @unchecked Sendable {
  var key: UnsafeMutablePointer<CChar>?
  var certificate: UnsafeMutablePointer<CChar>?
  var clientCA: UnsafeMutablePointer<CChar>?

  init(_ tls: HTTPServer.TLS?) {
    key = tls.map { strdup($0.privateKeyPEM) }
    certificate = tls.map { strdup($0.certificatePEM) }
    clientCA = tls?.clientCAPEM.map { strdup($0) }
  }

  /// Frees the strings; call only once the daemon has stopped.
  mutating func free() {
    for pointer in [key, certificate, clientCA] { Glibc.free(pointer) }
    key = nil
    certificate = nil
    clientCA = nil
  }
}

enum HandlerKind: Sendable {
  case immediate(HTTPServer.Handler)
  case deferred(HTTPServer.DeferredHandler)
}

/// Answers one request of a ``HTTPServer/DeferredHandler``, from any thread; calls after the first are ignored.
public struct HTTPResponder: Sendable {
  let state: RequestState
  let server: HTTPServer

  /// Sends `response`, resuming the request's connection if it was suspended waiting for it.
  public func respond(_ response: HTTPResponse) {
    state.slot.withLock { slot in
      switch slot {
      case .waiting:
        slot = .responded(response)   // the worker is still in the handler and will send it
      case .suspended(let connection):
        slot = .responded(response)
        _ = server.suspended.withLock { $0.removeValue(forKey: ObjectIdentifier(state)) }
        MHD_resume_connection(connection.pointer)   // under the slot lock: never before the suspend
      case .responded, .sent:
        break
      }
    }
  }
}

/// A connection pointer, made `Sendable` to cross to the thread that resumes it.
struct ConnectionHandle: @unchecked Sendable { let pointer: OpaquePointer }

/// Where a deferred response stands.
enum ResponseSlot: Sendable {
  case waiting
  case suspended(ConnectionHandle)
  case responded(HTTPResponse)
  case sent
}

/// What one request has received so far; retained in `*con_cls` from the first handler call to completion.
///
/// Everything but `slot` is touched only by the worker thread that owns the connection.
final class RequestState: @unchecked Sendable {
  let slot = Mutex<ResponseSlot>(.waiting)
  /// The request target as sent, before libmicrohttpd percent-decodes it.
  let target: [UInt8]
  /// Set by the first access-handler call (the headers are in); libmicrohttpd answered the request
  /// itself when it completes without one.
  var headersChecked = false
  var headers = HTTPFields()
  var body: [UInt8] = []
  /// The error to answer with once the request is known to be over a limit.
  var rejection: WireError?
  /// Set once the server has answered (or dropped) the request itself.
  var answered = false
  /// Bytes received and thrown away after the body went over the cap.
  var drained = 0
  var headersReceivedAt = monotonicSeconds()

  init(target: [UInt8]) { self.target = target }
}

/// A numeric IPv4 or IPv6 socket address.
private struct SocketAddress {
  var storage = sockaddr_storage()
  var isIPv6 = false

  init?(_ text: String, port: UInt16) {
    if text.utf8.contains(UInt8(ascii: ":")) {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = port.bigEndian
      guard inet_pton(AF_INET6, text, &address.sin6_addr) == 1 else { return nil }
      Self.copy(address, into: &storage)
      isIPv6 = true
    } else {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
      Self.copy(address, into: &storage)
    }
  }

  private static func copy<Address>(_ address: Address, into storage: inout sockaddr_storage) {
    withUnsafeBytes(of: address) { source in
      withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
    }
  }

  func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
    var storage = self.storage
    return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
  }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Runs when a request line has been read: the request's state starts here, with its raw target.
private let requestLineRead: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer? = {
  cls, uri, _ in
  guard let cls else { return nil }
  let target = uri.map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) }
  Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().inFlight.add(1, ordering: .relaxed)
  return Unmanaged.passRetained(RequestState(target: target ?? [])).toOpaque()
}

private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, version, data, size, requestContext in
  guard let cls, let connection, let requestContext, let size else { return .NO }
  let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
  if requestContext.pointee == nil {   // not seen by requestLineRead: cannot happen with libmicrohttpd 0.9.75
    requestContext.pointee = Unmanaged.passRetained(RequestState(target: Array((url.map { String(cString: $0) } ?? "/").utf8))).toOpaque()
    server.inFlight.add(1, ordering: .relaxed)
  }
  let state = Unmanaged<RequestState>.fromOpaque(requestContext.pointee!).takeUnretainedValue()
  if !state.headersChecked {
    // First call: headers only. Refuse bad framing, or a declared oversize body, before reading any of it.
    state.headersChecked = true
    state.headersReceivedAt = monotonicSeconds()
    state.headers = collectFields(connection, kind: .HEADER_KIND)
    let limit = server.configuration.maxRequestBodyBytes
    var refusal = HTTPFraming.refusal(version: version.map { String(cString: $0) } ?? "", headers: state.headers.fields, target: state.target)
    if refusal == nil, server.configuration.tls?.clientCAPEM != nil, cmhd_client_certificate_verified(connection) != 1 {
      refusal = .clientCertificateRequired()
    }
    let declared = state.headers["Content-Length"].flatMap(HTTPFraming.parseContentLength)
    if refusal == nil, let declared, declared > limit { refusal = .payloadTooLarge(limit: limit) }
    if let refusal {
      state.answered = true
      server.refused(refusal.code)
      return send(refusal.response, on: connection, server: server)
    }
    if let declared { state.body.reserveCapacity(min(declared, 64 << 10)) }   // a declared length is not trusted further
    return .YES
  }
  if size.pointee > 0 {
    // Middle calls: body chunks. libmicrohttpd cannot answer before the body ends, so a body over the
    // cap is drained (up to maxDrainBytes in all) and answered 413 at the end; past that, or past the
    // body deadline (a trickling client), the connection is dropped.
    let count = size.pointee
    size.pointee = 0
    if state.answered { return .YES }
    let limit = server.configuration.maxRequestBodyBytes
    if monotonicSeconds() - state.headersReceivedAt > Double(server.configuration.bodyDeadlineSeconds) {
      server.refused("body_deadline_exceeded")
      state.answered = true   // dropped, and counted: not libmicrohttpd's refusal
      return .NO
    }
    if state.rejection != nil {
      state.drained += count
      return state.drained > server.configuration.maxDrainBytes ? .NO : .YES   // counted when the cap was crossed
    }
    if state.body.count + count > limit {
      state.rejection = .payloadTooLarge(limit: limit)
      server.refused("payload_too_large")
      state.drained = state.body.count + count
      state.body = []
      return .YES
    }
    if let data { state.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count)) }
    return .YES
  }
  // Last call: the whole body has arrived. After a deferred handler's response resumes the
  // connection, libmicrohttpd calls again with the response waiting in the slot.
  if state.answered {
    let ready = state.slot.withLock { slot -> HTTPResponse? in
      guard case .responded(let response) = slot else { return nil }
      slot = .sent
      return response
    }
    return ready.map { send($0, on: connection, server: server) } ?? .YES
  }
  state.answered = true
  if let rejection = state.rejection { return send(rejection.response, on: connection, server: server) }
  var request = HTTPRequest(method: method.map { String(cString: $0) } ?? "", path: url.map { String(cString: $0) } ?? "/")
  request.headers = state.headers
  request.query = collectFields(connection, kind: .GET_ARGUMENT_KIND)
  request.body = state.body
  state.body = []
  switch server.handler {
  case .immediate(let handler):
    return send(handler(request), on: connection, server: server)
  case .deferred(let handler):
    handler(request, HTTPResponder(state: state, server: server))
    let ready = state.slot.withLock { slot -> HTTPResponse? in
      switch slot {
      case .responded(let response):
        slot = .sent
        return response
      case .waiting:
        server.suspended.withLock { $0[ObjectIdentifier(state)] = state }
        MHD_suspend_connection(connection)   // under the slot lock, so a resume cannot come first
        slot = .suspended(ConnectionHandle(pointer: connection))
        return nil
      case .suspended, .sent:
        return nil
      }
    }
    return ready.map { send($0, on: connection, server: server) } ?? .YES
  }
}

private func collectFields(_ connection: OpaquePointer, kind: MHD_ValueKind) -> HTTPFields {
  var fields: [HTTPField] = []
  withUnsafeMutablePointer(to: &fields) { pointer in
    _ = MHD_get_connection_values(connection, kind, collectField, pointer)
  }
  return HTTPFields(fields)
}

private let collectField: MHD_KeyValueIterator = { cls, _, key, value in
  guard let cls, let key else { return .YES }
  cls.assumingMemoryBound(to: [HTTPField].self).pointee
    .append(HTTPField(name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
  return .YES
}

private func send(_ reply: HTTPResponse, on connection: OpaquePointer, server: HTTPServer) -> MHD_Result {
  let response = reply.body.withUnsafeBytes {
    MHD_create_response_from_buffer($0.count, UnsafeMutableRawPointer(mutating: $0.baseAddress), .RESPMEM_MUST_COPY)
  }
  guard let response else { return .NO }
  defer { MHD_destroy_response(response) }
  _ = MHD_add_response_header(response, "Content-Type", reply.contentType)
  for field in reply.headers { _ = MHD_add_response_header(response, field.name, field.value) }
  if server.stopping.load(ordering: .relaxed) { _ = MHD_add_response_header(response, "Connection", "close") }
  return MHD_queue_response(connection, UInt32(clamping: reply.status), response)
}

/// Releases the request's state. A request that completed without the server answering it was answered
/// by libmicrohttpd itself: before the access handler (an unparsable `Content-Length`, headers over
/// the connection memory) or in mid-body (malformed chunked encoding, a chunk size over 64 bits). It
/// is counted as a refusal too.
private let requestCompleted: MHD_RequestCompletedCallback = { cls, connection, requestContext, termination in
  guard let requestContext, let raw = requestContext.pointee else { return }
  let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
  requestContext.pointee = nil
  guard let cls else { return }
  let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
  server.inFlight.subtract(1, ordering: .relaxed)
  // COMPLETED_OK, or WITH_ERROR (libmicrohttpd's own error responses close the connection so); not a
  // client that went away, a timeout or a shutdown.
  guard !state.answered, state.rejection == nil, termination.rawValue <= 1 else { return }
  if state.headersChecked {
    server.refused(state.headers["Transfer-Encoding"] == nil ? "refused_by_libmicrohttpd" : "malformed_chunked_body")
  } else {
    let length = connection.flatMap { MHD_lookup_connection_value($0, .HEADER_KIND, "Content-Length") }
    server.refused(length == nil ? "refused_by_libmicrohttpd" : "invalid_content_length")
  }
}
