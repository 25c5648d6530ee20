/// CEL's ordering operators `<`, `<=`, `>`, `>=`.
public enum OrderingOperator: String, Sendable, Hashable, CaseIterable {
  case less = "_<_", lessOrEqual = "_<=_", greater = "_>_", greaterOrEqual = "_>=_"

  /// Whether an order (-1, 0 or 1) satisfies the operator.
  @inline(__always)
  public func holds(_ order: Int) -> Bool {
    switch self {
    case .less: order < 0
    case .lessOrEqual: order <= 0
    case .greater: order > 0
    case .greaterOrEqual: order >= 0
    }
  }
}

/// The one meaning of equality and order in Proviso, as in CEL (see docs/language.md, "Equality
/// and ordering"). Expressions (the planner's `==`, `!=` and ordering nodes, their fused forms,
/// `in`, `math.greatest`/`math.least`) and decision-table cells all compare through here:
///
/// - Numbers of different kinds compare by value: int with uint exactly; int or uint with double
///   by converting the integer to double (CEL's rule, so `9223372036854775807 < 9.223372036854775808e18`
///   is false); decimal with int or uint exactly; decimal with double through the double's
///   shortest round-trip text (`0.1` equals decimal `0.1`).
/// - NaN is unequal to everything, itself included, and every ordering with NaN is `false`,
///   never an error.
/// - `-0.0` equals `0.0`.
/// - Values of other kinds compare only with their own kind: strings by code point, bytes
///   bytewise, `false < true`, timestamps and durations by time; lists, maps and records are
///   equal element-wise and cannot be ordered.
extension Value {
  /// CEL `==`: numbers compare across int, uint, double and decimal by value; NaN equals nothing;
  /// values of different kinds are unequal (never an error).
  public func celEquals(_ other: Value) -> Bool {
    switch (self, other) {
    case (.int(let a), .int(let b)): return a == b
    case (.string(let a), .string(let b)): return utf8Equal(a, b)  // CEL compares code points: no Unicode normalization
    case (.bool(let a), .bool(let b)): return a == b
    case (.null, .null): return true
    case (.bytes(let a), .bytes(let b)): return a == b
    case (.timestamp(let a), .timestamp(let b)): return a == b
    case (.duration(let a), .duration(let b)): return a == b
    case (.type(let a), .type(let b)): return a.runtimeName == b.runtimeName
    case (.list(let a), .list(let b)):
      guard a.count == b.count else { return false }
      for i in a.indices where !a[i].celEquals(b[i]) { return false }
      return true
    case (.map(let a), .map(let b)):
      guard a.count == b.count else { return false }
      for i in 0..<a.count {
        guard let v = b.lookup(a.keys[i]), v.celEquals(a.values[i]) else { return false }
      }
      return true
    case (.object(let a), .object(let b)):
      guard a.type == b.type else { return false }
      for i in a.fields.indices {
        switch (a.fields[i], b.fields[i]) {
        case (nil, nil): continue
        case (let x?, let y?): if !x.celEquals(y) { return false }
        default: return false
        }
      }
      return true
    case (.optional(let a), .optional(let b)):
      switch (a.value, b.value) {
      case (nil, nil): return true
      case (let x?, let y?): return x.celEquals(y)
      default: return false
      }
    default:
      if let order = Value.compareNumbers(self, other) { return order == 0 }
      return false
    }
  }

  /// Whether the value is an int, uint, double (NaN included) or decimal.
  public var isNumber: Bool {
    switch self {
    case .int, .uint, .double, .decimal: true
    default: false
    }
  }

  /// Whether the value is a double NaN.
  public var isNaN: Bool {
    if case .double(let d) = self { return d.isNaN }
    return false
  }

