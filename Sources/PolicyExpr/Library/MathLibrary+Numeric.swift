/// The runtime code of ``MathLibrary``: each function takes and returns ``Value``s and throws
/// ``EvalError`` (never crashes) on a value it does not accept.
extension MathLibrary {
  // MARK: - greatest and least

  /// The greatest of numeric values of mixed types (int, uint, double, decimal), itself (not
  /// converted); on ties the earlier one.
  /// - Throws: `invalid_argument` when `values` is empty or holds a NaN, `no_such_overload`
  ///   for a non-numeric value.
  static func greatest(_ values: [Value]) throws(EvalError) -> Value {
    try extreme(values, greatest: true, function: "math.greatest")
  }

  /// The least of numeric values of mixed types, itself; on ties the earlier one.
  /// - Throws: as ``greatest(_:)``.
  static func least(_ values: [Value]) throws(EvalError) -> Value {
    try extreme(values, greatest: false, function: "math.least")
  }

  /// The greater of two numeric values (the first on a tie).
  static func greatest(_ a: Value, _ b: Value) throws(EvalError) -> Value {
    try compareNumbers(a, b, function: "math.greatest") < 0 ? b : a
  }

  /// The lesser of two numeric values (the first on a tie).
  static func least(_ a: Value, _ b: Value) throws(EvalError) -> Value {
    try compareNumbers(a, b, function: "math.least") > 0 ? b : a
  }

  /// The single argument when it is numeric, or the extreme element of a list argument.
  static func greatestOfOne(_ v: Value) throws(EvalError) -> Value {
    if case .list(let items) = v { return try greatest(items) }
    return try checkedNumber(v, function: "math.greatest")
  }

  /// The single argument when it is numeric, or the least element of a list argument.
  static func leastOfOne(_ v: Value) throws(EvalError) -> Value {
    if case .list(let items) = v { return try least(items) }
    return try checkedNumber(v, function: "math.least")
  }

  private static func extreme(_ values: [Value], greatest: Bool, function: String) throws(EvalError) -> Value {
    guard var best = values.first else {
      throw EvalError(.invalidArgument, "'\(function)' requires at least one argument")
    }
    best = try checkedNumber(best, function: function)
    for v in values.dropFirst() {
      let order = try compareNumbers(best, v, function: function)
      if greatest ? order < 0 : order > 0 { best = v }
    }
    return best
  }

  private static func checkedNumber(_ v: Value, function: String) throws(EvalError) -> Value {
    switch v {
    case .int, .uint, .decimal: return v
    case .double(let d):
      guard !d.isNaN else { throw EvalError(.invalidArgument, "NaN values cannot be ordered in '\(function)'") }
      return v
    default: throw EvalError.noOverload(function, v)
    }
  }

  /// -1, 0 or 1 by the numeric order of two numbers of any of the numeric types: the one order
  /// of ``Value/compareNumbers(_:_:)``, with its errors named after `function`.
  /// - Throws: `invalid_argument` for a NaN, `no_such_overload` for a non-numeric value.
  static func compareNumbers(_ a: Value, _ b: Value, function: String) throws(EvalError) -> Int {
    if let order = Value.compareNumbers(a, b) { return order }
    guard a.isNumber, b.isNumber else { throw EvalError.noOverload(function, a, b) }
    throw EvalError(.invalidArgument, "NaN values cannot be ordered in '\(function)'")
  }

  // MARK: - Rounding

  /// `ceil`, `floor`, `trunc` or `round` (half away from zero) of a double or decimal, keeping its type.
  static func roundToInteger(_ v: Value, _ rule: FloatingPointRoundingRule, _ mode: DecimalNumber.RoundingMode,
                             function: String) throws(EvalError) -> Value {
    switch v {
    case .double(let d): return .double(d.rounded(rule))
    case .decimal(let d): return .decimal(try rounded(d, places: 0, mode: mode, function: function))
    default: throw EvalError.noOverload(function, v)
    }
  }

  /// A double or decimal rounded to `places` fractional digits (negative: tens, hundreds...).
  ///
  /// A decimal gets exactly `places` fractional digits (`2.3` → `2.30`). A double is rounded as
  /// the decimal of its shortest text, so `math.round(2.675, 2)` is `2.68` as on paper; NaN,
  /// infinities and doubles beyond 38 digits come back unchanged, doubles below 10^-38 round to zero.
  static func roundToPlaces(_ v: Value, _ places: Value, mode: DecimalNumber.RoundingMode,
                            function: String) throws(EvalError) -> Value {
    guard case .int(let p) = places else { throw EvalError.noOverload(function, v, places) }
    let n = Int(clamping: p)
    switch v {
    case .decimal(let d):
      return .decimal(try rounded(d, places: n, mode: mode, function: function))
    case .double(let d):
      guard d.isFinite, n <= DecimalNumber.maxScale else { return v }
      guard let exact = DecimalNumber(exactly: d) else {
        return d.magnitude >= 1 ? v : .double(Double(signOf: d, magnitudeOf: 0))
      }
      guard let r = try? exact.rounded(places: n, mode: mode) else { return v }
      return .double(r.signum == 0 ? Double(signOf: d, magnitudeOf: 0) : r.doubleValue)
    default:
      throw EvalError.noOverload(function, v, places)
    }
  }

