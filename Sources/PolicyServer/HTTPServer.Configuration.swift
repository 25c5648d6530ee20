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

    /// Creates a configuration; every parameter has a production default.
    public init(bindAddress: String = "127.0.0.1", port: UInt16 = 8181, threads: Int = 2,
                connectionLimit: Int = 2048, connectionTimeoutSeconds: Int = 10, bodyDeadlineSeconds: Int = 10,
                maxRequestBodyBytes: Int = 1 << 20, connectionMemoryBytes: Int = 32 << 10,
                listenBacklog: Int = 1024, shutdownGraceSeconds: Double = 5, logsErrors: Bool = false) {
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

  /// A lowercase message quoting the offending value.
  public var description: String {
    switch self {
    case .invalidBindAddress(let address): "bind address '\(address)' is not a numeric IPv4 or IPv6 address"
    case .invalidConfiguration(let problem): "invalid server configuration: \(problem)"
    case .cannotStart(let address, let port): "cannot listen on '\(address)' port \(port)"
    case .alreadyStarted: "server already started"
    }
  }
}
