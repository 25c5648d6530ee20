/// CEL's math extension (cel-go `ext/math.go`, conformance file `math_ext`) plus Proviso's
/// decimal money functions.
///
/// - `math.greatest`, `math.least`: one to ``maxArguments`` numbers of mixed types (int, uint,
///   double, decimal) or one list of them; numbers compare exactly across types and the winner is
///   returned as it is (on ties the earlier one).
/// - `math.ceil`, `math.floor`, `math.trunc`, `math.round` (half away from zero) on double and
///   decimal; `math.round(x, places)` rounds half up (the money rule) and
///   `math.roundHalfEven(x, places)` rounds half to even (banker's), on decimal and double.
/// - `math.abs`, `math.sign` on int, uint, double, decimal; `math.sqrt` on int, uint, double.
/// - `math.isNaN`, `math.isInf`, `math.isFinite` on double.
/// - `math.bitAnd`, `bitOr`, `bitXor`, `bitNot`, `bitShiftLeft`, `bitShiftRight` on int and uint.
///
/// Same-typed arguments give a result of that type; mixed ones give `dyn`. Calls of three or
/// more arguments use ``Implementation/variadic(_:)`` overloads declared per arity.
public enum MathLibrary {
  /// The most arguments `math.greatest` and `math.least` take one by one (a list takes any number).
  public static let maxArguments = 16

  /// Every function of the library.
  public static let functions: [FunctionDecl] = [
    extremeDecl("math.greatest", "math_greatest", one: greatestOfOne, two: greatest, many: greatest),
    extremeDecl("math.least", "math_least", one: leastOfOne, two: least, many: least),
    FunctionDecl("math.ceil", integerRounding("math.ceil", "math_ceil", .up, .ceiling)),
    FunctionDecl("math.floor", integerRounding("math.floor", "math_floor", .down, .floor)),
    FunctionDecl("math.trunc", integerRounding("math.trunc", "math_trunc", .towardZero, .down)),
    FunctionDecl("math.round", integerRounding("math.round", "math_round", .toNearestOrAwayFromZero, .halfUp)
      + placesRounding("math.round", "math_round", .halfUp)),
    FunctionDecl("math.roundHalfEven", integerRounding("math.roundHalfEven", "math_roundHalfEven", .toNearestOrEven, .halfEven)
      + placesRounding("math.roundHalfEven", "math_roundHalfEven", .halfEven)),
    FunctionDecl("math.abs", [
      .unary("math_abs_int", .int, .int, abs),
      .unary("math_abs_uint", .uint, .uint, abs),
      .unary("math_abs_double", .double, .double, abs),
      .unary("math_abs_decimal", .decimal, .decimal, abs),
    ]),
    FunctionDecl("math.sign", [
      .unary("math_sign_int", .int, .int, sign),
      .unary("math_sign_uint", .uint, .uint, sign),
      .unary("math_sign_double", .double, .double, sign),
      .unary("math_sign_decimal", .decimal, .decimal, sign),
    ]),
    FunctionDecl("math.sqrt", [
      .unary("math_sqrt_int", .int, .double, sqrt),
      .unary("math_sqrt_uint", .uint, .double, sqrt),
      .unary("math_sqrt_double", .double, .double, sqrt),
    ]),
    FunctionDecl("math.isNaN", [
      .unary("math_isNaN_double", .double, .bool) { v throws(EvalError) in try classify(v, function: "math.isNaN") { $0.isNaN } },
    ]),
    FunctionDecl("math.isInf", [
      .unary("math_isInf_double", .double, .bool) { v throws(EvalError) in try classify(v, function: "math.isInf") { $0.isInfinite } },
    ]),
    FunctionDecl("math.isFinite", [
      .unary("math_isFinite_double", .double, .bool) { v throws(EvalError) in try classify(v, function: "math.isFinite") { $0.isFinite } },
    ]),
    bitwiseDecl("math.bitAnd", "math_bitAnd") { $0 & $1 },
    bitwiseDecl("math.bitOr", "math_bitOr") { $0 | $1 },
    bitwiseDecl("math.bitXor", "math_bitXor") { $0 ^ $1 },
    FunctionDecl("math.bitNot", [
      .unary("math_bitNot_int", .int, .int, bitNot),
      .unary("math_bitNot_uint", .uint, .uint, bitNot),
    ]),
    FunctionDecl("math.bitShiftLeft", [
      .binary("math_bitShiftLeft_int_int", .int, .int, .int) { v, n throws(EvalError) in try shift(v, n, left: true) },
      .binary("math_bitShiftLeft_uint_int", .uint, .int, .uint) { v, n throws(EvalError) in try shift(v, n, left: true) },
    ]),
    FunctionDecl("math.bitShiftRight", [
      .binary("math_bitShiftRight_int_int", .int, .int, .int) { v, n throws(EvalError) in try shift(v, n, left: false) },
      .binary("math_bitShiftRight_uint_int", .uint, .int, .uint) { v, n throws(EvalError) in try shift(v, n, left: false) },
    ]),
  ]

