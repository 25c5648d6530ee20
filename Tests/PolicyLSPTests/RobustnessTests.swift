import PolicyExpr
import XCTest

@testable import PolicyLSP

/// Random bytes, random JSON-RPC and random edits never crash the server, and every request gets
/// exactly one answer.
final class RobustnessTests: XCTestCase {
  /// A small deterministic generator (SplitMix64), so a failure can be replayed.
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  func testRandomBytesInRandomChunks() {
    var g = Generator(state: 1)
    for _ in 0..<200 {
      let server = LanguageServer()
      var reader = MessageReader()
      let alphabet = Array("Content-Length: 12\r\n{}[]\"jsonrpc\":2.0,id method é𝔼\u{0}".utf8)
      for _ in 0..<Int.random(in: 1...20, using: &g) {
        let chunk = (0..<Int.random(in: 0...64, using: &g)).map { _ in
          Bool.random(using: &g) ? alphabet.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g)
        }
        for frame in reader.feed(chunk) { _ = server.handle(frame) }
      }
    }
  }

  func testRandomJSONRPCGetsOneAnswerPerRequest() {
    var g = Generator(state: 2)
    let methods = ["initialize", "initialized", "shutdown", "exit", "textDocument/didOpen", "textDocument/didChange",
                   "textDocument/didClose", "textDocument/hover", "textDocument/completion", "textDocument/definition", "x"]
    let values = [#"null"#, #"1"#, #"-5"#, #"1e999"#, #""é𝔼""#, #"[]"#, #"{}"#, #"{"line":99999999999,"character":-3}"#,
                  #"{"line":0,"character":9223372036854775807}"#, #"{"uri":"file:///a.yaml","text":"policy: [x"}"#,
                  #"[{"text":"a: b"}]"#, #"[{"range":{"start":{"line":5,"character":0},"end":{"line":0,"character":0}},"text":"é"}]"#]
    let keys = ["textDocument", "position", "contentChanges", "uri", "text", "version", "range"]
    func value(_ depth: Int) -> String {
      if depth > 2 || Bool.random(using: &g) { return values.randomElement(using: &g)! }
      var members: [String: String] = [:]
      for _ in 0..<Int.random(in: 0...3, using: &g) { members[keys.randomElement(using: &g)!] = value(depth + 1) }
      return "{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
    let server = LanguageServer()
    for i in 0..<3_000 {
      let method = methods.randomElement(using: &g)!
      let isRequest = Bool.random(using: &g)
      let body = #"{"jsonrpc":"2.0","# + (isRequest ? #""id":\#(i),"# : "") + #""method":"\#(method)","params":\#(value(0))}"#
      let replies = server.handle(Array(body.utf8))
      let answers = replies.filter { reply in
        guard let json = try? JSONReader.parse(reply) else { XCTFail("reply is not JSON"); return false }
        return json["id"] != nil
      }
      if isRequest {
        XCTAssertEqual(answers.count, 1, body)
      } else {
        XCTAssertTrue(answers.allSatisfy { (try? JSONReader.parse($0))?["error"]?["code"]?.intValue == -32600 } || answers.isEmpty, body)
      }
    }
  }

  func testRandomEditsOfAPolicyWithQueriesEverywhere() {
    var g = Generator(state: 3)
    let s = LSPSession()
    let base = Array(SamplePolicy.text.utf8)
    let pieces = ["r.", ".", "${", "}", "\"", "'", ":", "\n", "  ", "- ", "é", "𝔼", "[", "{", "haircut", "north-yard", "\r"]
    for version in 0..<60 {
      var bytes = base
      for _ in 0..<Int.random(in: 1...6, using: &g) {
        let at = Int.random(in: 0...bytes.count, using: &g)
        if Bool.random(using: &g), at < bytes.count {
          bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &g)))
        } else {
          bytes.insert(contentsOf: Array(pieces.randomElement(using: &g)!.utf8), at: at)
        }
      }
      let text = String(decoding: bytes, as: UTF8.self)
      _ = version == 0 ? s.open(text) : s.change(text, version: version)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
      for _ in 0..<10 {
        let p = Position(line: Int.random(in: 0...lines, using: &g), character: Int.random(in: 0...60, using: &g))
        for method in ["textDocument/hover", "textDocument/completion", "textDocument/definition"] { _ = s.at(method, p) }
      }
    }
  }
}
