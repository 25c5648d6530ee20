/// The implementation of one overload: a Swift function over runtime values.
///
/// Arity-specific cases avoid building an array for the common one- and two-argument calls.
public enum Implementation: Sendable {
  case unary(@Sendable (Value) throws(EvalError) -> Value)
  case binary(@Sendable (Value, Value) throws(EvalError) -> Value)
  case ternary(@Sendable (Value, Value, Value) throws(EvalError) -> Value)
  case variadic(@Sendable ([Value]) throws(EvalError) -> Value)
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
  public var specializer: (@Sendable ([Value?]) -> Implementation?)?

  /// Creates an overload.
  public init(_ id: String, receiver: Bool = false, _ params: [CELType], _ result: CELType, _ implementation: Implementation) {
    self.id = id
    self.isReceiver = receiver
    self.params = params
    self.result = result
    self.implementation = implementation
    self.specializer = nil
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
