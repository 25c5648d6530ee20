import XCTest
@testable import PolicyExpr

/// The static types the checker infers: result types, literals, comprehension variables.
final class TypeCheckerTypesTests: XCTestCase {
  private func resultType(_ source: String) -> String {
    let (program, ds) = Compiler(environment: CheckerTestSupport.environment).compile(source)
    guard let program else { return "errors: " + ds.map(\.message).joined(separator: "; ") }
    return program.checked.resultType.description
  }

  private func check(_ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
    for (source, want) in cases {
      XCTAssertEqual(resultType(source), want, "`\(source)`", file: file, line: line)
    }
  }

  func testResultTypesOfCommonExpressions() {
    check([
      ("1 + 2", "int"), ("1u + 2u", "uint"), ("1.5 * 2.0", "double"), ("\"a\" + applicant", "string"),
      ("amount * 0.90", "decimal"), ("amount + 1", "decimal"), ("amount > 100", "bool"),
      ("math.round(amount * 0.0375, 2)", "decimal"), ("decimal(rate)", "decimal"),
      ("receivable.amount", "decimal"), ("receivable.debtor", "receivable.debtor"),
      ("receivable.debtor.score >= 600", "bool"), ("receivable.dueDate", "google.protobuf.Timestamp"),
      ("receivable.dueDate - duration(\"1h\")", "google.protobuf.Timestamp"),
      ("receivable.dueDate - receivable.dueDate", "google.protobuf.Duration"),
      ("has(receivable.note)", "bool"), ("receivable.installments[0]", "decimal"),
      ("limits[\"daily\"]", "decimal"), ("limits.daily", "decimal"), ("size(items)", "int"),
      ("items[0]", "int"), ("count in items", "bool"), ("applicant.split(\",\")", "list(string)"),
      ("type(count)", "type(int)"), ("anything.field", "dyn"), ("anything + 1", "dyn"),
      ("dyn(count)", "dyn"), ("true ? amount : decimal(\"0.5\")", "decimal"), ("null", "null_type"),
      ("int(rate)", "int"), ("string(amount)", "string"), ("duration(\"1h\").getMinutes()", "int"),
    ])
  }

  func testListAndMapLiteralInference() {
    check([
      ("[1, 2, 3]", "list(int)"), ("[]", "list(dyn)"), ("[1, 2.0]", "list(dyn)"), ("[[1], [2]]", "list(list(int))"),
      ("[amount, receivable.amount]", "list(decimal)"), ("[receivable.debtor, null]", "list(receivable.debtor)"),
      ("{\"a\": 1}", "map(string, int)"), ("{}", "map(dyn, dyn)"), ("{\"a\": 1, \"b\": \"c\"}", "map(string, dyn)"),
      ("{1: \"a\", 2u: \"b\"}", "map(dyn, string)"), ("{\"a\": [1]}", "map(string, list(int))"),
    ])
  }

  func testComprehensionVariableTyping() {
    check([
      ("items.map(x, x * 2)", "list(int)"), ("items.map(x, string(x))", "list(string)"),
      ("items.filter(x, x > 1)", "list(int)"), ("items.all(x, x > 0)", "bool"), ("items.exists_one(x, x == 1)", "bool"),
      ("receivable.installments.map(i, i * 1.1)", "list(decimal)"),
      ("limits.map(k, k.size())", "list(int)"), ("limits.all(k, limits[k] > 0)", "bool"),
      ("items.map(x, items.map(y, x + y))", "list(list(int))"), ("[[1], [2]].map(xs, xs[0])", "list(int)"),
      ("anything.map(x, x)", "list(dyn)"),
      ("items.transformList(i, x, i * x)", "list(int)"), ("limits.transformMap(k, v, v * 2)", "map(string, decimal)"),
      ("limits.all(k, v, v > 0)", "bool"), ("items.exists(i, x, i == x)", "bool"),
    ])
    // A comprehension variable shadows a declared variable of the same name inside the macro only.
    check([("items.map(count, count + 1).size() + count", "int"), ("[\"a\"].map(count, count + \"b\")", "list(string)")])
  }
}
