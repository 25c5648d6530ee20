/// The RFC 9112 message-framing and request-target checks the ``HTTPServer`` makes on every request,
/// once its headers have arrived and before any of its body is read or its handler runs.
///
/// libmicrohttpd 0.9.75 is lenient where a proxy in front of the service may not be: it takes the first
/// of several `Content-Length` fields, lets `Transfer-Encoding` silently override `Content-Length`,
/// ignores transfer codings it does not know, serves HTTP/1.1 without `Host`, and percent-decodes
/// `%00` into a path that then ends early. Each of those lets two parsers disagree on where a request
/// ends (request smuggling) or on what it names, so each is refused here with a 400 whose response
/// closes the connection: bytes after the refused head are never parsed as another request.
enum HTTPFraming {
  /// The refusal for a request whose head breaks a framing rule, or `nil` when it is well framed.
  ///
  /// - Parameters:
  ///   - version: the protocol version of the request line (`HTTP/1.1`, `HTTP/1.0`).
  ///   - headers: every header field, in order, repeated names included.
  ///   - target: the request target exactly as sent (path and query, before percent-decoding).
  static func refusal(version: String, headers: [HTTPField], target: [UInt8]) -> WireError? {
    var contentLengths: [String] = []
    var transferEncodings: [String] = []
    var hosts = 0
    for field in headers {
      if let refusal = fieldRefusal(field) { return refusal }
      if asciiCaseInsensitiveEqual(field.name, "Content-Length") { contentLengths.append(field.value) }
      else if asciiCaseInsensitiveEqual(field.name, "Transfer-Encoding") { transferEncodings.append(field.value) }
      else if asciiCaseInsensitiveEqual(field.name, "Host") { hosts += 1 }
    }
    if contentLengths.count > 1 {
      return .malformedRequest("duplicate_content_length",
                               "request has \(contentLengths.count) Content-Length fields (\(contentLengths.joined(separator: ", ")))")
    }
    if let length = contentLengths.first, parseContentLength(length) == nil {
      return .malformedRequest("invalid_content_length", "Content-Length '\(length)' is not a decimal byte count under 10^18")
    }
    if !transferEncodings.isEmpty {
      if !contentLengths.isEmpty {
        return .malformedRequest("content_length_with_transfer_encoding",
                                 "request has both Content-Length and Transfer-Encoding")
      }
      if version != "HTTP/1.1" {
        return .malformedRequest("unsupported_transfer_encoding", "Transfer-Encoding is not allowed in a \(version) request")
      }
      let codings = transferEncodings.joined(separator: ",")
      guard transferEncodings.count == 1, asciiCaseInsensitiveEqual(codings, "chunked") else {
        return .malformedRequest("unsupported_transfer_encoding",
                                 "transfer coding '\(codings)' is not supported; only 'chunked' is")
      }
    }
    if version == "HTTP/1.1", hosts == 0 {
      return .malformedRequest("missing_host", "HTTP/1.1 request has no Host field")
    }
    if hosts > 1 {
      return .malformedRequest("duplicate_host", "request has \(hosts) Host fields")
    }
    if let space = target.firstIndex(of: 0x20) {   // libmicrohttpd takes `GET /a b HTTP/1.1` as the path `/a b`
      return .malformedRequest("space_in_target", "request target has a raw space at byte \(space + 1)")
    }
    if let problem = controlCharacter(in: target) {
      return .malformedRequest("control_character_in_target", "request target has \(problem)")
    }
    return nil
  }

  /// A field whose name is not an RFC 9110 token (whitespace before the colon, which libmicrohttpd
  /// keeps in the name, so that `Content-Length : 5` would frame nothing here and five bytes in a
  /// proxy that trims it) or whose value holds a control character other than HTAB.
  static func fieldRefusal(_ field: HTTPField) -> WireError? {
    let name = Array(field.name.utf8)
    if name.isEmpty || !name.allSatisfy(isTokenByte) {
      return .malformedRequest("invalid_header_name", "header field name '\(field.name)' is not a token (no whitespace before the colon)")
    }
    if let bad = field.value.utf8.first(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
      return .malformedRequest("invalid_header_value", "header field '\(field.name)' has a control character 0x\(hex(bad)) in its value")
    }
    return nil
  }

  /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
  private static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
    default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
  }

  /// The value of a `Content-Length` field: one to eighteen ASCII digits (so it always fits an `Int`), else `nil`.
  static func parseContentLength(_ text: String) -> Int? {
    let digits = Array(text.utf8)
    guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
  }

  /// A description of the first control character (C0, or DEL) in `target`, raw or percent-encoded.
  static func controlCharacter(in target: [UInt8]) -> String? {
    var index = 0
    while index < target.count {
      let byte = target[index]
      if byte < 0x20 || byte == 0x7F { return "a raw control character 0x\(hex(byte)) at byte \(index + 1)" }
      if byte == UInt8(ascii: "%"), index + 2 < target.count,
         let high = hexValue(target[index + 1]), let low = hexValue(target[index + 2]) {
        let decoded = high << 4 | low
        if decoded < 0x20 || decoded == 0x7F { return "an encoded control character %\(hex(decoded)) at byte \(index + 1)" }
        index += 3
        continue
      }
      index += 1
    }
    return nil
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
  }
}