  /// Orders two numbers of any numeric kinds by value (-1, 0 or 1); `nil` when either is not a
  /// number or is NaN. The rule for each pair is in the extension's documentation.
  public static func compareNumbers(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.uint(let x), .uint(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.double(let x), .double(let y)):
      if x.isNaN || y.isNaN { return nil }
      return x < y ? -1 : (x > y ? 1 : 0)
    case (.decimal(let x), .decimal(let y)): return DecimalNumber.compare(x, y)
    case (.int(let x), .uint(let y)): return x < 0 ? -1 : compareUnsigned(UInt64(x), y)
    case (.uint(let x), .int(let y)): return y < 0 ? 1 : compareUnsigned(x, UInt64(y))
    case (.int(let x), .double(let y)): return compareIntegerDouble(Double(x), y)
    case (.double(let x), .int(let y)): return compareIntegerDouble(Double(y), x).map { -$0 }
    case (.uint(let x), .double(let y)): return compareIntegerDouble(Double(x), y)
    case (.double(let x), .uint(let y)): return compareIntegerDouble(Double(y), x).map { -$0 }
    case (.decimal(let x), .int(let y)): return DecimalNumber.compare(x, DecimalNumber(y))
    case (.int(let x), .decimal(let y)): return DecimalNumber.compare(DecimalNumber(x), y)
    case (.decimal(let x), .uint(let y)): return DecimalNumber.compare(x, DecimalNumber(y))
    case (.uint(let x), .decimal(let y)): return DecimalNumber.compare(DecimalNumber(x), y)
    case (.decimal(let x), .double(let y)): return compareDecimalDouble(x, y)
    case (.double(let x), .decimal(let y)): return compareDecimalDouble(y, x).map { -$0 }
    default: return nil
    }
  }

  static func compareUnsigned(_ x: UInt64, _ y: UInt64) -> Int { x < y ? -1 : (x > y ? 1 : 0) }

  /// CEL compares an int or uint with a double by converting the integer to double (lossy near
  /// 2^63, as cel-go and the conformance suite require); `nil` for NaN.
  static func compareIntegerDouble(_ x: Double, _ y: Double) -> Int? {
    if y.isNaN { return nil }
    return x < y ? -1 : (x > y ? 1 : 0)
  }

  /// A decimal with a double, through the double's shortest round-trip text; `nil` for NaN.
  static func compareDecimalDouble(_ x: DecimalNumber, _ y: Double) -> Int? {
    if y.isNaN { return nil }
    if y.isInfinite { return y > 0 ? -1 : 1 }
    if let d = DecimalNumber(exactly: y) { return DecimalNumber.compare(x, d) }
    if y.magnitude >= 1 { return y > 0 ? -1 : 1 }  // beyond 38 digits
    let s = x.signum  // a nonzero double smaller than 10^-38
    return s != 0 ? s : (y > 0 ? -1 : 1)
  }

  /// Orders two values of the same orderable kind (or two numbers); `nil` when not comparable
  /// (different kinds, unorderable kinds, or a NaN).
  public static func compare(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.string(let x), .string(let y)):
      // CEL orders strings by code point; UTF-8 byte order is the same order.
      return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
    case (.bytes(let x), .bytes(let y)): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
    case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.duration(let x), .duration(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    default: return compareNumbers(a, b)
    }
  }

  /// The outcome of CEL's ordering operators (`<`, `<=`, `>`, `>=`) on two values.
  public enum Order: Sendable, Equatable {
    /// The sign of the comparison: -1, 0 or 1.
    case ordered(Int)
    /// A NaN is involved: every ordering operator is false, and none is an error.
    case unordered
    /// The language has no ordering for these kinds (a `no_such_overload` error): different
    /// non-numeric kinds, or a decimal with a double (money is never compared through a binary double).
    case incomparable
  }

  /// How CEL's ordering operators order `a` and `b` at run time: the one ordering of the language,
  /// used by the operators (``order(_:_:_:)``) and by decision-table cells alike.
  public static func order(_ a: Value, _ b: Value) -> Order {
    switch (a, b) {
    case (.decimal, .double), (.double, .decimal): return .incomparable
    default: break
    }
    if let c = compare(a, b) { return .ordered(c) }
    if a.isNumber, b.isNumber { return .unordered }  // a NaN
    return .incomparable
  }

  /// CEL's ordering operator `a op b`, as expressions evaluate it: ``order(_:_:)`` with inline
  /// paths for the common same-kind pairs (each gives what ``order(_:_:)`` gives).
  @inline(__always)
  public static func order(_ a: Value, _ op: OrderingOperator, _ b: Value) throws(EvalError) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return op.holds(x < y ? -1 : (x > y ? 1 : 0))
    case (.double(let x), .double(let y)):
      if x.isNaN || y.isNaN { return false }
      return op.holds(x < y ? -1 : (x > y ? 1 : 0))
    case (.decimal(let x), .decimal(let y)): return op.holds(DecimalNumber.compare(x, y))
    case (.timestamp(let x), .timestamp(let y)): return op.holds(x < y ? -1 : (x == y ? 0 : 1))
    default:
      switch order(a, b) {
      case .ordered(let c): return op.holds(c)
      case .unordered: return false
      case .incomparable: throw .noOverload(op.rawValue, a, b)
      }
    }
  }

  /// A short rendering for error messages (`"abc"`, `12`, `list`).
  public var debugText: String {
    switch self {
    case .null: "null"
    case .bool(let b): "\(b)"
    case .int(let i): "\(i)"
    case .uint(let u): "\(u)u"
    case .double(let d): "\(d)"
    case .decimal(let d): "\(d)"
    case .string(let s): "\"\(s)\""
    case .bytes(let b): "b\"\(String(decoding: b, as: UTF8.self))\""
    case .type(let t): t.runtimeName
    default: kindName
    }
  }
}
