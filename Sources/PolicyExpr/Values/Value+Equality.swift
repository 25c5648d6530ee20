/// CEL equality and ordering: heterogeneous numeric comparison, deep equality of collections.
extension Value {
  /// CEL `==`: numbers compare across int, uint, double and decimal by value; NaN equals nothing;
  /// values of different kinds are unequal (never an error).
  public func celEquals(_ other: Value) -> Bool {
    switch (self, other) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.string(let a), .string(let b)): return utf8Equal(a, b)  // CEL compares code points: no Unicode normalization
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

  /// Orders two numbers of any numeric kinds exactly; `nil` when either is not a number or is NaN.
  public static func compareNumbers(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.uint(let x), .uint(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.double(let x), .double(let y)):
      if x.isNaN || y.isNaN { return nil }
      return x < y ? -1 : (x > y ? 1 : 0)
    case (.int(let x), .uint(let y)): return x < 0 ? -1 : compareUnsigned(UInt64(x), y)
    case (.uint(let x), .int(let y)): return y < 0 ? 1 : compareUnsigned(x, UInt64(y))
    case (.int(let x), .double(let y)): return compareIntDouble(x, y)
    case (.double(let x), .int(let y)): return compareIntDouble(y, x).map { -$0 }
    case (.uint(let x), .double(let y)): return compareUIntDouble(x, y)
    case (.double(let x), .uint(let y)): return compareUIntDouble(y, x).map { -$0 }
    case (.decimal(let x), .decimal(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.decimal(let x), .int(let y)): let d = DecimalNumber(y); return x < d ? -1 : (x == d ? 0 : 1)
    case (.int(let x), .decimal(let y)): let d = DecimalNumber(x); return d < y ? -1 : (d == y ? 0 : 1)
    case (.decimal(let x), .uint(let y)): let d = DecimalNumber(y); return x < d ? -1 : (x == d ? 0 : 1)
    case (.uint(let x), .decimal(let y)): let d = DecimalNumber(x); return d < y ? -1 : (d == y ? 0 : 1)
    case (.decimal(let x), .double(let y)):
      guard let d = DecimalNumber(exactly: y) else { return y.isNaN ? nil : (y > 0 ? -1 : 1) }
      return x < d ? -1 : (x == d ? 0 : 1)
    case (.double(let x), .decimal(let y)):
      guard let d = DecimalNumber(exactly: x) else { return x.isNaN ? nil : (x > 0 ? 1 : -1) }
      return d < y ? -1 : (d == y ? 0 : 1)
    default: return nil
    }
  }

  static func compareUnsigned(_ x: UInt64, _ y: UInt64) -> Int { x < y ? -1 : (x > y ? 1 : 0) }

  /// CEL compares an int with a double by converting the int to double (lossy near 2^63, as
  /// cel-go does), so `dyn(9223372036854775807) < 9223372036854775808.0` is false.
  static func compareIntDouble(_ x: Int64, _ y: Double) -> Int? {
    if y.isNaN { return nil }
    let xd = Double(x)
    return xd < y ? -1 : (xd > y ? 1 : 0)
  }

  static func compareUIntDouble(_ x: UInt64, _ y: Double) -> Int? {
    if y.isNaN { return nil }
    let xd = Double(x)
    return xd < y ? -1 : (xd > y ? 1 : 0)
  }

  /// Orders two values of the same orderable kind (or two numbers); `nil` when not comparable.
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
  /// used by the operators and by decision-table cells alike.
  public static func order(_ a: Value, _ b: Value) -> Order {
    switch (a, b) {
    case (.decimal, .double), (.double, .decimal): return .incomparable
    default: break
    }
    if let c = compare(a, b) { return .ordered(c) }
    if case .double(let x) = a, x.isNaN, b.isNumber { return .unordered }
    if case .double(let y) = b, y.isNaN, a.isNumber { return .unordered }
    return .incomparable
  }

  /// Whether the value is an int, uint, double or decimal.
  var isNumber: Bool {
    switch self {
    case .int, .uint, .double, .decimal: true
    default: false
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
