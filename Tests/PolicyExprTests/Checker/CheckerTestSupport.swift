import XCTest
@testable import PolicyExpr

/// A policy-like environment and helpers for checking expressions whose expected error spot is
/// marked in the source text with `1️⃣`.
enum CheckerTestSupport {
  static let debtor = ObjectType(name: "receivable.debtor", fields: [
    .init(name: "name", type: .string), .init(name: "score", type: .int),
    .init(name: "segment", type: .string, allowed: ["retail", "corporate"]),
  ])
  static let receivable = ObjectType(name: "receivable", fields: [
    .init(name: "amount", type: .decimal), .init(name: "dueDate", type: .timestamp),
    .init(name: "debtor", type: .object(debtor)), .init(name: "note", type: .string, optional: true),
    .init(name: "installments", type: .list(.decimal)),
  ])

  /// Variables a financing policy typically has.
  static var environment: Environment {
    var env = Environment()
    env.declare("amount", .decimal)
    env.declare("applicant", .string)
    env.declare("rate", .double)
    env.declare("count", .int)
    env.declare("items", .list(.int))
    env.declare("limits", .map(.string, .decimal))
    env.declare("receivable", .object(receivable))
    env.declare("anything", .dyn)
    return env
  }

  /// The marker that shows where a diagnostic must start.
  static let marker = "1️⃣"

  /// The source without its marker and the marker's UTF-8 offset.
  static func unmark(_ marked: String) -> (source: String, offset: Int32?) {
    guard let r = marked.range(of: marker) else { return (marked, nil) }
    let offset = Int32(marked[..<r.lowerBound].utf8.count)
    return (marked.replacingCharacters(in: r, with: ""), offset)
  }

  /// Compiles `source` and returns the diagnostics located in a file named `<expr>`.
  static func diagnostics(_ source: String, env: Environment = environment) -> [Diagnostic] {
    let (_, ds) = Compiler(environment: env).compile(source)
    let file = SourceFile(path: "<expr>", text: source)
    return ds.map { $0.located(in: file, mapping: .identity) }
  }
}

/// One checker case: a marked source and the exact rendered diagnostics.
struct CheckCase {
  var marked: String
  var rendered: String
  var line: UInt
  init(_ marked: String, _ rendered: String, line: UInt = #line) {
    self.marked = marked; self.rendered = rendered; self.line = line
  }

  /// Asserts the rendered text and that the first diagnostic starts at the marker.
  func check(env: Environment = CheckerTestSupport.environment, file: StaticString = #filePath) {
    let (source, offset) = CheckerTestSupport.unmark(marked)
    let ds = CheckerTestSupport.diagnostics(source, env: env)
    XCTAssertEqual(DiagnosticRenderer().render(ds), rendered, "`\(source)`", file: file, line: line)
    XCTAssertEqual(DiagnosticRenderer.sorted(ds).first?.range.start, offset, "start of the diagnostic of `\(source)`",
                   file: file, line: line)
  }
}