  /// The numeric types `math.greatest` and `math.least` accept.
  static let numericTypes: [CELType] = [.int, .uint, .double, .decimal]

  /// `math.greatest` or `math.least`: one number or list, every pair of numeric types, and per
  /// arity from 3 to ``maxArguments`` one overload per same-typed signature and one of `dyn`s.
  private static func extremeDecl(
    _ name: String, _ id: String,
    one: @escaping @Sendable (Value) throws(EvalError) -> Value,
    two: @escaping @Sendable (Value, Value) throws(EvalError) -> Value,
    many: @escaping @Sendable ([Value]) throws(EvalError) -> Value
  ) -> FunctionDecl {
    var overloads: [Overload] = []
    for t in numericTypes { overloads.append(.unary("\(id)_\(t)", t, t, one)) }
    for t in numericTypes { overloads.append(.unary("\(id)_list_\(t)", .list(t), t, one)) }
    overloads.append(.unary("\(id)_list_dyn", .list(.dyn), .dyn, one))
    for t in numericTypes {
      for u in numericTypes { overloads.append(.binary("\(id)_\(t)_\(u)", t, u, t == u ? t : .dyn, two)) }
    }
    for arity in 3...maxArguments {
      for t in numericTypes {
        overloads.append(Overload("\(id)_\(arity)_\(t)", Array(repeating: t, count: arity), t, .variadic(many)))
      }
      overloads.append(Overload("\(id)_\(arity)_dyn", Array(repeating: .dyn, count: arity), .dyn, .variadic(many)))
    }
    return FunctionDecl(name, overloads)
  }

  /// One-argument rounding of a double (by `rule`) and of a decimal (by `mode`), keeping the type.
  private static func integerRounding(_ name: String, _ id: String, _ rule: FloatingPointRoundingRule,
                                      _ mode: DecimalNumber.RoundingMode) -> [Overload] {
    [
      .unary("\(id)_double", .double, .double) { v throws(EvalError) in try roundToInteger(v, rule, mode, function: name) },
      .unary("\(id)_decimal", .decimal, .decimal) { v throws(EvalError) in try roundToInteger(v, rule, mode, function: name) },
    ]
  }

  /// Two-argument rounding to an int number of places, of a double and of a decimal.
  private static func placesRounding(_ name: String, _ id: String, _ mode: DecimalNumber.RoundingMode) -> [Overload] {
    [
      .binary("\(id)_double_int", .double, .int, .double) { v, p throws(EvalError) in try roundToPlaces(v, p, mode: mode, function: name) },
      .binary("\(id)_decimal_int", .decimal, .int, .decimal) { v, p throws(EvalError) in try roundToPlaces(v, p, mode: mode, function: name) },
    ]
  }

  /// A bitwise operation on (int, int) and (uint, uint).
  private static func bitwiseDecl(_ name: String, _ id: String,
                                  _ op: @escaping @Sendable (UInt64, UInt64) -> UInt64) -> FunctionDecl {
    FunctionDecl(name, [
      .binary("\(id)_int_int", .int, .int, .int) { a, b throws(EvalError) in try bitwise(a, b, function: name, op) },
      .binary("\(id)_uint_uint", .uint, .uint, .uint) { a, b throws(EvalError) in try bitwise(a, b, function: name, op) },
    ])
  }
}
