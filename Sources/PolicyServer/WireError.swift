/// Where a reported problem sits: a place in a policy file, a line and column in the request body,
/// or a field path in the input document. Absent parts are left out of the JSON.
public struct WireLocation: Hashable, Sendable {
  /// The policy file, relative to the policy folder; `nil` for problems in the request body.
  public var file: String?
  /// The 1-based line, or `nil`.
  public var line: Int?
  /// The 1-based column (in Unicode scalars for policy files, in bytes for request bodies), or `nil`.
  public var column: Int?
  /// The dotted field path in the input document (`receivable.amount`), or `nil`.
  public var path: String?

  /// Creates a location from the parts that are known.
  public init(file: String? = nil, line: Int? = nil, column: Int? = nil, path: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.path = path
  }
}

/// One entry of a ``WireError``'s `errors` list.
public struct WireErrorDetail: Hashable, Sendable {
  /// The stable snake_case code of this problem (`json_syntax_error`, `expr_check_error`, …).
  public var code: String
  /// Where the problem is, when it has a place.
  public var location: WireLocation?
  /// The lowercase message quoting the offending text, without a final period.
  public var message: String

  /// Creates a detail entry.
  public init(code: String, location: WireLocation? = nil, message: String) {
    self.code = code
    self.location = location
    self.message = message
  }
}

/// The one JSON error shape on the wire:
/// `{"code":…,"message":…,"errors":[{"code":…,"location":{"file":…,"line":…,"column":…},"message":…}]}`.
///
/// `location` is `null` when a detail has no place. Build values with the static factories below,
/// which fix each status's code and message.
public struct WireError: Hashable, Sendable, Error {
  /// The HTTP status the error is sent with.
  public var status: Int
  /// The stable snake_case code of the error as a whole.
  public var code: String
  /// The lowercase summary, without a final period.
  public var message: String
  /// The individual problems, possibly empty.
  public var errors: [WireErrorDetail]
  /// Extra response header fields (`Allow` for 405, `WWW-Authenticate` for 401).
  public var headers: [HTTPField]

  /// Creates an error body.
  public init(status: Int, code: String, message: String, errors: [WireErrorDetail] = [], headers: [HTTPField] = []) {
    self.status = status
    self.code = code
    self.message = message
    self.errors = errors
    self.headers = headers
  }

  /// The JSON text of the error body.
  public var json: [UInt8] {
    var writer = JSONWriter(capacity: 96 + message.utf8.count)
    writer.raw("{\"code\":")
    writer.string(code)
    writer.raw(",\"message\":")
    writer.string(message)
    writer.raw(",\"errors\":[")
    for (index, detail) in errors.enumerated() {
      if index > 0 { writer.raw(",") }
      writer.raw("{\"code\":")
      writer.string(detail.code)
      writer.raw(",\"location\":")
      if let location = detail.location { Self.write(location, into: &writer) } else { writer.null() }
      writer.raw(",\"message\":")
      writer.string(detail.message)
      writer.raw("}")
    }
    writer.raw("]}")
    return writer.bytes
  }

  /// The HTTP response carrying this error.
  public var response: HTTPResponse {
    HTTPResponse(status: status, contentType: "application/json", headers: headers, body: json)
  }

  private static func write(_ location: WireLocation, into writer: inout JSONWriter) {
    writer.raw("{")
    var first = true
    func separator(_ writer: inout JSONWriter) {
      if !first { writer.raw(",") }
      first = false
    }
    if let file = location.file { separator(&writer); writer.raw("\"file\":"); writer.string(file) }
    if let line = location.line { separator(&writer); writer.raw("\"line\":"); writer.integer(line) }
    if let column = location.column { separator(&writer); writer.raw("\"column\":"); writer.integer(column) }
    if let path = location.path { separator(&writer); writer.raw("\"path\":"); writer.string(path) }
    writer.raw("}")
  }
}

extension WireError {
  /// 400: the body is not JSON; `line` and `column` (1-based, column in bytes) locate the first error.
  public static func malformedJSON(line: Int, column: Int, problem: String) -> WireError {
    WireError(status: 400, code: "malformed_json", message: "request body is not valid JSON",
              errors: [WireErrorDetail(code: "json_syntax_error", location: WireLocation(line: line, column: column), message: problem)])
  }

  /// 400: a well-formed request the service cannot act on (a bad query parameter, a missing body).
  public static func badRequest(_ message: String) -> WireError {
    WireError(status: 400, code: "bad_request", message: message)
  }

