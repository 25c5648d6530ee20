import PolicyJSON
import XCTest

@testable import PolicyExpr

/// The canonical form the schema decoder makes in its one pass equals the general twin,
/// `JSONWriter.canonical` (itself the writer of the parsed tree; see PolicyJSONTests).
final class JSONSchemaDecoderCanonicalTests: XCTestCase {
  private func sameCanonical(_ text: String, as type: CELType, file: StaticString = #filePath, line: UInt = #line) throws {
    var canonical: [UInt8]?
    let bytes = Array(text.utf8)
    let result = bytes.withUnsafeBytes { JSONSchemaDecoder(type).decode($0, canonical: &canonical) }
    guard case .success = result else { return XCTFail("\(result)", file: file, line: line) }
    let twin = try JSONWriter.canonical(bytes)
    XCTAssertEqual(String(decoding: try XCTUnwrap(canonical), as: UTF8.self), String(decoding: twin, as: UTF8.self), text, file: file, line: line)
  }

  func testTypedDocumentsWithWhitespaceAndEscapes() throws {
    let receivable = CELType.object(JSONSchemaDecoderTests.input)
    try sameCanonical(JSONSchemaDecoderTests.document, as: receivable)
    let pretty = """
      {
        "receivable": {"id": "R-\\u0030\\n1", "debtor": "ACME\\tHeavy \\u2028 𝄞", "creditor": "S\\/17",
          "amount": 250000.00, "due_date": "2026-12-31T00:00:00Z", "financed": false,
          "confirmed_by_debtor": true, "currency": "EUR"},
        "r\\u0065quest": {"applicant": "Supplier 17", "at": "2026-10-01T09:30:00Z"}
      }

      """
    try sameCanonical(pretty, as: receivable)
  }

  func testDynamicAndContainerDocuments() throws {
    try sameCanonical(" [ {\"a\" : [1, 2.0e1, \"\\ud83d\\ude00\"]}, null, true ] ", as: .dyn)
    try sameCanonical("{\"k\\n\": [ 1 , 2 ],\n\"l\": [] }", as: .map(.string, .list(.int)))
    try sameCanonical("[\"2026-01-01T00:00:00Z\" ,\t\"1h30m\" ]", as: .dyn)
    try sameCanonical(String(repeating: "[ ", count: 100) + String(repeating: "] ", count: 100), as: .dyn)
  }

  func testNoCanonicalFormWhenTheDocumentIsRefused() {
    var canonical: [UInt8]?
    let result = Array("{\"a\": 1,}".utf8).withUnsafeBytes { JSONSchemaDecoder(.dyn).decode($0, canonical: &canonical) }
    guard case .failure = result else { return XCTFail("decoded") }
    XCTAssertNil(canonical)
  }
}
