import XCTest

@testable import PolicyExpr

/// Comparisons of declared record fields take in-place fast paths; they must agree with the
/// general operators, and fall back to them (with the same errors) when a field is absent.
final class FieldComparisonTests: XCTestCase {
  static let record = ObjectType(name: "r", fields: [
    .init(name: "s", type: .string), .init(name: "t", type: .string, optional: true),
    .init(name: "at", type: .timestamp), .init(name: "due", type: .timestamp),
    .init(name: "amount", type: .decimal), .init(name: "limit", type: .decimal),
    .init(name: "n", type: .int), .init(name: "m", type: .int, optional: true),
  ])

  func evaluate(_ source: String, _ fields: [Value?]) throws -> String {
    var env = Environment()
    let slot = env.declare("r", .object(Self.record))
    env.declare("q", .object(Self.record))
    let (program, diagnostics) = Compiler(environment: env).compile(source)
    let p = try XCTUnwrap(program, "\(diagnostics)")
    let a = p.makeActivation()
    let value = Value.object(ObjectValue(type: Self.record, fields: fields))
    a.set(slot, value)
    a.set(env.slots["q"]!, value)
    do { return try p.evaluate(a).debugText } catch { return "error \(error.kind.rawValue)" }
  }

  func testFieldComparisonsAgreeWithTheGeneralOperators() throws {
    let d = { (s: String) in Value.decimal(DecimalNumber(parsing: s)!) }
    let full: [Value?] = [.string("Amélie"), .string("Ame\u{301}lie"), .timestamp(Timestamp(seconds: 100)), .timestamp(Timestamp(seconds: 200)),
                          d("250000.00"), d("250000"), .int(3), .int(7)]
    let cases: [(String, String)] = [
      ("r.s == q.s", "true"), ("r.s == r.t", "false"), ("r.s != r.t", "true"),  // no Unicode normalization
      ("r.at < r.due", "true"), ("r.due <= r.at", "false"), ("r.at >= q.at", "true"),
      ("r.amount == r.limit", "true"), ("r.amount > r.limit", "false"), ("r.amount >= r.limit", "true"),
      ("r.amount > 0.0", "true"), ("r.amount < 250000.01", "true"), ("r.amount > 1", "true"),
      ("r.n < r.m", "true"), ("r.n > 2", "true"), ("r.n <= 3", "true"), ("r.n < 3", "false"),
      ("r.at < timestamp('1970-01-01T00:01:41Z')", "true"),
    ]
    for (source, expected) in cases {
      XCTAssertEqual(try evaluate(source, full), expected, source)
    }
    // An absent optional field is an error on the general path, not a silent false.
    var absent = full
    absent[1] = nil
    absent[7] = nil
    XCTAssertEqual(try evaluate("r.s == r.t", absent), "error no_such_field")
    XCTAssertEqual(try evaluate("r.n < r.m", absent), "error no_such_field")
    XCTAssertEqual(try evaluate("r.s == r.t || true", absent), "true")
  }
}
