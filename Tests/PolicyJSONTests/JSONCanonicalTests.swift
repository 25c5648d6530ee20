import Foundation
import XCTest

@testable import PolicyJSON

/// The canonical one-line form (the decision log's input) against its general twin: parse to a
/// tree, then write it.
final class JSONCanonicalTests: XCTestCase {
  /// Documents with every kind of whitespace, escape and character a body can carry.
  static let documents: [String] = [
    "{}", "[]", "0", "-0", "1E+2", "\"s\"", "null", " true ", "\t[\r\n]\n",
    "{\n  \"amount\": 100.10,\n  \"name\": \"A\\nB\",\n  \"tags\": [ \"x\" , \"y\" ]\n}\n",
    #"{"a\/b":"\u0041\u00e9\ud83d\ude00","tab":"\t","nl":"line1\nline2","cr":"\r","q":"\"\\"}"#,
    "{\"ls\": \"\u{2028}\u{2029}\", \"astral\": \"𝄞😀\", \"raw\": \"é\u{7F}\"}",
    #"{"ctl":"\u0000\u001f\b\f","esc":"\u2028"}"#,
    "[" + String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100) + "]",
    "[1 ,2 ,\n3 ]",
    "{\"deep\":" + String(repeating: "{\"k\": ", count: 60) + "\"v\\n\"" + String(repeating: "}", count: 60) + "}",
    "\"" + String(repeating: "abcdefgh", count: 20) + "\\n" + String(repeating: "é", count: 20) + "\"",
  ]

  func testCanonicalIsTheWriterOfTheParsedDocument() throws {
    for text in Self.documents {
      let canonical = try JSONWriter.canonical(Array(text.utf8))
      let twin = JSONWriter.encode(try JSONReader.parse(text))
      XCTAssertEqual(String(decoding: canonical, as: UTF8.self), String(decoding: twin, as: UTF8.self), text)
      XCTAssertFalse(canonical.contains(0x0A) || canonical.contains(0x0D) || canonical.contains(0x09), text)
      XCTAssertEqual(try JSONReader.parse(canonical), try JSONReader.parse(text), text)
      XCTAssertEqual(try JSONWriter.canonical(canonical), canonical, "canonical is a fixed point: \(text)")
    }
  }

  func testCanonicalOfCompactInputIsTheInput() throws {
    let text = #"{"a":[1,2.50,"x\u00e9"],"b":{"c":null}}"#
    XCTAssertEqual(String(decoding: try JSONWriter.canonical(Array(text.utf8)), as: UTF8.self), #"{"a":[1,2.50,"xé"],"b":{"c":null}}"#)
    let compact = #"{"a":[1,2.50,"xé"],"b":{"c":null}}"#
    XCTAssertEqual(String(decoding: try JSONWriter.canonical(Array(compact.utf8)), as: UTF8.self), compact)
  }

  func testCanonicalRefusesWhatTheReaderRefuses() {
    for text in ["", " ", "{\"a\": 1,}", "[1 2]", "01", "\"\\q\"", "\"\u{1}\"", "{\"a\":1,\"a\":2}", "[1] x", "NaN",
                 String(repeating: "[", count: 129) + String(repeating: "]", count: 129)] {
      var readerError: JSONError?
      do { _ = try JSONReader.parse(text) } catch { readerError = error }
      var canonicalError: JSONError?
      do { _ = try JSONWriter.canonical(Array(text.utf8)) } catch { canonicalError = error }
      if text.contains("\"a\":2") {
        // Duplicate keys are for the tree reader and the schema decoder to refuse; the canonical
        // pass keeps both members, in order (still one valid JSON line).
        XCTAssertNil(canonicalError)
        XCTAssertEqual(readerError?.code, .duplicateKey)
        continue
      }
      XCTAssertNotNil(canonicalError, text)
      XCTAssertEqual(canonicalError, readerError, text)
    }
  }

  func testEveryByteValueInStrings() throws {
    // Each scalar up to U+00FF escaped as \uXXXX, then written back: the writer's escapes only.
    var text = "["
    for scalar in 0..<0x100 { text += (scalar == 0 ? "" : ",") + "\"x\\u" + String(format: "%04x", scalar) + "y\"" }
    text += "]"
    let canonical = try JSONWriter.canonical(Array(text.utf8))
    XCTAssertEqual(canonical, JSONWriter.encode(try JSONReader.parse(text)))
    XCTAssertFalse(canonical.contains { $0 < 0x20 })
  }
}
