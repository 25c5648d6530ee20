/// A runtime error of one evaluation: what went wrong and at which node.
///
/// CEL treats errors as values: `false && (1/0 > 0)` is `false`. Proviso evaluates with typed
/// throws and the logical operators catch, which keeps the error-free path fast.
public struct EvalError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A stable kind, as in CEL's error names.
  public var kind: Kind
  /// A lowercase phrase quoting the offending values.
  public var message: String
  /// The node that failed, for locating the error in the source.
  public var node: NodeID
  /// The failing node's range in the file that embeds the expression, once an embedding layer
  /// has located it (an error inside a policy's `let` is located there, not where it is used).
  public var fileRange: SourceRange?

  /// Stable kinds of runtime errors.
  public enum Kind: String, Sendable, Hashable {
    case noSuchOverload = "no_such_overload"
    case noSuchField = "no_such_field"
    case noSuchKey = "no_such_key"
    case noMatchingOverload = "no_matching_overload"
    case divisionByZero = "division_by_zero"
    case overflow = "overflow"
    case outOfRange = "range"
    case invalidArgument = "invalid_argument"
    case undeclared = "undeclared_reference"
    case costLimit = "cost_limit_exceeded"
    case sizeLimit = "size_limit_exceeded"
    case memoryLimit = "memory_limit_exceeded"
    case conversion = "conversion_error"
    case model = "model_error"
  }

  /// Creates an error.
  public init(_ kind: Kind, _ message: String, node: NodeID = .none) {
    self.kind = kind; self.message = message; self.node = node; self.fileRange = nil
  }

  public var description: String { message }

  /// Whether this is a resource limit, which no operator absorbs (CEL's error absorption is for
  /// data errors; a blown budget must stop the evaluation).
  public var isLimit: Bool { kind == .costLimit || kind == .sizeLimit || kind == .memoryLimit }

  /// `no such overload` for a function applied to the given values.
  public static func noOverload(_ function: String, _ args: Value...) -> EvalError {
    EvalError(.noSuchOverload, "no such overload: '\(function)' applied to (\(args.map(\.kindName).joined(separator: ", ")))")
  }

  /// A copy attributed to `node` unless it already names one.
  func at(_ node: NodeID) -> EvalError {
    guard self.node == .none else { return self }
    var c = self; c.node = node; return c
  }
}
