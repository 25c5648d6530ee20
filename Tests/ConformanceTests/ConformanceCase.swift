import PolicyExpr

/// One conformance test: builds the environment, evaluates, compares with the expectation.
struct ConformanceCase {
  let test: JSONObject
  init(_ test: JSONObject) { self.test = test }

  /// `nil` when the test passes, else what went wrong.
  func run() -> String? {
    guard case .string(let expr)? = test["expr"] else { return "no expr" }
    var types: [String: CELType] = [:]
    if case .array(let decls)? = test["type_env"] {
      for case .object(let d) in decls {
        guard case .string(let name)? = d["name"] else { continue }
        guard case .string("ident")? = d["kind"] else { return "function declarations in type_env are not supported" }
        guard case .string(let t)? = d["type"] else { continue }
        do { types[name] = try TypeString.parse(t) } catch { return "type_env \(name): \(error)" }
      }
    }
    var bindings: [String: Value] = [:]
    if case .object(let b)? = test["bindings"] {
      for (k, v) in zip(b.keys, b.values) {
        do { bindings[k] = try TypedValue.decode(v) } catch { return "binding \(k): \(error)" }
      }
    }
    let checked = test["disable_check"] != .bool(true)
    let macros = test["disable_macros"] != .bool(true)
    let checkOnly = test["check_only"] == .bool(true)
    guard case .object(let expected)? = test["expected"], case .string(let kind)? = expected["kind"] else { return "no expectation" }
    var container: String? = nil
    if case .string(let c)? = test["container"] { container = c }
    let outcome = OneShot.evaluate(expr, bindings: bindings, types: types, checked: checked, macros: macros, container: container)
    switch (kind, outcome) {
    case ("value", .value(let v, _)):
      guard let want = expected["value"].flatMap({ try? TypedValue.decode($0) }) else { return "undecodable expected value" }
      return Self.strictEquals(v, want) ? nil : "expected \(TypedValue.string(want)), got \(TypedValue.string(v))"
    case ("typed_result", .value(let v, let type)):
      if case .string(let t)? = expected["deduced_type"], TypeString.format(type) != t {
        return "expected type \(t), got \(TypeString.format(type))"
      }
      if let want = expected["value"].flatMap({ try? TypedValue.decode($0) }), !Self.strictEquals(v, want) {
        return "expected \(TypedValue.string(want)), got \(TypedValue.string(v))"
      }
      return nil
    case ("typed_result", .runtimeError) where checkOnly:
      return nil
    case ("error", .runtimeError), ("any_error", .runtimeError):
      return nil
    case ("error", .compileError), ("any_error", .compileError):
      return nil
    case (_, .compileError(let ds)):
      return "compile error: " + ds.map(\.message).joined(separator: "; ")
    case (_, .runtimeError(let e, _)):
      return "runtime error: \(e.kind.rawValue): \(e.message)"
    case ("error", .value(let v, _)), ("any_error", .value(let v, _)):
      return "expected an error, got \(TypedValue.string(v))"
    default:
      return "unsupported expectation kind \(kind)"
    }
  }

  /// Equality for the test oracle: same kinds all the way down (1 and 1.0 differ), NaN equals NaN.
  static func strictEquals(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign) || x == y
    case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy(strictEquals)
    case (.map(let x), .map(let y)):
      guard x.count == y.count else { return false }
      for i in 0..<x.count {
        guard let other = y.lookup(x.keys[i]), strictEquals(x.values[i], other) else { return false }
      }
      return true
    default:
      return a.kindName == b.kindName && a.celEquals(b)
    }
  }
}
