import Foundation
import XCTest

@testable import PolicyExpr

final class JSONSchemaDecoderTests: XCTestCase {
  static let receivable = ObjectType(
    name: "receivable",
    fields: [
      .init(name: "id", type: .string),
      .init(name: "debtor", type: .string),
      .init(name: "creditor", type: .string),
      .init(name: "amount", type: .decimal),
      .init(name: "due_date", type: .timestamp),
      .init(name: "financed", type: .bool),
      .init(name: "confirmed_by_debtor", type: .bool),
      .init(name: "currency", type: .string, optional: true, allowed: ["EUR", "USD"]),
    ])
  static let request = ObjectType(
    name: "request", fields: [.init(name: "applicant", type: .string), .init(name: "at", type: .timestamp)])
  static let input = ObjectType(
    name: "input",
    fields: [.init(name: "receivable", type: .object(receivable)), .init(name: "request", type: .object(request))])

  static let document = """
    {"receivable":{"id":"R-000123","debtor":"ACME Heavy Industries","creditor":"Supplier 17",\
    "amount":"250000.00","due_date":"2026-12-31T00:00:00Z","financed":false,"confirmed_by_debtor":true},\
    "request":{"applicant":"Supplier 17","at":"2026-10-01T09:30:00Z"}}
    """

  private func decode(_ text: String, as type: CELType) -> Result<Value, InputErrors> {
    JSONSchemaDecoder(type).decode(text)
  }

  private func messages(_ text: String, as type: CELType) -> [String] {
    switch decode(text, as: type) {
    case .success(let value): return ["unexpected success: \(value)"]
    case .failure(let errors): return errors.map(\.message)
    }
  }

  private func value(_ text: String, as type: CELType, file: StaticString = #filePath, line: UInt = #line) -> Value? {
    switch decode(text, as: type) {
    case .success(let value): return value
    case .failure(let errors):
      XCTFail("\(errors)", file: file, line: line)
      return nil
    }
  }

  func testReceivableDocument() throws {
    guard case .object(let root) = value(Self.document, as: .object(Self.input)) else { return XCTFail("not an object") }
    XCTAssertEqual(root.fields.count, 2)
    guard case .object(let receivable) = root.fields[0], case .object(let request) = root.fields[1] else {
      return XCTFail("fields are not objects")
    }
    XCTAssertTrue(receivable.type === Self.receivable)
    guard case .string(let debtor) = receivable.fields[1], case .decimal(let amount) = receivable.fields[3],
      case .timestamp(let due) = receivable.fields[4], case .bool(false) = receivable.fields[5],
      case .bool(true) = receivable.fields[6], case .timestamp(let at) = request.fields[1]
    else { return XCTFail("field values: \(receivable.fields)") }
    XCTAssertEqual(debtor, "ACME Heavy Industries")
    XCTAssertEqual(amount, DecimalNumber(parsing: "250000.00"))
    XCTAssertEqual(due, Timestamp(seconds: 1_798_675_200))
    XCTAssertEqual(at, Timestamp(seconds: 1_790_847_000))
    XCTAssertNil(receivable.fields[7], "absent optional field")
  }

