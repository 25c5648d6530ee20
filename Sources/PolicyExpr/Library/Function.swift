import PolicySource

/// The implementation of one overload: a Swift function over runtime values.
///
/// Arity-specific cases avoid building an array for the common one- and two-argument calls.
public enum Implementation: Sendable {
  case unary(@Sendable (Value) throws(EvalError) -> Value)
  case binary(@Sendable (Value, Value) throws(EvalError) -> Value)
  case ternary(@Sendable (Value, Value, Value) throws(EvalError) -> Value)
  case variadic(@Sendable ([Value]) throws(EvalError) -> Value)
}

/// Whether an overload's result depends only on its arguments.
public enum Purity: Sendable, Hashable {
  /// Same arguments, same result, no effects: a call with constant arguments may be folded when
  /// the expression is planned.
  case pure
  /// Reads something besides its arguments (a clock, randomness, an id source): never folded.
  case impure
}

/// A problem with a constant argument that the planner reports as a located compile-time
/// diagnostic (for example a regular expression RE2 rejects), instead of failing every evaluation.
public struct ArgumentProblem: Sendable, Hashable {
  /// The index of the offending argument (the receiver is argument 0).
  public var argument: Int
  /// The diagnostic's stable code (`regex_invalid`).
  public var code: DiagnosticCode
  /// A lowercase phrase quoting the offending text.
  public var message: String
  /// Creates a problem report.
  public init(argument: Int, code: DiagnosticCode, message: String) {
    self.argument = argument; self.code = code; self.message = message
  }
}

/// One signature of a function: parameter and result types and the code that runs it.
public struct Overload: Sendable {
  /// A stable id, as in cel-go (`add_int64`, `string_contains`).
  public var id: String
  /// Whether it is called receiver-style: `target.f(args)` (the target is the first parameter).
  public var isReceiver: Bool
  /// Parameter types, the receiver first; may use ``CELType/param(_:)``.
  public var params: [CELType]
  /// The result type.
  public var result: CELType
  /// The code.
  public var implementation: Implementation
  /// Plan-time specialization given the arguments that are constants (`nil` where not), e.g. a
  /// regex compiled once for a constant pattern. Returns `nil` to keep ``implementation``.
  /// Applied by the fusion pass only (``Fusion``); the general plan always calls ``implementation``,
  /// and the two must agree on every input.
  public var specializer: (@Sendable ([Value?]) -> Implementation?)?
  /// Plan-time validation of the constant arguments (`nil` where not constant): a problem becomes
  /// a compile-time diagnostic located at the argument.
  public var validator: (@Sendable ([Value?]) -> ArgumentProblem?)?
  /// Whether calls with constant arguments may be folded at plan time (default ``Purity/pure``).
  public var purity: Purity
  /// Whether this is a signature of a planner intrinsic (`&&`, `==`, `<`, ...): the checker types
  /// calls with it, but the planner evaluates the operator itself and never runs
  /// ``implementation``. See ``Planner/intrinsics``.
  public var isIntrinsic: Bool

  /// Creates an overload.
  public init(_ id: String, receiver: Bool = false, _ params: [CELType], _ result: CELType, _ implementation: Implementation,
              purity: Purity = .pure) {
    self.id = id
    self.isReceiver = receiver
    self.params = params
    self.result = result
    self.implementation = implementation
    self.specializer = nil
    self.validator = nil
    self.purity = purity
    self.isIntrinsic = false
  }

  /// The signature of a planner intrinsic: typed by the checker, evaluated by the planner's own
  /// node. Its implementation only reports that it was reached, which would be a planner bug.
  public static func intrinsic(_ id: String, _ function: String, _ params: [CELType], _ result: CELType) -> Overload {
    let unreachable = EvalError(.noSuchOverload, "'\(function)' is evaluated by the planner, not called")
    var o = Overload(id, params, result, .variadic { _ throws(EvalError) in throw unreachable })
    o.isIntrinsic = true
    return o
  }
}

/// A named function with its overloads (`size`, `_+_`, `math.round`, `forest.probability`).
public struct FunctionDecl: Sendable {
  /// The function's name; operators use cel-go's names (`_+_`, `_[_]`, `!_`).
  public var name: String
  /// Its signatures.
  public var overloads: [Overload]
  /// Creates a declaration.
  public init(_ name: String, _ overloads: [Overload]) { self.name = name; self.overloads = overloads }
}

/// Shorthands for declaring overloads concisely in the library files.
extension Overload {
  /// A global function of one argument.
  public static func unary(_ id: String, _ a: CELType, _ result: CELType, _ f: @escaping @Sendable (Value) throws(EvalError) -> Value) -> Overload {
    Overload(id, [a], result, .unary(f))
  }
  /// A global function of two arguments.
  public static func binary(_ id: String, _ a: CELType, _ b: CELType, _ result: CELType, _ f: @escaping @Sendable (Value, Value) throws(EvalError) -> Value) -> Overload {
    Overload(id, [a, b], result, .binary(f))
  }
  /// A receiver-style method with no arguments (`s.size()`).
  public static func method(_ id: String, _ target: CELType, _ result: CELType, _ f: @escaping @Sendable (Value) throws(EvalError) -> Value) -> Overload {
    Overload(id, receiver: true, [target], result, .unary(f))
  }
  /// A receiver-style method with one argument (`s.contains(t)`).
  public static func method(_ id: String, _ target: CELType, _ a: CELType, _ result: CELType, _ f: @escaping @Sendable (Value, Value) throws(EvalError) -> Value) -> Overload {
    Overload(id, receiver: true, [target, a], result, .binary(f))
  }
  /// A receiver-style method with two arguments (`s.replace(a, b)`).
  public static func method(_ id: String, _ target: CELType, _ a: CELType, _ b: CELType, _ result: CELType, _ f: @escaping @Sendable (Value, Value, Value) throws(EvalError) -> Value) -> Overload {
    Overload(id, receiver: true, [target, a, b], result, .ternary(f))
  }
}
