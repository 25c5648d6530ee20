import PolicyExpr
import XCTest

@testable import PolicyLSP

/// A server driven in memory: requests in, decoded replies out.
final class LSPSession {
  let server: LanguageServer
  private var nextID = 1

  init(bounds: Bounds = .default, limits: Limits = .default, initialize: Bool = true) {
    server = LanguageServer(bounds: bounds, limits: limits)
    if initialize { _ = request("initialize", #"{"capabilities":{}}"#); notify("initialized", "{}") }
  }

  /// Sends a raw body and decodes every reply.
  func raw(_ body: String) -> [JSONValue] {
    server.handle(Array(body.utf8)).map { reply in
      do { return try JSONReader.parse(reply) } catch { XCTFail("reply is not JSON: \(error)"); return .null }
    }
  }

  /// Sends a request; returns its one reply.
  @discardableResult
  func request(_ method: String, _ params: String? = nil) -> JSONValue {
    defer { nextID += 1 }
    let replies = raw(#"{"jsonrpc":"2.0","id":\#(nextID),"method":"\#(method)""# + (params.map { #","params":\#($0)"# } ?? "") + "}")
    XCTAssertEqual(replies.count, 1)
    XCTAssertEqual(replies.first?["id"]?.intValue, nextID)
    return replies.first ?? .null
  }

  /// Sends a notification; returns what the server sent back (diagnostics, log messages).
  @discardableResult
  func notify(_ method: String, _ params: String) -> [JSONValue] {
    raw(#"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params)}"#)
  }

  /// Opens `text` as `uri`; returns the published diagnostics.
  @discardableResult
  func open(_ text: String, uri: String = LSPSession.uri) -> [JSONValue] {
    let replies = notify("textDocument/didOpen", #"{"textDocument":{"uri":"\#(uri)","languageId":"yaml","version":1,"text":\#(Self.quoted(text))}}"#)
    return Self.diagnostics(replies)
  }

  /// Replaces the whole text; returns the published diagnostics.
  func change(_ text: String, uri: String = LSPSession.uri, version: Int = 2) -> [JSONValue] {
    let replies = notify("textDocument/didChange", #"{"textDocument":{"uri":"\#(uri)","version":\#(version)},"contentChanges":[{"text":\#(Self.quoted(text))}]}"#)
    return Self.diagnostics(replies)
  }

  /// The result of a hover, completion or definition request at `position`.
  func at(_ method: String, _ position: Position, uri: String = LSPSession.uri) -> JSONValue? {
    request(method, #"{"textDocument":{"uri":"\#(uri)"},"position":{"line":\#(position.line),"character":\#(position.character)}}"#)["result"]
  }

  static let uri = "file:///nonexistent/lsp-tests/policy.yaml"

  static func quoted(_ text: String) -> String { String(decoding: JSONWriter.encode(JSONValue.string(text)), as: UTF8.self) }

  static func diagnostics(_ replies: [JSONValue]) -> [JSONValue] {
    guard let publish = replies.first(where: { $0["method"]?.stringValue == "textDocument/publishDiagnostics" }),
      case .array(let items)? = publish["params"]?["diagnostics"]
    else { XCTFail("no diagnostics published: \(replies)"); return [] }
    return items
  }

  /// The LSP position of the first `needle` in `text`, `delta` UTF-16 units in.
  static func position(of needle: String, in text: String, delta: Int = 0) -> Position {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (n, line) in lines.enumerated() {
      if let r = line.range(of: needle) {
        return Position(line: n, character: line[..<r.lowerBound].utf16.count + delta)
      }
    }
    XCTFail("'\(needle)' not found")
    return Position(line: 0, character: 0)
  }
}

/// A small policy with one of every declaration, and non-ASCII text before expressions.
enum SamplePolicy {
  static let text = """
    policy: sample
    description: Crédit « test » 𝔼
    inputs:
      r:
        amount: {type: decimal, description: Montant demandé in euros.}
        grade: {enum: [A, B]}
        site: {enum: [north-yard]}
        owner:
          name: string
    constants:
      haircut: 0.05
      cap: {type: decimal, value: 1000.00}
    regions:
      north-yard: {box: [9.9, 53.6, 9.95, 53.63]}
    let:
      net: r.amount * (1.00 - haircut)
      inside: geo.inside("north-yard", 53.61, 9.91)
    tables:
      - id: grade-limit
        description: The limit by grade.
        hit: unique
        inputs: [r.grade]
        outputs: [{name: limit, type: decimal}]
        rows:
          - ['"A"', 500.00]
          - ['"B"', 100.00]
    checks:
      - id: under-cap
        require: net <= cap && net <= grade_limit
        reason: "Montant ${r.amount} über ${cap}"
    outputs:
      advance: net
    """
}
