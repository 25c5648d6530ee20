import PolicySource

/// The `matches` function: RE2 partial matching of a string against a pattern.
///
/// `matches(s, re)` and `s.matches(re)` are both declared. Patterns that are constants should be
/// compiled by the planner with ``RegexPattern/compiled(_:)``; the implementations here compile
/// through the shared cache (``RegexPattern/cached(_:)``).
public enum RegexLibrary {
  /// The declarations of this library.
  public static let functions: [FunctionDecl] = [
    FunctionDecl("matches", [
      planTimeCompiled(.binary("matches", .string, .string, .bool, matches)),
      planTimeCompiled(.method("matches_string", .string, .string, .bool, matches)),
    ]),
  ]

  /// The overload with a validator that reports a constant pattern RE2 rejects as a compile-time
  /// diagnostic (`regex_invalid`, located at the pattern), and a specializer that compiles a valid
  /// constant pattern once, when the expression is planned.
  static func planTimeCompiled(_ overload: Overload) -> Overload {
    var o = overload
    o.validator = { constants in
      guard constants.count == 2, case .string(let source)? = constants[1] else { return nil }
      do throws(EvalError) {
        _ = try RegexPattern.compiled(source)
        return nil
      } catch {
        return ArgumentProblem(argument: 1, code: .regexInvalid, message: error.message)
      }
    }
    o.specializer = { constants in
      guard constants.count == 2, case .string(let source)? = constants[1],
        let pattern = try? RegexPattern.compiled(source)
      else { return nil }
      let match = matcher(pattern)
      return .binary { s, _ throws(EvalError) in try match(s) }
    }
    return o
  }

  /// `matches(s, re)`: whether `re` matches a substring of `s`.
  @Sendable static func matches(_ s: Value, _ re: Value) throws(EvalError) -> Value {
    guard case .string(let text) = s, case .string(let pattern) = re else { throw .noOverload("matches", s, re) }
    return .bool(try RegexPattern.cached(pattern).matches(text))
  }

  /// `matches` with its pattern compiled at plan time, for calls whose pattern is a constant:
  /// evaluation then neither compiles nor takes the cache lock. The argument is the string.
  public static func matcher(_ pattern: RegexPattern) -> @Sendable (Value) throws(EvalError) -> Value {
    { s throws(EvalError) in
      guard case .string(let text) = s else { throw .noOverload("matches", s, .string(pattern.pattern)) }
      return .bool(pattern.matches(text))
    }
  }
}

extension DiagnosticCode {
  /// A constant regular expression RE2 rejects (`matches(x, "(")`), reported at the pattern.
  public static let regexInvalid: DiagnosticCode = "regex_invalid"
}
