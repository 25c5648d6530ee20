import PolicySource
import XCTest

@testable import PolicyExpr

final class LexerTests: XCTestCase {
  /// The tokens of `source` as `kind:text`, and the lexer's diagnostics as `offset: message`.
  private func lex(_ source: String) -> (tokens: [String], diagnostics: [String]) {
    var text = source
    return text.withUTF8 { bytes in
      var lexer = Lexer(bytes: bytes)
      var tokens: [String] = []
      while true {
        let token = lexer.next()
        if token.kind == .endOfInput {
          XCTAssertEqual(token.range, SourceRange(at: Int32(bytes.count)))
          break
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(token.start)..<Int(token.end)]), as: UTF8.self)
        tokens.append("\(token.kind):\(text)")
      }
      return (tokens, lexer.diagnostics.map { "\($0.range.start): \($0.message)" })
    }
  }

  func testOperatorsAndPunctuation() {
    XCTAssertEqual(lex("( ) [ ] { } . , : ? + - * / % ! < <= > >= == != && ||").tokens, [
      "leftParen:(", "rightParen:)", "leftBracket:[", "rightBracket:]", "leftBrace:{", "rightBrace:}", "dot:.",
      "comma:,", "colon::", "question:?", "plus:+", "minus:-", "star:*", "slash:/", "percent:%", "bang:!",
      "less:<", "lessEqual:<=", "greater:>", "greaterEqual:>=", "equalEqual:==", "bangEqual:!=",
      "logicalAnd:&&", "logicalOr:||",
    ])
    XCTAssertEqual(lex("a<=b!=!c").tokens, [
      "identifier:a", "lessEqual:<=", "identifier:b", "bangEqual:!=", "bang:!", "identifier:c",
    ])
  }

  func testIdentifiersAndKeywords() {
    XCTAssertEqual(lex("a _b c9 true false null in inner truex R b rb").tokens, [
      "identifier:a", "identifier:_b", "identifier:c9", "trueKeyword:true", "falseKeyword:false",
      "nullKeyword:null", "inKeyword:in", "identifier:inner", "identifier:truex", "identifier:R", "identifier:b",
      "identifier:rb",
    ])
    XCTAssertEqual(lex("a.`b-c/d e.f`").tokens, ["identifier:a", "dot:.", "quotedIdentifier:`b-c/d e.f`"])
  }

  func testNumbers() {
    XCTAssertEqual(lex("0 42 0x1F 0xffu 7u 7U 1.5 .5 1e3 1E+3 2.5e-3").tokens, [
      "intLiteral:0", "intLiteral:42", "intLiteral:0x1F", "uintLiteral:0xffu", "uintLiteral:7u", "uintLiteral:7U",
      "doubleLiteral:1.5", "doubleLiteral:.5", "doubleLiteral:1e3", "doubleLiteral:1E+3", "doubleLiteral:2.5e-3",
    ])
    // Forms the spec does not have split into several tokens.
    XCTAssertEqual(lex("1. 1e 0x 1.5u 0X1").tokens, [
      "intLiteral:1", "dot:.", "intLiteral:1", "identifier:e", "intLiteral:0", "identifier:x",
      "doubleLiteral:1.5", "identifier:u", "intLiteral:0", "identifier:X1",
    ])
    XCTAssertEqual(lex("a.5").tokens, ["identifier:a", "doubleLiteral:.5"])
  }

  func testStrings() {
    XCTAssertEqual(lex(#"'a' "b" 'it\'s' "q\"" '''x'y''' """a""b""" r'\' R"\" b'x' B"y" br'z' BR'w'"#).tokens, [
      "stringLiteral:'a'", #"stringLiteral:"b""#, #"stringLiteral:'it\'s'"#, #"stringLiteral:"q\"""#,
      "stringLiteral:'''x'y'''", #"stringLiteral:"""a""b""""#, #"stringLiteral:r'\'"#, #"stringLiteral:R"\""#,
      "bytesLiteral:b'x'", #"bytesLiteral:B"y""#, "bytesLiteral:br'z'", "bytesLiteral:BR'w'",
    ])
    XCTAssertEqual(lex("'''a\nb''' 'é😀'").tokens, ["stringLiteral:'''a\nb'''", "stringLiteral:'é😀'"])
    XCTAssertEqual(lex("''").tokens, ["stringLiteral:''"])
  }

  func testTriviaAndComments() {
    XCTAssertEqual(lex(" \t\r\n\u{0C}a // note ) ]\n// line\nb//end").tokens, ["identifier:a", "identifier:b"])
    XCTAssertEqual(lex("a / / b").tokens, ["identifier:a", "slash:/", "slash:/", "identifier:b"])
  }

  func testErrors() {
    XCTAssertEqual(lex("a @ b").diagnostics, ["2: unexpected character '@'"])
    XCTAssertEqual(lex("a = b & c | d").diagnostics, [
      "2: unexpected character '='", "6: unexpected character '&'", "10: unexpected character '|'",
    ])
    XCTAssertEqual(lex("x é").tokens, ["identifier:x", "invalid:é"])
    XCTAssertEqual(lex("x é").diagnostics, ["2: unexpected character 'é'"])
    XCTAssertEqual(lex("\u{7}").diagnostics, ["0: unexpected character 'U+0007'"])
    XCTAssertEqual(lex("'abc").diagnostics, ["0: unterminated string literal"])
    XCTAssertEqual(lex("'abc\nd'").tokens, ["invalid:'abc", "identifier:d", "invalid:'"])
    XCTAssertEqual(lex("'''abc''").diagnostics, ["0: unterminated string literal"])
    XCTAssertEqual(lex(#"'abc\'"#).diagnostics, ["0: unterminated string literal"])
    XCTAssertEqual(lex("'abc\\\ndef'").diagnostics, ["0: unterminated string literal", "9: unterminated string literal"])
    XCTAssertEqual(lex("a.`b").diagnostics, ["2: invalid quoted identifier"])
    XCTAssertEqual(lex("a.``").diagnostics, ["2: invalid quoted identifier"])
  }

  func testTokenRangesAreByteOffsets() {
    var text = "é + 'ü'"
    text.withUTF8 { bytes in
      var lexer = Lexer(bytes: bytes)
      let first = lexer.next()
      XCTAssertEqual(first.kind, .invalid)
      XCTAssertEqual(first.range, SourceRange(start: 0, end: 2))
      XCTAssertEqual(lexer.next().range, SourceRange(start: 3, end: 4))
      XCTAssertEqual(lexer.next().range, SourceRange(start: 5, end: 9))
    }
  }
}