  func testScalarFields() {
    let type = ObjectType(
      name: "t",
      fields: [
        .init(name: "i", type: .int, optional: true), .init(name: "u", type: .uint, optional: true),
        .init(name: "d", type: .double, optional: true), .init(name: "m", type: .decimal, optional: true),
        .init(name: "b", type: .bytes, optional: true), .init(name: "dur", type: .duration, optional: true),
        .init(name: "n", type: .null, optional: true),
      ])
    func field(_ json: String, _ slot: Int) -> Value? {
      guard case .object(let o)? = value(json, as: .object(type)) else { return nil }
      return o.fields[slot]
    }
    guard case .int(Int64.min)? = field(#"{"i": -9223372036854775808}"#, 0) else { return XCTFail("int min") }
    guard case .uint(UInt64.max)? = field(#"{"u": 18446744073709551615}"#, 1) else { return XCTFail("uint max") }
    guard case .double(let d)? = field(#"{"d": -0}"#, 2), d == 0, d.sign == .minus else { return XCTFail("-0") }
    guard case .double(1.5)? = field(#"{"d": 1.5e0}"#, 2) else { return XCTFail("double") }
    guard case .decimal(let m)? = field(#"{"m": 100.10}"#, 3) else { return XCTFail("decimal number") }
    XCTAssertEqual(m, DecimalNumber(parsing: "100.10"))
    guard case .decimal(let e)? = field(#"{"m": 1.5e3}"#, 3) else { return XCTFail("decimal exponent") }
    XCTAssertEqual(e, DecimalNumber(1500 as Int64))
    guard case .bytes(let b)? = field(#"{"b": "aGk="}"#, 4) else { return XCTFail("bytes") }
    XCTAssertEqual(b, Array("hi".utf8))
    guard case .duration(let dur)? = field(#"{"dur": "3.5s"}"#, 5) else { return XCTFail("duration") }
    XCTAssertEqual(dur, DurationValue(seconds: 3, nanos: 500_000_000))
    guard case .null? = field(#"{"n": null}"#, 6) else { return XCTFail("null") }
    XCTAssertNil(field(#"{"i": null}"#, 0), "null for an optional field means absent")
  }

  func testDecimalFastPathAgreesWithFoundation() {
    let texts = [
      "0", "-0", "0.000", "-0.00", "1", "100.10", "250000.00", "-0.50", "123456789012345678", "1234567890123456789",
      "12345678901234567890", "0.0000000000000000000000000001", "99999999999999999999999999999999999999", "+5",
      ".5", "5.", "1e3", "1.5E-2", "00012.3400",
    ]
    for text in texts {
      var copy = text
      let fast = copy.withUTF8 { JSONNumberText.decimal($0) }
      let slow = DecimalNumber(parsing: text)
      XCTAssertEqual(fast, slow, text)
      XCTAssertEqual(fast?.description, slow?.description, text)
    }
    let digits38 = String(repeating: "9", count: 38)
    // 41 integer digits do not fit 38 significant digits at scale 0: rejected, never rounded.
    var exact = digits38 + "000"
    XCTAssertNil(exact.withUTF8 { JSONNumberText.decimal($0) })
    for bad in ["", "-", ".", "1.2.3", "1e", "abc", "1,5", " 1", digits38 + "1", "0." + digits38 + "1", "1e400"] {
      var copy = bad
      XCTAssertNil(copy.withUTF8 { JSONNumberText.decimal($0) }, bad)
    }
  }

  func testTypeMismatchMessages() {
    let bad = """
      {"receivable":{"id":7,"debtor":"A","creditor":"B","amount":"abc","due_date":"2026-13-01T00:00:00Z",\
      "financed":"no","confirmed_by_debtor":null,"currency":"GBP"},"request":{"applicant":[1],"at":{}}}
      """
    XCTAssertEqual(
      messages(bad, as: .object(Self.input)),
      [
        "receivable.id: expected string, found number 7",
        #"receivable.amount: expected decimal, found string "abc""#,
        #"receivable.due_date: expected timestamp (an RFC 3339 string), found string "2026-13-01T00:00:00Z""#,
        #"receivable.financed: expected bool, found string "no""#,
        "receivable.confirmed_by_debtor: expected bool, found null",
        #"receivable.currency: expected one of 'EUR', 'USD', found string "GBP""#,
        "request.applicant: expected string, found array",
        "request.at: expected timestamp (an RFC 3339 string), found object",
      ])
  }

  func testNumbersOutOfRange() {
    let type = ObjectType(
      name: "t",
      fields: [
        .init(name: "i", type: .int, optional: true), .init(name: "u", type: .uint, optional: true),
        .init(name: "d", type: .double, optional: true),
      ])
    XCTAssertEqual(
      messages(#"{"i": 1.5, "u": -1, "d": 1e400}"#, as: .object(type)),
      ["i: expected int, found number 1.5", "u: expected uint, found number -1", "d: expected double, found number 1e400"])
    XCTAssertEqual(messages(#"{"i": 9223372036854775808}"#, as: .object(type)), ["i: expected int, found number 9223372036854775808"])
    XCTAssertEqual(messages(#"{"i": 1e2}"#, as: .object(type)), ["i: expected int, found number 1e2"])
    XCTAssertEqual(messages("1e400", as: .dyn), ["expected a number within the double range, found number 1e400"])
  }

  func testMissingUnknownAndDuplicateFields() {
    let text = """
      {"receivable":{"id":"R","debtor":"A","creditor":"B","amount":1,"financed":false,"confirmed_by_debtor":true,\
      "finaced":true,"amount":2,"zzz":1},"request":{"applicant":"S","at":"2026-10-01T09:30:00Z"}}
      """
    let result = decode(text, as: .object(Self.input))
    guard case .failure(let errors) = result else { return XCTFail("expected failure") }
    XCTAssertEqual(
      errors.map(\.message),
      [
        "receivable.finaced: unknown field, did you mean 'financed'",
        "receivable.amount: duplicate key",
        "receivable.zzz: unknown field",
        "receivable.due_date: required field is missing",
      ])
    XCTAssertEqual(errors.map(\.code), [.unknownField, .duplicateKey, .unknownField, .missingField])
    XCTAssertEqual(errors[0].suggestion, "financed")
    let keyOffset = text.range(of: "\"finaced\"").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
    XCTAssertEqual(errors[0].offset, keyOffset)
    XCTAssertEqual(errors[3].offset, 14, "a missing field is reported at its object")
    XCTAssertEqual(messages(#"{"receivable":{}, "request":{}}"#, as: .object(Self.input)).count, 9)
  }

  func testErrorOffsetsAndLocations() {
    let text = "{\"receivable\": 1,\n \"request\": {\"applicant\": \"S\", \"at\": true}}"
    guard case .failure(let errors) = decode(text, as: .object(Self.input)) else { return XCTFail("expected failure") }
    XCTAssertEqual(errors.map(\.message), ["receivable: expected object, found number 1", "request.at: expected timestamp (an RFC 3339 string), found bool true"])
    XCTAssertEqual(errors.map(\.offset), [15, 55])
    XCTAssertEqual(errors.map(\.line), [1, 2])
    XCTAssertEqual(errors.map(\.column), [16, 38])
  }

  func testListsMapsAndPaths() {
    let item = ObjectType(name: "item", fields: [.init(name: "qty", type: .int)])
    let type = ObjectType(
      name: "order",
      fields: [
        .init(name: "items", type: .list(.object(item))),
        .init(name: "limits", type: .map(.string, .decimal), optional: true),
        .init(name: "counts", type: .map(.int, .int), optional: true),
      ])
    XCTAssertEqual(
      messages(#"{"items":[{"qty":1},{"qty":1},{"qty":1},{"qty":"x"}],"limits":{"EUR-1":true,"USD":"1"},"counts":{"a":1}}"#, as: .object(type)),
      [
        #"items[3].qty: expected int, found string "x""#,
        #"limits["EUR-1"]: expected decimal, found bool true"#,
        #"counts: expected a key of type int, found key "a""#,
      ])
    guard case .object(let order)? = value(#"{"items":[],"counts":{"7":8,"-1":2}}"#, as: .object(type)),
      case .map(let counts)? = order.fields[2]
    else { return XCTFail("map") }
    guard case .int(8)? = counts.lookup(.int(7)), case .int(2)? = counts.lookup(.int(-1)) else { return XCTFail("int keys") }
    XCTAssertEqual(messages(#"{"items":[],"counts":{"1":1,"01":2}}"#, as: .object(type)), [#"counts["1"]: duplicate key"#])
  }

  func testDynamicValues() {
    guard case .map(let map)? = value(#"{"a": [1, -2.5, "x", true, null, 12345678901234567890], "b": {}}"#, as: .dyn),
      case .list(let list)? = map.lookup(string: "a"), case .map(let empty)? = map.lookup(string: "b")
    else { return XCTFail("dyn") }
    XCTAssertEqual(map.keys.count, 2)
    XCTAssertEqual(empty.count, 0)
    guard case .int(1) = list[0], case .double(-2.5) = list[1], case .string("x") = list[2], case .bool(true) = list[3],
      case .null = list[4], case .double(1.2345678901234567e19) = list[5]
    else { return XCTFail("\(list)") }
    XCTAssertEqual(messages(#"{"a":1,"a":2}"#, as: .dyn), [#"a: duplicate key"#])
  }

  func testOptionalTypes() {
    let type = ObjectType(
      name: "t", fields: [.init(name: "o", type: .optional(.int)), .init(name: "p", type: .optional(.string))])
    guard case .object(let o)? = value(#"{"o": 5, "p": null}"#, as: .object(type)),
      case .optional(let five)? = o.fields[0], case .optional(let none)? = o.fields[1]
    else { return XCTFail("optional") }
    guard case .int(5)? = five.value else { return XCTFail("optional.of(5)") }
    XCTAssertNil(none.value)
    guard case .object(let absent)? = value("{}", as: .object(type)), case .optional(let n)? = absent.fields[0] else {
      return XCTFail("absent optional")
    }
    XCTAssertNil(n.value)
  }

  func testMalformedJSONIsLocated() {
    guard case .failure(let errors) = decode("{\"receivable\": {\"id\": \"R\" \n \"x\"", as: .object(Self.input)) else {
      return XCTFail("expected failure")
    }
    XCTAssertEqual(errors.map(\.code), [.malformed])
    XCTAssertEqual(errors.map(\.message), ["receivable: malformed JSON at 2:2: expected ',' or '}', found '\"'"])
    XCTAssertEqual(messages("[1] x", as: .list(.int)), ["malformed JSON at 1:5: expected end of input, found 'x'"])
    XCTAssertEqual(messages("", as: .int), ["malformed JSON at 1:1: expected a JSON value, found end of input"])
  }

  func testErrorCapAndNestingLimit() {
    let many = "[" + Array(repeating: "\"x\"", count: 50).joined(separator: ",") + "]"
    XCTAssertEqual(messages(many, as: .list(.int)).count, 20)
    let deep = String(repeating: "[", count: 100_000)
    let errors = messages(deep, as: .dyn)
    XCTAssertEqual(errors.count, 1)
    XCTAssertTrue(errors[0].hasSuffix("malformed JSON at 1:129: expected at most 128 nested arrays and objects, found deeper nesting"), errors[0])
    var decoder = JSONSchemaDecoder(.list(.dyn))
    decoder.maxNesting = 2
    XCTAssertEqual(decoder.decode("[[1]]").map { _ in true }, .success(true))
    guard case .failure(let tooDeep) = decoder.decode("[[[1]]]") else { return XCTFail("expected failure") }
    XCTAssertEqual(tooDeep.map(\.message), ["[0][0]: malformed JSON at 1:3: expected at most 2 nested arrays and objects, found deeper nesting"])
  }

  func testInvalidUTF8InStrings() {
    var bytes = Array(#"{"receivable": {"id": "R"#.utf8)
    bytes += [0xFF]
    bytes += Array(#""}}"#.utf8)
    guard case .failure(let errors) = JSONSchemaDecoder(.object(Self.input)).decode(bytes) else { return XCTFail("failure expected") }
    XCTAssertEqual(errors.map(\.message), ["receivable.id: malformed JSON at 1:25: expected UTF-8 text, found byte 0xFF"])
    XCTAssertEqual(errors[0].offset, 24)
  }

  func testClosestMatch() {
    XCTAssertEqual(closestMatch("finaced", among: ["financed", "amount"]), "financed")
    XCTAssertEqual(closestMatch("Amount", among: ["financed", "amount"]), "amount")
    XCTAssertEqual(closestMatch("dueDate", among: ["due_date", "debtor"]), "due_date")
    XCTAssertNil(closestMatch("zzz", among: ["financed", "amount"]))
    XCTAssertNil(closestMatch("a", among: ["bcd"]))
    XCTAssertEqual(closestMatch("ab", among: ["abc"]), "abc")
  }

  func testJSONLinesWithDecoder() {
    let text = Self.document + "\n\n" + #"{"receivable": 1, "request": 2}"# + "\n"
    let bytes = Array(text.utf8)
    let decoder = JSONSchemaDecoder(.object(Self.input))
    let results = bytes.withUnsafeBytes { raw in JSONLines(raw).map { line in (line.number, decoder.decode(line, in: raw)) } }
    XCTAssertEqual(results.map(\.0), [1, 3])
    guard case .success = results[0].1, case .failure(let errors) = results[1].1 else { return XCTFail("results") }
    XCTAssertEqual(errors.map(\.message), ["receivable: expected object, found number 1", "request: expected object, found number 2"])
    let secondRecord = Self.document.utf8.count + 2
    XCTAssertEqual(errors.map(\.offset), [secondRecord + 15, secondRecord + 29])
    XCTAssertEqual(errors.map(\.line), [3, 3])
    XCTAssertEqual(errors.map(\.column), [16, 30])
  }

  func testPrettyPrintedDocumentAndEnumerations() {
    let text = """
      {
        "request" : { "at" : "2026-10-01T11:30:00+02:00", "applicant" : "Supplier 17" },
        "receivable" : {
          "currency" : "EUR",
          "confirmed_by_debtor" : true, "financed" : false,
          "due_date" : "2026-12-31T00:00:00.250Z", "amount" : 100.10,
          "creditor" : "Supplier \\u0031\\u0037", "debtor" : "ACME", "id" : "R-1"
        }
      }
      """
    guard case .object(let root)? = value(text, as: .object(Self.input)), case .object(let receivable)? = root.fields[0],
      case .object(let request)? = root.fields[1]
    else { return XCTFail("objects") }
    guard case .string("EUR")? = receivable.fields[7], case .string("Supplier 17")? = receivable.fields[2],
      case .timestamp(let due)? = receivable.fields[4], case .decimal(let amount)? = receivable.fields[3],
      case .timestamp(let at)? = request.fields[1]
    else { return XCTFail("\(receivable.fields)") }
    XCTAssertEqual(due, Timestamp(seconds: 1_798_675_200, nanos: 250_000_000))
    XCTAssertEqual(amount.description, "100.10")  // money keeps its scale
    XCTAssertEqual(at, Timestamp(seconds: 1_790_847_000))
  }

  func testCustomErrorCap() {
    var decoder = JSONSchemaDecoder(.list(.bool))
    decoder.maxErrors = 2
    guard case .failure(let errors) = decoder.decode("[1, 2, 3, true]") else { return XCTFail("failure expected") }
    XCTAssertEqual(errors.map(\.message), ["[0]: expected bool, found number 1", "[1]: expected bool, found number 2"])
  }

  func testOtherScalarMismatches() {
    let type = ObjectType(
      name: "t",
      fields: [
        .init(name: "b", type: .bytes, optional: true), .init(name: "d", type: .duration, optional: true),
        .init(name: "n", type: .null, optional: true), .init(name: "s", type: .string, optional: true),
      ])
    XCTAssertEqual(
      messages(#"{"b": "***", "d": "3 days", "n": 0, "s": {"x": [1, {"y": 2}]}}"#, as: .object(type)),
      [
        #"b: expected bytes (a base64 string), found string "***""#,
        #"d: expected duration (a string such as "3.5s"), found string "3 days""#,
        "n: expected null, found number 0",
        "s: expected string, found object",
      ])
    let long = String(repeating: "x", count: 50)
    XCTAssertEqual(messages("\"\(long)\\n\"", as: .int), ["expected int, found string \"\(String(repeating: "x", count: 40))…\""])
    XCTAssertEqual(messages("\"a\\\"b\\u0001\"", as: .int), [#"expected int, found string "a\"b\u0001""#])
  }

  func testWideObjects() {
    let fields = (0..<70).map { ObjectType.Field(name: "f\($0)", type: .int, optional: $0 % 2 == 1) }
    let type = ObjectType(name: "wide", fields: fields)
    let even = (0..<70).filter { $0 % 2 == 0 }.reversed().map { "\"f\($0)\": \($0)" }.joined(separator: ", ")
    guard case .object(let object)? = value("{\(even)}", as: .object(type)) else { return XCTFail("wide object") }
    guard case .int(68)? = object.fields[68] else { return XCTFail("slot 68") }
    XCTAssertNil(object.fields[69])
    let missing = (0..<68).filter { $0 % 2 == 0 }.map { "\"f\($0)\": 1" }.joined(separator: ", ")
    XCTAssertEqual(messages("{\(missing), \"f66\": 2}", as: .object(type)), ["f66: duplicate key", "f68: required field is missing"])
  }
}
