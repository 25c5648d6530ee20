/// One HTTP header field or query parameter, as the client sent it.
public struct HTTPField: Hashable, Sendable {
  /// The field name, as sent (HTTP names compare case-insensitively; see ``HTTPFields/subscript(_:)``).
  public var name: String
  /// The field value, without surrounding whitespace.
  public var value: String

  /// Creates a field.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// An ordered list of header fields or query parameters with case-insensitive lookup.
public struct HTTPFields: Sendable, Hashable {
  /// The fields in the order the client sent them.
  public var fields: [HTTPField]

  /// Creates a list from `fields`, keeping their order.
  public init(_ fields: [HTTPField] = []) { self.fields = fields }

  /// The value of the first field named `name` (ASCII case-insensitive), or `nil` when there is none.
  public subscript(_ name: String) -> String? {
    for field in fields where asciiCaseInsensitiveEqual(field.name, name) { return field.value }
    return nil
  }
}

/// Compares two strings byte by byte, folding ASCII letters to lower case.
@inline(__always)
func asciiCaseInsensitiveEqual(_ lhs: String, _ rhs: String) -> Bool {
  var lhs = lhs
  var rhs = rhs
  return lhs.withUTF8 { a in
    rhs.withUTF8 { b in
      guard a.count == b.count else { return false }
      for index in 0..<a.count where asciiLowercased(a[index]) != asciiLowercased(b[index]) { return false }
      return true
    }
  }
}

/// `byte` with ASCII `A`…`Z` folded to `a`…`z`; other bytes unchanged.
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }

/// A request as the ``HTTPServer`` hands it to its handler: the whole body has been received.
public struct HTTPRequest: Sendable {
  /// The request method, as sent (`GET`, `POST`, …).
  public var method: String
  /// The request path without the query string, percent-decoded by libmicrohttpd.
  public var path: String
  /// The query parameters, in order, decoded.
  public var query: HTTPFields
  /// The request header fields, in order.
  public var headers: HTTPFields
  /// The request body bytes; empty when there is none.
  public var body: [UInt8]

  /// Creates a request; the server builds these, tests may too.
  public init(method: String, path: String, query: HTTPFields = HTTPFields(), headers: HTTPFields = HTTPFields(), body: [UInt8] = []) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
  }
}

/// A response for the ``HTTPServer`` to send.
public struct HTTPResponse: Sendable {
  /// The HTTP status code (200, 404, …).
  public var status: Int
  /// The `Content-Type` header value.
  public var contentType: String
  /// Extra header fields to send, besides `Content-Type` and `Content-Length`.
  public var headers: [HTTPField]
  /// The response body bytes.
  public var body: [UInt8]

  /// Creates a response.
  public init(status: Int, contentType: String = "application/json", headers: [HTTPField] = [], body: [UInt8]) {
    self.status = status
    self.contentType = contentType
    self.headers = headers
    self.body = body
  }

  /// A response whose body is the UTF-8 bytes of `text`.
  public init(status: Int, contentType: String = "application/json", headers: [HTTPField] = [], text: String) {
    self.init(status: status, contentType: contentType, headers: headers, body: Array(text.utf8))
  }
}