  /// 400 with `Connection: close`: the request's framing or target is refused (see ``HTTPFraming``);
  /// `code` names the rule broken (`duplicate_content_length`, `missing_host`, …).
  public static func malformedRequest(_ code: String, _ message: String) -> WireError {
    WireError(status: 400, code: code, message: message, headers: [closeConnection])
  }

  /// 401: a protected endpoint called without a bearer token (`presented` false) or with one that
  /// matches no configured token.
  public static func unauthorized(presented: Bool) -> WireError {
    WireError(status: 401, code: "unauthorized",
              message: presented ? "bearer token not recognized" : "bearer token required",
              headers: [HTTPField(name: "WWW-Authenticate", value: presented ? #"Bearer error="invalid_token""# : "Bearer")])
  }

  /// 403: the token `name` is valid but does not grant what the request needs (`needed` says what).
  public static func forbidden(token name: String, needed: String) -> WireError {
    WireError(status: 403, code: "forbidden", message: "token '\(name)' does not grant \(needed)")
  }

  /// 403: the TLS client certificate is missing or does not verify against the configured client CA.
  public static func clientCertificateRequired() -> WireError {
    WireError(status: 403, code: "client_certificate_required",
              message: "a client certificate signed by the configured client CA is required", headers: [closeConnection])
  }

  /// 404: no route matches `path`.
  public static func notFound(path: String) -> WireError {
    WireError(status: 404, code: "not_found", message: "no resource at '\(path)'")
  }

  /// 404: the route exists but no policy has the id `policy`.
  public static func unknownPolicy(_ policy: String) -> WireError {
    WireError(status: 404, code: "unknown_policy", message: "no policy named '\(policy)'")
  }

  /// 405: `path` exists but not for `method`; `allowed` fills the `Allow` header.
  public static func methodNotAllowed(method: String, path: String, allowed: [String]) -> WireError {
    WireError(status: 405, code: "method_not_allowed", message: "method '\(method)' is not allowed on '\(path)'",
              headers: [HTTPField(name: "Allow", value: allowed.joined(separator: ", "))])
  }

  /// 413 with `Connection: close`: the body (declared or chunked) is over `limit` bytes.
  public static func payloadTooLarge(limit: Int) -> WireError {
    WireError(status: 413, code: "payload_too_large", message: "request body is over the limit of \(limit) bytes",
              headers: [closeConnection])
  }

  /// 415: a POST body that is not `application/json` (`found` is the `Content-Type` sent, or `nil`).
  public static func unsupportedMediaType(found: String?) -> WireError {
    WireError(status: 415, code: "unsupported_media_type",
              message: found.map { "Content-Type '\($0)' is not accepted; send application/json" }
                ?? "request body has no Content-Type; send application/json",
              headers: [HTTPField(name: "Accept", value: "application/json")])
  }

  /// 422: the input is JSON but does not fit the policy's schema; each detail names a field path.
  public static func invalidInput(_ errors: [WireErrorDetail]) -> WireError {
    WireError(status: 422, code: "invalid_input", message: "input does not match the policy's schema", errors: errors)
  }

  /// 422 detail: the field at `path` has the wrong type.
  public static func fieldTypeMismatch(path: String, expected: String, found: String) -> WireErrorDetail {
    WireErrorDetail(code: "input_type_mismatch", location: WireLocation(path: path),
                    message: "field '\(path)' must be \(expected), found \(found)")
  }

  /// 422 detail: the required field at `path` is missing.
  public static func missingField(path: String, expected: String) -> WireErrorDetail {
    WireErrorDetail(code: "input_missing_field", location: WireLocation(path: path),
                    message: "missing field '\(path)' of type \(expected)")
  }

  /// 422: a policy (on reload) failed to load, check or pass its tests; `errors` are its located diagnostics.
  public static func invalidPolicy(_ policy: String, errors: [WireErrorDetail]) -> WireError {
    WireError(status: 422, code: "invalid_policy", message: "policy '\(policy)' was not loaded", errors: errors)
  }

  /// 500: an unexpected failure; `message` says what failed.
  public static func internalError(_ message: String) -> WireError {
    WireError(status: 500, code: "internal_error", message: message)
  }

  /// 503: the service cannot answer now (not ready, shutting down, decision log unavailable).
  public static func unavailable(_ message: String) -> WireError {
    WireError(status: 503, code: "unavailable", message: message,
              headers: [HTTPField(name: "Retry-After", value: "1")])
  }
}

/// The header that makes libmicrohttpd close the connection after the response.
private let closeConnection = HTTPField(name: "Connection", value: "close")
