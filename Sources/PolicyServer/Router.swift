/// Matches a request's method and path against a table of routes such as `/v1/decisions/{policy}`.
///
/// Paths are compared segment by segment over UTF-8 bytes; a `{name}` segment captures one non-empty
/// segment. The first route whose pattern matches wins; a path that matches only under other methods
/// gives ``Match/methodNotAllowed(allowed:)``.
public struct Router<Endpoint: Sendable>: Sendable {
  /// One row of the table: a method, a path pattern and what it leads to.
  public struct Route: Sendable {
    /// The HTTP method, upper case.
    public var method: String
    /// The pattern as written, for example `/v1/policies/{id}`.
    public var pattern: String
    /// The value returned on a match.
    public var endpoint: Endpoint
    let segments: [Segment]

    /// Creates a route; `pattern` must start with `/`.
    public init(_ method: String, _ pattern: String, _ endpoint: Endpoint) {
      self.method = method
      self.pattern = pattern
      self.endpoint = endpoint
      segments = pattern.utf8.split(separator: UInt8(ascii: "/")).map { part in
        if part.first == UInt8(ascii: "{"), part.last == UInt8(ascii: "}") {
          return .parameter(String(decoding: part.dropFirst().dropLast(), as: UTF8.self))
        }
        return .literal(Array(part))
      }
    }
  }

  enum Segment: Sendable {
    case literal([UInt8])
    case parameter(String)
  }

  /// The outcome of ``match(method:path:)``.
  public enum Match: Sendable {
    /// A route matched; `parameters` holds the captured `{name}` segments in pattern order.
    case found(Endpoint, parameters: [PathParameter])
    /// The path exists but not for this method; `allowed` lists the methods that would match.
    case methodNotAllowed(allowed: [String])
    /// No pattern matches the path.
    case notFound
  }

  /// The routes, tried in order.
  public let routes: [Route]

  /// Creates a router over `routes`.
  public init(_ routes: [Route]) { self.routes = routes }

  /// Finds the route for `method` and `path` (no query string).
  public func match(method: String, path: String) -> Match {
    var path = path
    return path.withUTF8 { bytes in
      var allowed: [String] = []
      for route in routes {
        guard let parameters = Self.capture(route.segments, in: bytes) else { continue }
        if route.method == method { return .found(route.endpoint, parameters: parameters) }
        if !allowed.contains(route.method) { allowed.append(route.method) }
      }
      return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }
  }

  /// The captured parameters when `segments` match `path` exactly (a trailing `/` does not match).
  private static func capture(_ segments: [Segment], in path: UnsafeBufferPointer<UInt8>) -> [PathParameter]? {
    let slash = UInt8(ascii: "/")
    guard path.first == slash else { return nil }
    var position = 1
    var parameters: [PathParameter] = []
    for (index, segment) in segments.enumerated() {
      var end = position
      while end < path.count, path[end] != slash { end += 1 }
      guard end > position else { return nil }
      switch segment {
      case .literal(let literal):
        guard literal.count == end - position else { return nil }
        for offset in 0..<literal.count where literal[offset] != path[position + offset] { return nil }
      case .parameter(let name):
        parameters.append(PathParameter(name: name, value: String(decoding: UnsafeBufferPointer(rebasing: path[position..<end]), as: UTF8.self)))
      }
      if index == segments.count - 1 { return end == path.count ? parameters : nil }
      guard end < path.count else { return nil }
      position = end + 1
    }
    return path.count == 1 && segments.isEmpty ? parameters : nil
  }
}

/// A `{name}` segment captured from a path.
public struct PathParameter: Hashable, Sendable {
  /// The name inside the braces of the pattern.
  public var name: String
  /// The segment's text in the request path.
  public var value: String
}

/// The endpoints of the decision service's HTTP API.
public enum ServiceEndpoint: Hashable, Sendable {
  /// `POST /v1/decisions/{policy}`: evaluate a policy on the body.
  case decide
  /// `GET /v1/policies`: the active policies.
  case listPolicies
  /// `GET /v1/policies/{id}`: one policy's source and hash.
  case showPolicy
  /// `POST /v1/reload`: reload the policy folder (admin token).
  case reload
  /// `GET /health`: the process answers.
  case health
  /// `GET /ready`: the policies are loaded and the decision log is open.
  case ready
  /// `GET /metrics`: Prometheus text exposition.
  case metrics
}

extension Router where Endpoint == ServiceEndpoint {
  /// The decision service's route table.
  public static var service: Router {
    Router([
      Route("POST", "/v1/decisions/{policy}", .decide),
      Route("GET", "/v1/policies", .listPolicies),
      Route("GET", "/v1/policies/{id}", .showPolicy),
      Route("POST", "/v1/reload", .reload),
      Route("GET", "/health", .health),
      Route("GET", "/ready", .ready),
      Route("GET", "/metrics", .metrics),
    ])
  }
}
