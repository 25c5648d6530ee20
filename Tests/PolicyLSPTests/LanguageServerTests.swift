import PolicyExpr
import XCTest

@testable import PolicyLSP

/// The lifecycle, JSON-RPC errors and document synchronization.
final class LanguageServerTests: XCTestCase {
  private func errorCode(_ reply: JSONValue) -> Int? { reply["error"]?["code"]?.intValue }

  func testInitializeAnnouncesTheFeatures() {
    let s = LSPSession(initialize: false)
    let reply = s.request("initialize", #"{"capabilities":{}}"#)
    let caps = reply["result"]?["capabilities"]
    XCTAssertEqual(caps?["positionEncoding"], .string("utf-16"))
    XCTAssertEqual(caps?["textDocumentSync"]?["change"]?.intValue, 1)
    XCTAssertEqual(caps?["hoverProvider"], .bool(true))
    XCTAssertEqual(caps?["definitionProvider"], .bool(true))
    XCTAssertEqual(caps?["completionProvider"]?["triggerCharacters"], .array([.string(".")]))
  }

  func testTheLifecycleIsEnforced() {
    let s = LSPSession(initialize: false)
    XCTAssertEqual(errorCode(s.request("textDocument/hover", "{}")), -32002)
    XCTAssertTrue(s.notify("textDocument/didOpen", #"{"textDocument":{"uri":"a","text":"x"}}"#).isEmpty)
    XCTAssertNotNil(s.request("initialize", "{}")["result"])
    XCTAssertEqual(errorCode(s.request("initialize", "{}")), -32600)
    XCTAssertEqual(s.request("shutdown")["result"], .null)
    XCTAssertEqual(errorCode(s.request("textDocument/hover", "{}")), -32600)
    XCTAssertNil(s.server.exitCode)
    s.notify("exit", "{}")
    XCTAssertEqual(s.server.exitCode, 0)
  }

  func testExitWithoutShutdownIsCode1() {
    let s = LSPSession()
    s.notify("exit", "{}")
    XCTAssertEqual(s.server.exitCode, 1)
  }

  func testMalformedMessagesGetTheSpecsErrorCodes() {
    let s = LSPSession()
    let cases: [(String, Int, JSONValue)] = [
      ("{not json", -32700, .null),
      ("[1,2]", -32600, .null),
      ("42", -32600, .null),
      (#"{"jsonrpc":"1.0","id":3,"method":"x"}"#, -32600, .int(3)),
      (#"{"jsonrpc":"2.0","id":4}"#, -32600, .int(4)),
      (#"{"jsonrpc":"2.0","id":5,"method":7}"#, -32600, .int(5)),
      (#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#, -32600, .null),
      (#"{"jsonrpc":"2.0","id":"s","method":"x","params":3}"#, -32600, .string("s")),
      (#"{"jsonrpc":"2.0","id":6,"method":"no/such"}"#, -32601, .int(6)),
      (#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"position":{"line":-1}}}"#, -32602, .int(7)),
    ]
    for (body, code, id) in cases {
      let replies = s.raw(body)
      XCTAssertEqual(replies.count, 1, body)
      XCTAssertEqual(errorCode(replies[0]), code, body)
      XCTAssertEqual(replies[0]["id"], id, body)
    }
    // Notifications are never answered, even unknown ones; responses from the client are ignored.
    XCTAssertTrue(s.raw(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#).isEmpty)
    XCTAssertTrue(s.raw(#"{"jsonrpc":"2.0","id":9,"result":null}"#).isEmpty)
    // `params: null` is the same as no params.
    XCTAssertEqual(s.raw(#"{"jsonrpc":"2.0","id":10,"method":"shutdown","params":null}"#).first?["result"], .null)
  }

  func testFramesOverTheLimitAreAnsweredAndTheStreamGoesOn() {
    var bounds = Bounds()
    bounds.maxMessageBytes = 64
    let server = LanguageServer(bounds: bounds)
    var input = Array("Content-Length: 100\r\n\r\n".utf8) + Array(repeating: 0x20, count: 100)
    input += MessageReader.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#.utf8))
    var chunks = [input]
    var output: [UInt8] = []
    let code = server.run(read: { chunks.isEmpty ? [] : chunks.removeFirst() }, write: { output += $0 })
    XCTAssertEqual(code, 1)  // input ended without exit
    let text = String(decoding: output, as: UTF8.self)
    XCTAssertTrue(text.contains(#""code":-32600,"message":"message of 100 bytes is over the limit of 64""#), text)
    XCTAssertTrue(text.contains(#""id":1,"result":{"capabilities""#), text)
  }

  func testDiagnosticsOnOpenAndChangeMatchCheck() {
    let s = LSPSession()
    XCTAssertEqual(s.open(SamplePolicy.text), [])
    // The error follows non-ASCII text on its line: the range counts UTF-16 units.
    let broken = SamplePolicy.text.replacingOccurrences(of: "advance: net", with: "advance: size(\"é𝔼\") + haircutt")
    let diagnostics = s.change(broken)
    XCTAssertEqual(diagnostics.count, 1)
    let d = diagnostics.first
    XCTAssertEqual(d?["code"], .string("expr_check_error"))
    XCTAssertEqual(d?["severity"]?.intValue, 1)
    XCTAssertEqual(d?["source"], .string("proviso"))
    XCTAssertEqual(d?["message"], .string("undeclared reference to 'haircutt'\nhint: did you mean 'haircut'?"))
    let start = LSPSession.position(of: "haircutt", in: broken)
    XCTAssertEqual(d?["range"]?["start"]?["line"]?.intValue, start.line)
    XCTAssertEqual(d?["range"]?["start"]?["character"]?.intValue, start.character)
    XCTAssertEqual(d?["range"]?["end"]?["character"]?.intValue, start.character + 8)
  }

  func testAnErrorOnTheSecondLineOfAFoldedScalarIsAtItsColumn() {
    let s = LSPSession()
    let text = """
      policy: x
      inputs:
        r: {n: int, s: string}
      checks:
        - id: c
          require: >-
            r.n > 0 &&
              r.s == "é𝔼" && r.m > 1
          reason: no
      """
    let d = s.open(text)
    XCTAssertEqual(d.first?["code"], .string("expr_check_error"))
    let start = LSPSession.position(of: "m > 1", in: text)
    XCTAssertEqual(d.first?["range"]?["start"]?["line"]?.intValue, start.line)
    XCTAssertEqual(d.first?["range"]?["end"]?["character"]?.intValue, start.character + 1)
  }

  func testAYAMLErrorIsAnErrorAndAWarningIsSeverity2() {
    let s = LSPSession()
    let d = s.open("policy: x\ninputs:\n  a: [int\n")
    XCTAssertEqual(d.first?["code"], .string("yaml_syntax_error"))
    XCTAssertEqual(d.first?["severity"]?.intValue, 1)
    let table = #"""
      policy: x
      inputs:
        r: {n: int}
      tables:
        - id: t
          hit: first
          inputs: [r.n]
          outputs: [{name: v, type: int}]
          rows:
            - ["-", 1]
            - [">= 5", 2]
      """#
    let w = s.change(table)
    XCTAssertEqual(w.count, 1)
    XCTAssertEqual(w.first?["code"], .string("policy_unreachable_row"))
    XCTAssertEqual(w.first?["severity"]?.intValue, 2)
    XCTAssertEqual(w.first?["message"], .string("row 2 of table 't' can never match: row 1 above it matches everything it does\nhint: row 1 is on line 10; reorder or remove one"))
    XCTAssertEqual(w.first?["range"]?["start"], Position(line: 10, character: 8).json)
  }

  func testCloseClearsDiagnosticsAndIncrementalChangesApply() {
    let s = LSPSession()
    s.open("policy: x\n")
    let replies = s.notify("textDocument/didChange", #"{"textDocument":{"uri":"\#(LSPSession.uri)","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":8},"end":{"line":0,"character":9}},"text":"1y"}]}"#)
    // "policy: 1y" is a valid id too; "policy: x" with 'x' replaced.
    XCTAssertEqual(LSPSession.diagnostics(replies), [])
    XCTAssertEqual(s.server.documents[LSPSession.uri].map { String(decoding: $0.bytes, as: UTF8.self) }, "policy: 1y\n")
    let closed = s.notify("textDocument/didClose", #"{"textDocument":{"uri":"\#(LSPSession.uri)"}}"#)
    XCTAssertEqual(closed.first?["params"]?["diagnostics"], .array([]))
    XCTAssertNil(s.server.documents[LSPSession.uri])
  }

  func testADocumentOverThePolicySizeLimitIsRefusedWithTheLoadersMessage() {
    var limits = Limits()
    limits.maxPolicyBytes = 100
    let s = LSPSession(limits: limits)
    let d = s.open("policy: x\n" + String(repeating: "# é\n", count: 30))
    XCTAssertEqual(d.first?["code"], .string("yaml_too_large"))
    XCTAssertEqual(d.first?["message"], .string("policy file is 160 bytes, more than the limit of 100\nhint: split the policy into smaller files"))
    XCTAssertEqual(s.server.documents[LSPSession.uri]?.bytes, [])
  }

  func testOpenDocumentsAreBounded() {
    var bounds = Bounds()
    bounds.maxOpenDocuments = 2
    let s = LSPSession(bounds: bounds)
    s.open("policy: a\n", uri: "file:///x/a.yaml")
    s.open("policy: b\n", uri: "file:///x/b.yaml")
    let replies = s.notify("textDocument/didOpen", #"{"textDocument":{"uri":"file:///x/c.yaml","version":1,"text":"policy: c"}}"#)
    XCTAssertEqual(replies.first?["method"], .string("window/logMessage"))
    XCTAssertEqual(s.server.documents.count, 2)
  }

  func testUnsavedDocumentsReferenceNoFiles() {
    let s = LSPSession()
    let d = s.open("policy: x\nregions:\n  r: {geojson: /etc/passwd}\n", uri: "untitled:Untitled-1")
    // A file outside the document's folder is refused before it is opened, as `check` refuses it.
    XCTAssertEqual(d.first?["code"], .string("policy_file_outside_folder"))
    let rel = s.open("policy: x\nregions:\n  r: {geojson: regions/depot.geojson}\n", uri: "untitled:Untitled-2")
    XCTAssertEqual(rel.first?["code"], .string("policy_file_unreadable"))
  }
}
