import PolicyExpr

/// A language server for policy files: the LSP 3.17 lifecycle, open documents held in memory, and
/// the features in `LanguageServer+Features.swift`.
///
/// The server is a state machine fed one message body at a time (``handle(_:)``), which returns the
/// bodies to send; ``run(read:write:)`` drives it over a byte stream. It never traps on input: every
/// malformed message is answered with the JSON-RPC error code the spec gives it.
public final class LanguageServer {
  /// Where the server is in the LSP lifecycle.
  enum State { case uninitialized, running, shutDown }

  var state = State.uninitialized
  /// Open documents by URI.
  var documents: [String: PolicyDocument] = [:]
  let bounds: Bounds
  let limits: Limits
  /// The process exit code, once `exit` has been received: 0 after `shutdown`, else 1.
  public private(set) var exitCode: Int32?

  /// Creates a server with these bounds and the loader's limits.
  public init(bounds: Bounds = .default, limits: Limits = .default) {
    self.bounds = bounds
    self.limits = limits
  }

  /// Handles one message body and returns the bodies to send, in order.
  public func handle(_ body: [UInt8]) -> [[UInt8]] {
    switch IncomingMessage.parse(body) {
    case .invalid(let id, let code, let message): return [Outgoing.error(id, code, message)]
    case .response: return []
    case .notification(let method, let params): return notify(method, params)
    case .request(let id, let method, let params): return [request(id, method, params)]
    }
  }

  /// Handles one frame of the base protocol.
  public func handle(_ frame: MessageReader.Frame) -> [[UInt8]] {
    switch frame {
    case .message(let body): return handle(body)
    case .badHeader(let reason): return [Outgoing.error(.null, .parseError, "bad message header: \(reason)")]
    case .oversized(let size):
      return [Outgoing.error(.null, .invalidRequest, "message of \(size) bytes is over the limit of \(bounds.maxMessageBytes)")]
    }
  }

  /// Serves until `exit` or the end of input; returns the exit code (1 when input ends first).
  ///
  /// - Parameters:
  ///   - read: the next bytes of input; empty at the end.
  ///   - write: sends one framed message.
  public func run(read: () -> [UInt8], write: ([UInt8]) -> Void) -> Int32 {
    var reader = MessageReader(bounds: bounds)
    while exitCode == nil {
      let chunk = read()
      if chunk.isEmpty { return 1 }
      for frame in reader.feed(chunk) {
        for body in handle(frame) { write(MessageReader.frame(body)) }
        if let exitCode { return exitCode }
      }
    }
    return exitCode ?? 1
  }

  // MARK: Dispatch

  private func request(_ id: RequestID, _ method: String, _ params: JSONValue?) -> [UInt8] {
    switch (state, method) {
    case (.uninitialized, "initialize"):
      state = .running
      return Outgoing.result(id, Self.initializeResult)
    case (.uninitialized, _):
      return Outgoing.error(id, .serverNotInitialized, "the server is not initialized: send 'initialize' first")
    case (.shutDown, _):
      return Outgoing.error(id, .invalidRequest, "the server is shut down: only 'exit' is accepted")
    case (.running, "initialize"):
      return Outgoing.error(id, .invalidRequest, "'initialize' was already received")
    case (.running, "shutdown"):
      state = .shutDown
      documents.removeAll()
      return Outgoing.result(id, .null)
    case (.running, "textDocument/hover"), (.running, "textDocument/completion"), (.running, "textDocument/definition"):
      guard let uri = params?["textDocument"]?["uri"]?.stringValue, let position = Position(json: params?["position"]) else {
        return Outgoing.error(id, .invalidParams, "\(method) needs 'textDocument.uri' and 'position'")
      }
      guard let document = documents[uri] else { return Outgoing.result(id, .null) }
      let offset = document.index.offset(of: position)
      switch method {
      case "textDocument/hover": return Outgoing.result(id, hover(document, offset))
      case "textDocument/completion": return Outgoing.result(id, completion(document, offset))
      default: return Outgoing.result(id, definition(document, offset))
      }
    default:
      return Outgoing.error(id, .methodNotFound, "unknown method '\(method)'")
    }
  }

  private func notify(_ method: String, _ params: JSONValue?) -> [[UInt8]] {
    if method == "exit" {
      exitCode = state == .shutDown ? 0 : 1
      return []
    }
    guard state == .running else { return [] }
    switch method {
    case "textDocument/didOpen":
      guard let item = params?["textDocument"], let uri = item["uri"]?.stringValue, let text = item["text"]?.stringValue else {
        return [logMessage("textDocument/didOpen without 'textDocument.uri' and 'text' was ignored")]
      }
      guard documents[uri] != nil || documents.count < bounds.maxOpenDocuments else {
        return [logMessage("'\(uri)' was not opened: more than \(bounds.maxOpenDocuments) documents are open")]
      }
      return open(uri, version: item["version"]?.intValue ?? 0, text: text)
    case "textDocument/didChange":
      guard let uri = params?["textDocument"]?["uri"]?.stringValue, let document = documents[uri],
        case .array(let changes)? = params?["contentChanges"]
      else { return [] }
      guard let text = Self.apply(changes, to: document) else {
        return [logMessage("a change to '\(uri)' was not understood and was ignored")]
      }
      return open(uri, version: params?["textDocument"]?["version"]?.intValue ?? document.version, text: text)
    case "textDocument/didClose":
      guard let uri = params?["textDocument"]?["uri"]?.stringValue, documents.removeValue(forKey: uri) != nil else { return [] }
      // Clear the closed document's diagnostics, as LSP recommends.
      return [Outgoing.notification("textDocument/publishDiagnostics", .record(["uri": .string(uri), "diagnostics": .array([])]))]
    default:
      return []
    }
  }

  private func open(_ uri: String, version: Int, text: String) -> [[UInt8]] {
    let document = PolicyDocument(uri: uri, version: version, text: text, limits: limits, previous: documents[uri]?.symbols)
    documents[uri] = document
    return [publishDiagnostics(document)]
  }

  /// The text after applying `changes` in order: a change without `range` replaces the whole text;
  /// one with a range replaces that range (UTF-16 positions). `nil` when a change is malformed.
  static func apply(_ changes: [JSONValue], to document: PolicyDocument) -> String? {
    var bytes = document.bytes
    for change in changes {
      guard let text = change["text"]?.stringValue else { return nil }
      guard let range = change["range"] else {
        bytes = Array(text.utf8)
        continue
      }
      let index = LineIndex(bytes)
      guard let start = Position(json: range["start"]), let end = Position(json: range["end"]) else { return nil }
      let a = index.offset(of: start), b = max(a, index.offset(of: end))
      bytes.replaceSubrange(a..<b, with: Array(text.utf8))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  func logMessage(_ message: String) -> [UInt8] {
    Outgoing.notification("window/logMessage", .record(["type": .int(2), "message": .string("proviso lsp: " + message)]))
  }

  static let initializeResult = JSONValue.record([
    "capabilities": .record([
      "positionEncoding": .string("utf-16"),
      "textDocumentSync": .record(["openClose": .bool(true), "change": .int(1)]),
      "hoverProvider": .bool(true),
      "completionProvider": .record(["triggerCharacters": .array([.string(".")])]),
      "definitionProvider": .bool(true),
    ]),
    "serverInfo": .record(["name": .string("proviso")]),
  ])
}
