import Foundation
import XCTest
@testable import PolicyExpr

/// One evaluation case: an expression and the exact outcome it must give, rendered by
/// ``EvaluationSupport/outcome(_:bindings:types:limits:)``.
struct EvalCase {
  var source: String
  var expected: String
  var bindings: [String: Value] = [:]
  var types: [String: CELType] = [:]
  var line: UInt

  init(_ source: String, _ expected: String, bindings: [String: Value] = [:], types: [String: CELType] = [:],
       line: UInt = #line) {
    self.source = source; self.expected = expected; self.bindings = bindings; self.types = types; self.line = line
  }
}

/// Compiles and evaluates expressions and renders the outcome as one comparable line.
///
/// Values: `1`, `1u`, `1.5` (double), `1.50m` (decimal, its exact text), `"s"`, `b"s"`, `[1, 2]`,
/// `{"k": 1}`, `null`, `type(int)`, timestamps and durations as JSON text. Runtime errors:
/// `error kind: message`. Compile errors: `compile: message [hint]` joined by ` | `.
enum EvaluationSupport {
  static func show(_ v: Value) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return "\(b)"
    case .int(let i): return "\(i)"
    case .uint(let u): return "\(u)u"
    case .double(let d): return d.isNaN ? "NaN" : "\(d)"
    case .decimal(let d): return "\(d.description)m"
    case .string(let s): return "\"\(s)\""
    case .bytes(let b): return "b\"\(String(decoding: b, as: UTF8.self))\""
    case .list(let xs): return "[" + xs.map(show).joined(separator: ", ") + "]"
    case .map(let m): return "{" + zip(m.keys, m.values).map { "\(show($0)): \(show($1))" }.joined(separator: ", ") + "}"
    case .type(let t): return "type(\(t.runtimeName))"
    case .timestamp, .duration: return JSONWriter.string(v)
    case .object(let o): return "object(\(o.type.name))"
    case .optional(let box): return box.value.map { "optional(\(show($0)))" } ?? "optional.none"
    }
  }

  static func outcome(_ source: String, bindings: [String: Value] = [:], types: [String: CELType] = [:],
                      limits: Limits = .default) -> String {
    switch OneShot.evaluate(source, bindings: bindings, types: types, limits: limits) {
    case .value(let v, _): return show(v)
    case .runtimeError(let e, _): return "error \(e.kind.rawValue): \(e.message)"
    case .compileError(let ds):
      return "compile: " + ds.map { d in d.message + (d.hint.map { " [\($0)]" } ?? "") }.joined(separator: " | ")
    }
  }

  /// Checks every case and reports each mismatch with its expression, expected and actual outcome.
  static func check(_ cases: [EvalCase], file: StaticString = #filePath) {
    for c in cases {
      let got = outcome(c.source, bindings: c.bindings, types: c.types)
      XCTAssertEqual(got, c.expected, "`\(c.source)`", file: file, line: c.line)
    }
  }


  static func dec(_ text: String) -> Value { .decimal(DecimalNumber(parsing: text)!) }
}
