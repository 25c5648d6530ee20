extension HTTPServer {
  /// Where an ``HTTPServer`` listens and the limits it enforces on every connection.
  ///
  /// Every limit is named here and has a test that crosses it.
  public struct Configuration: Sendable {
    /// The numeric IPv4 or IPv6 address to bind; loopback by default.
    public var bindAddress: String
    /// The TCP port; 0 binds an ephemeral port, readable from ``HTTPServer/port`` after start.
    public var port: UInt16
    /// The number of libmicrohttpd worker threads (each polls its share of the connections and runs handlers).
    public var threads: Int
    /// The most connections held at once; more wait in the listen backlog until one closes.
    public var connectionLimit: Int
    /// Seconds of inactivity after which a connection is closed (a stalled or trickling client); 0 means never.
    public var connectionTimeoutSeconds: Int
    /// Seconds a client has, from the end of its headers, to send the whole body; later the connection is dropped.
    public var bodyDeadlineSeconds: Int
    /// The largest request body accepted, in bytes; larger ones get 413.
    public var maxRequestBodyBytes: Int
    /// Per-connection memory for headers and read buffers, in bytes (bounds header size).
    public var connectionMemoryBytes: Int
    /// The listen backlog passed to `listen(2)`.
    public var listenBacklog: Int
    /// Seconds ``HTTPServer/stop()`` waits for requests in flight before closing the remaining connections.
    public var shutdownGraceSeconds: Double
    /// Whether libmicrohttpd prints its own errors (refused connections, timeouts) on stderr.
    public var logsErrors: Bool
    /// Bytes of an over-limit chunked body read and discarded in all, so that the 413 can be sent
    /// after the body ends (libmicrohttpd cannot answer in mid-body); past it the connection is closed.
    public var maxDrainBytes: Int
    /// HTTPS instead of HTTP when set.
    public var tls: TLS?
    /// Called once for every request the server refuses itself (bad framing, over the size cap,
    /// refused by libmicrohttpd) with the refusal's error code; it must be quick and thread-safe.
    public var onRefusal: (@Sendable (String) -> Void)?

    /// Creates a configuration; every parameter has a production default.
    public init(bindAddress: String = "127.0.0.1", port: UInt16 = 8181, threads: Int = 2,
                connectionLimit: Int = 2048, connectionTimeoutSeconds: Int = 10, bodyDeadlineSeconds: Int = 10,
                maxRequestBodyBytes: Int = 1 << 20, connectionMemoryBytes: Int = 32 << 10,
                listenBacklog: Int = 1024, shutdownGraceSeconds: Double = 5, logsErrors: Bool = false,
                maxDrainBytes: Int = 16 << 20, tls: TLS? = nil, onRefusal: (@Sendable (String) -> Void)? = nil) {
      self.bindAddress = bindAddress
      self.port = port
      self.threads = threads
      self.connectionLimit = connectionLimit
      self.connectionTimeoutSeconds = connectionTimeoutSeconds
      self.bodyDeadlineSeconds = bodyDeadlineSeconds
      self.maxRequestBodyBytes = maxRequestBodyBytes
      self.connectionMemoryBytes = connectionMemoryBytes
      self.listenBacklog = listenBacklog
      self.shutdownGraceSeconds = shutdownGraceSeconds
      self.logsErrors = logsErrors
      self.maxDrainBytes = maxDrainBytes
      self.tls = tls
      self.onRefusal = onRefusal
    }
  }

  /// The server's TLS identity, as PEM text, and optionally the CA its clients' certificates must chain to.
  public struct TLS: Sendable, Hashable {
    /// The server certificate (chain), PEM.
    public var certificatePEM: String
    /// The server's private key, PEM, unencrypted.
    public var privateKeyPEM: String
    /// When set, every client must present a certificate this CA (PEM) signed; the handshake fails otherwise.
    public var clientCAPEM: String?

    /// Creates TLS settings.
    public init(certificatePEM: String, privateKeyPEM: String, clientCAPEM: String? = nil) {
      self.certificatePEM = certificatePEM
      self.privateKeyPEM = privateKeyPEM
      self.clientCAPEM = clientCAPEM
    }
  }
}

/// Why an ``HTTPServer`` could not start.
public enum HTTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The bind address is not a numeric IPv4 or IPv6 address.
  case invalidBindAddress(String)
  /// A configuration value is out of range; the payload names it.
  case invalidConfiguration(String)
  /// libmicrohttpd refused to start (the port is taken, or the address is not local).
  case cannotStart(address: String, port: UInt16)
  /// ``HTTPServer/start()`` was called on a server that had already started.
  case alreadyStarted
  /// TLS was configured but this libmicrohttpd has no TLS support, or rejected the key or certificate.
  case tlsUnavailable(String)

  /// A lowercase message quoting the offending value.
  public var description: String {
    switch self {
    case .invalidBindAddress(let address): "bind address '\(address)' is not a numeric IPv4 or IPv6 address"
    case .invalidConfiguration(let problem): "invalid server configuration: \(problem)"
    case .cannotStart(let address, let port): "cannot listen on '\(address)' port \(port)"
    case .alreadyStarted: "server already started"
    case .tlsUnavailable(let problem): "cannot serve TLS: \(problem)"
    }
  }
}
