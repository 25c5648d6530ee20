import PolicyExpr
import XCTest

@testable import PolicyRules

/// Validation of JSON input documents against a policy's `inputs`.
final class CompiledPolicyInputTests: XCTestCase {
  static let yaml = """
    policy: inputs
    inputs:
      app:
        id: string
        amount: decimal
        grade: {enum: [A, B, C]}
        at: timestamp
        note: string?
        lines: {list: {sku: string, qty: int}}
    checks:
      - id: small
        require: app.amount <= 150.00
        reason: too large
    """

  struct Case {
    let name: String
    let json: [UInt8]
    let expected: String
    init(_ name: String, _ json: String, _ expected: String) {
      self.name = name; self.json = Array(json.utf8); self.expected = expected
    }
    init(_ name: String, bytes: [UInt8], _ expected: String) {
      self.name = name; self.json = bytes; self.expected = expected
    }
  }

  /// Each document's errors as `line:column code message` lines.
  func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
    guard let p = PolicyFixtures.compile(Self.yaml, file: file, line: line) else { return }
    for c in cases {
      let text: String
      switch p.decodeInput(c.json) {
      case .success: text = "valid"
      case .failure(let errors): text = errors.errors.map { "\($0.line):\($0.column) \($0.code.rawValue) \($0.message)" }.joined(separator: "\n")
      }
      PolicyFixtures.dump("input-" + c.name, text)
      XCTAssertEqual(text, c.expected, "case '\(c.name)'", file: file, line: line)
    }
  }

  func testValidationErrors() {
    let ok = #""id": "A-1", "amount": "100.00", "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": []"#
    run([
      Case("valid", #"{"app": {\#(ok)}}"#, "valid"),
      Case("valid with a number amount and now", #"{"app": {"id": "A-1", "amount": 100.005, "grade": "B", "at": "2026-10-01T00:00:00Z", "lines": [{"sku": "X", "qty": 2}]}, "now": "2026-10-02T00:00:00Z"}"#, "valid"),
      Case("optional null", #"{"app": {\#(ok), "note": null}}"#, "valid"),
      Case("missing required field", #"{"app": {"id": "A-1", "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": []}}"#, #"""
        1:9 input_missing_field app.amount: required field is missing
        """#),
      Case("missing input", #"{}"#, #"""
        1:1 input_missing_field app: required field is missing
        """#),
      Case("wrong type", #"{"app": {"id": "A-1", "amount": true, "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": []}}"#, #"""
        1:33 input_type_mismatch app.amount: expected decimal, found bool true
        """#),
      Case("decimal that is not a number", #"{"app": {"id": "A-1", "amount": "12,50", "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": []}}"#, #"""
        1:33 input_type_mismatch app.amount: expected decimal, found string "12,50"
        """#),
      Case("unknown field", #"{"app": {\#(ok), "amonut": "1.00"}}"#, #"""
        1:100 input_unknown_field app.amonut: unknown field, did you mean 'amount'
        """#),
      Case("unknown top-level field", #"{"app": {\#(ok)}, "ap": 1}"#, #"""
        1:101 input_unknown_field ap: unknown field, did you mean 'app'
        """#),
      Case("enum violation", #"{"app": {"id": "A-1", "amount": "1", "grade": "D", "at": "2026-10-01T00:00:00Z", "lines": []}}"#, #"""
        1:47 input_type_mismatch app.grade: expected one of 'A', 'B', 'C', found string "D"
        """#),
      Case("bad timestamp", #"{"app": {"id": "A-1", "amount": "1", "grade": "A", "at": "2026-13-01", "lines": []}}"#, #"""
        1:58 input_type_mismatch app.at: expected timestamp (an RFC 3339 string), found string "2026-13-01"
        """#),
      Case("nested list element", #"{"app": {"id": "A-1", "amount": "1", "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": [{"sku": "X", "qty": "2"}]}}"#, #"""
        1:112 input_type_mismatch app.lines[0].qty: expected int, found string "2"
        """#),
      Case("not an object", #"[1, 2]"#, #"""
        1:1 input_type_mismatch expected object, found array
        """#),
      Case("malformed JSON", #"{"app": {"id": "A-1",}"#, #"""
        1:22 input_malformed_json app: malformed JSON at 1:22: expected a string key, found '}'
        """#),
      Case("non-UTF-8 bytes", bytes: Array(#"{"app": {"id": "A"#.utf8) + [0xFF, 0xFE] + Array(#"", "amount": "1", "grade": "A", "at": "2026-10-01T00:00:00Z", "lines": []}}"#.utf8), #"""
        1:18 input_malformed_json app.id: malformed JSON at 1:18: expected UTF-8 text, found byte 0xFF
        """#),
    ])
  }
}