  private static func rounded(_ d: DecimalNumber, places: Int, mode: DecimalNumber.RoundingMode,
                              function: String) throws(EvalError) -> DecimalNumber {
    do {
      return try d.rounded(places: places, mode: mode)
    } catch {
      throw EvalError(.overflow, "decimal overflow in '\(function)' rounding '\(d)' to \(places) places")
    }
  }

  // MARK: - Sign and magnitude

  /// The absolute value of an int, uint, double or decimal.
  /// - Throws: `overflow` for the smallest int, whose absolute value is not an int.
  static func abs(_ v: Value) throws(EvalError) -> Value {
    switch v {
    case .int(let i):
      guard i != .min else { throw EvalError(.overflow, "integer overflow in 'math.abs' of '\(i)'") }
      return .int(i < 0 ? -i : i)
    case .uint: return v
    case .double(let d): return .double(d.magnitude)
    case .decimal(let d): return .decimal(d.magnitude)
    default: throw EvalError.noOverload("math.abs", v)
    }
  }

  /// -1, 0 or 1 in the argument's type (NaN for NaN).
  static func sign(_ v: Value) throws(EvalError) -> Value {
    switch v {
    case .int(let i): return .int(i.signum())
    case .uint(let u): return .uint(u == 0 ? 0 : 1)
    case .double(let d): return .double(d.isNaN ? d : (d > 0 ? 1 : (d < 0 ? -1 : 0)))
    case .decimal(let d): return .decimal(DecimalNumber(Int64(d.signum)))
    default: throw EvalError.noOverload("math.sign", v)
    }
  }

  /// The square root as a double (NaN for negative arguments).
  static func sqrt(_ v: Value) throws(EvalError) -> Value {
    switch v {
    case .int(let i): return .double(Double(i).squareRoot())
    case .uint(let u): return .double(Double(u).squareRoot())
    case .double(let d): return .double(d.squareRoot())
    default: throw EvalError.noOverload("math.sqrt", v)
    }
  }

  /// A test of a double: `isNaN`, `isInf` or `isFinite`.
  static func classify(_ v: Value, function: String, _ test: (Double) -> Bool) throws(EvalError) -> Value {
    guard case .double(let d) = v else { throw EvalError.noOverload(function, v) }
    return .bool(test(d))
  }

  // MARK: - Bits

  /// A bitwise operation on two ints or two uints.
  static func bitwise(_ a: Value, _ b: Value, function: String, _ op: (UInt64, UInt64) -> UInt64) throws(EvalError) -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      return .int(Int64(bitPattern: op(UInt64(bitPattern: x), UInt64(bitPattern: y))))
    case (.uint(let x), .uint(let y)):
      return .uint(op(x, y))
    default:
      throw EvalError.noOverload(function, a, b)
    }
  }

  /// The bitwise complement of an int or uint.
  static func bitNot(_ v: Value) throws(EvalError) -> Value {
    switch v {
    case .int(let i): return .int(~i)
    case .uint(let u): return .uint(~u)
    default: throw EvalError.noOverload("math.bitNot", v)
    }
  }

  /// An int or uint shifted by an int count of bits; right shifts fill with zeros (also for
  /// ints) and counts of 64 or more give 0.
  /// - Throws: `invalid_argument` for a negative count.
  static func shift(_ v: Value, _ bits: Value, left: Bool) throws(EvalError) -> Value {
    let function = left ? "math.bitShiftLeft" : "math.bitShiftRight"
    guard case .int(let n) = bits else { throw EvalError.noOverload(function, v, bits) }
    guard n >= 0 else { throw EvalError(.invalidArgument, "negative offset '\(n)' in '\(function)'") }
    let pattern: UInt64
    switch v {
    case .int(let i): pattern = UInt64(bitPattern: i)
    case .uint(let u): pattern = u
    default: throw EvalError.noOverload(function, v, bits)
    }
    let shifted = n >= 64 ? 0 : (left ? pattern << UInt64(n) : pattern >> UInt64(n))
    if case .int = v { return .int(Int64(bitPattern: shifted)) }
    return .uint(shifted)
  }
}
