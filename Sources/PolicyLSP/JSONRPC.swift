import PolicyExpr

// The JSON types come from PolicyExpr's JSON reader and writer: JSONValue, JSONObject, JSONNumber,
// JSONReader.parse(_: [UInt8]) and JSONWriter.encode(_: JSONValue). Nothing else of PolicyExpr's
// JSON is used, so moving them into their own module is an import change in this file and in
// ``LanguageServer``.

/// A JSON-RPC 2.0 error code (the JSON-RPC and LSP 3.17 reserved ranges).
public enum ErrorCode: Int, Sendable {
  /// The body is not JSON.
  case parseError = -32700
  /// JSON, but not a JSON-RPC request or notification.
  case invalidRequest = -32600
  /// No such method.
  case methodNotFound = -32601
  /// The params do not have the shape the method needs.
  case invalidParams = -32602
  /// The server failed to answer.
  case internalError = -32603
  /// A request before `initialize` (LSP).
  case serverNotInitialized = -32002
}

/// The id of a request: a number or a string (`null` for errors about messages without a usable id).
public enum RequestID: Sendable, Hashable {
  case number(JSONNumber)
  case string(String)
  case null

  var json: JSONValue {
    switch self {
    case .number(let n): .number(n)
    case .string(let s): .string(s)
    case .null: .null
    }
  }
}

/// One incoming JSON-RPC message, classified.
enum IncomingMessage {
  /// A request: it is answered.
  case request(id: RequestID, method: String, params: JSONValue?)
  /// A notification: never answered.
  case notification(method: String, params: JSONValue?)
  /// A response to a request of ours (the server sends none, so these are ignored).
  case response
  /// Not a valid message; the error is answered with `id` (or `null`).
  case invalid(id: RequestID, code: ErrorCode, message: String)

  /// Classifies a message body.
  static func parse(_ body: [UInt8]) -> IncomingMessage {
    let json: JSONValue
    do {
      json = try JSONReader.parse(body)
    } catch {
      return .invalid(id: .null, code: .parseError, message: "the message is not JSON: \(error.description)")
    }
    guard case .object(let object) = json else {
      // A batch (an array) is JSON-RPC 2.0 but not LSP; every other value is not a request.
      return .invalid(id: .null, code: .invalidRequest, message: "a message must be a JSON object, found \(json.kindName)")
    }
    guard object["jsonrpc"] == .string("2.0") else {
      return .invalid(id: id(object) ?? .null, code: .invalidRequest, message: "'jsonrpc' must be \"2.0\"")
    }
    // `"params": null` is read as no params: some clients send it with `shutdown` and `exit`.
    let params = object["params"] == .null ? nil : object["params"]
    if let params, params.kindName != "object", params.kindName != "array" {
      return .invalid(id: id(object) ?? .null, code: .invalidRequest, message: "'params' must be an object or an array")
    }
    guard let methodValue = object["method"] else {
      if object["result"] != nil || object["error"] != nil { return .response }
      return .invalid(id: id(object) ?? .null, code: .invalidRequest, message: "a request needs a 'method'")
    }
    guard case .string(let method) = methodValue else {
      return .invalid(id: id(object) ?? .null, code: .invalidRequest, message: "'method' must be a string")
    }
    guard object["id"] != nil else { return .notification(method: method, params: params) }
    guard let id = id(object) else {
      return .invalid(id: .null, code: .invalidRequest, message: "'id' must be a number or a string")
    }
    return .request(id: id, method: method, params: params)
  }

  private static func id(_ object: JSONObject) -> RequestID? {
    switch object["id"] {
    case .number(let n)?: .number(n)
    case .string(let s)?: .string(s)
    default: nil
    }
  }
}

/// Builders of outgoing message bodies.
enum Outgoing {
  static func result(_ id: RequestID, _ result: JSONValue) -> [UInt8] {
    JSONWriter.encode(.object(JSONObject(keys: ["jsonrpc", "id", "result"], values: [.string("2.0"), id.json, result])))
  }

  static func error(_ id: RequestID, _ code: ErrorCode, _ message: String) -> [UInt8] {
    let error = JSONValue.object(JSONObject(keys: ["code", "message"], values: [.int(code.rawValue), .string(message)]))
    return JSONWriter.encode(.object(JSONObject(keys: ["jsonrpc", "id", "error"], values: [.string("2.0"), id.json, error])))
  }

  static func notification(_ method: String, _ params: JSONValue) -> [UInt8] {
    JSONWriter.encode(.object(JSONObject(keys: ["jsonrpc", "method", "params"], values: [.string("2.0"), .string(method), params])))
  }
}

extension JSONValue {
  /// A JSON integer.
  static func int(_ value: Int) -> JSONValue { .number(JSONNumber(validText: String(value), isInteger: true)) }

  /// An object from pairs in order.
  static func record(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(JSONObject(keys: pairs.map(\.key), values: pairs.map(\.value)))
  }

  /// The member `key`, if this is an object that has it.
  subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  /// The text, if this is a string.
  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The integer, if this is an integer number that fits in `Int`.
  var intValue: Int? {
    if case .number(let n) = self, n.isInteger, let i = n.int64Value { return Int(exactly: i) }
    return nil
  }
}
