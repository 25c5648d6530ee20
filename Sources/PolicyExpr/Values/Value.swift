import Foundation

/// A runtime value of the expression language.
///
/// A plain enum: scalars inline, strings and lists as Swift's copy-on-write storage, maps and
/// records behind immutable final classes. Values are immutable and `Sendable`, so one compiled
/// program evaluates on many threads at once.
public enum Value: Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case decimal(DecimalNumber)
  case string(String)
  case bytes([UInt8])
  case list([Value])
  case map(MapValue)
  case timestamp(Timestamp)
  case duration(DurationValue)
  case type(CELType)
  case object(ObjectValue)
  /// An optional value: `.optional(nil)` is `optional.none()`.
  case optional(OptionalBox)

  /// The runtime type, as `type(x)` reports it.
  public var runtimeType: CELType {
    switch self {
    case .null: .null
    case .bool: .bool
    case .int: .int
    case .uint: .uint
    case .double: .double
    case .decimal: .decimal
    case .string: .string
    case .bytes: .bytes
    case .list: .list(.dyn)
    case .map: .map(.dyn, .dyn)
    case .timestamp: .timestamp
    case .duration: .duration
    case .type(let t): .type(t)
    case .object(let o): .object(o.type)
    case .optional: .optional(.dyn)
    }
  }

  /// A short name of the value's kind for error messages (`int`, `string`, `list`).
  public var kindName: String { runtimeType.runtimeName }
}

/// A box so that `Value` can hold an optional `Value` without infinite size.
public final class OptionalBox: Sendable {
  /// The wrapped value, or `nil` for `optional.none()`.
  public let value: Value?
  public init(_ value: Value?) { self.value = value }
}

/// A map value: keys in insertion order and a hash index.
///
/// Keys are bool, int, uint or string. Numeric keys are normalized so that `1`, `1u` and `1.0`
/// find the same entry, as CEL's heterogeneous equality requires.
public final class MapValue: Sendable {
  /// Keys in insertion order.
  public let keys: [Value]
  /// Values, parallel to ``keys``.
  public let values: [Value]
  private let index: [MapKey: Int]

  /// Builds a map; returns `nil` (with the offending key) when a key repeats or is of a type
  /// that cannot be a key.
  public static func make(keys: [Value], values: [Value]) -> Result<MapValue, MapError> {
    var index: [MapKey: Int] = [:]
    index.reserveCapacity(keys.count)
    for (i, k) in keys.enumerated() {
      guard let mk = MapKey(k) else { return .failure(.unsupportedKey(k)) }
      if index.updateValue(i, forKey: mk) != nil { return .failure(.duplicateKey(k)) }
    }
    return .success(MapValue(keys: keys, values: values, index: index))
  }

  /// Builds a map from string keys known to be distinct (JSON objects already de-duplicated).
  public init(uncheckedKeys keys: [Value], values: [Value]) {
    var index: [MapKey: Int] = [:]
    for (i, k) in keys.enumerated() { if let mk = MapKey(k) { index[mk] = i } }
    self.keys = keys; self.values = values; self.index = index
  }

  /// A map whose keys (and so its hash index) are shared with other maps of the same shape: a map
  /// literal with constant keys builds its index once, at plan time.
  public static func sharingKeys(of shape: MapValue, values: [Value]) -> MapValue {
    MapValue(keys: shape.keys, values: values, index: shape.index)
  }

  private init(keys: [Value], values: [Value], index: [MapKey: Int]) {
    self.keys = keys; self.values = values; self.index = index
  }

  /// The empty map.
  public static let empty = MapValue(keys: [], values: [], index: [:])

  /// The number of entries.
  public var count: Int { keys.count }

  /// The value for `key`, or `nil` when absent (a double key finds an integral numeric key).
  public func lookup(_ key: Value) -> Value? {
    guard let mk = MapKey(lookup: key), let i = index[mk] else { return nil }
    return values[i]
  }

  /// The value for a string key.
  public func lookup(string key: String) -> Value? {
    guard let i = index[.string(CodePoints(key))] else { return nil }
    return values[i]
  }

  /// Why a map could not be built.
  public enum MapError: Error, Sendable {
    case duplicateKey(Value)
    case unsupportedKey(Value)
  }
}

/// A hashable normal form of a map key.
enum MapKey: Hashable, Sendable {
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case string(CodePoints)

  /// The key for a value stored in a map (doubles are not valid keys).
  init?(_ v: Value) {
    switch v {
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .int(i)
    case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
    case .string(let s): self = .string(CodePoints(s))
    default: return nil
    }
  }

  /// The key used to look a value up; an integral double finds the equal int or uint key.
  init?(lookup v: Value) {
    if case .double(let d) = v {
      if d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 {
        self = .int(Int64(d))
      } else if d == d.rounded(), d >= 0, d < 1.8446744073709551616e19 {
        self = .uint(UInt64(d))
      } else {
        return nil
      }
      return
    }
    if case .decimal(let d) = v {
      guard let i = d.exactInt64 else { return nil }
      self = .int(i)
      return
    }
    self.init(v)
  }
}

/// A string compared and hashed by its UTF-8 bytes: CEL map keys do not normalize Unicode, so
/// `"é"` (one code point) and `"e\u{301}"` (two) are different keys, unlike Swift's `String ==`.
struct CodePoints: Hashable, Sendable {
  let string: String
  init(_ string: String) { self.string = string }
  static func == (a: CodePoints, b: CodePoints) -> Bool { utf8Equal(a.string, b.string) }
  func hash(into h: inout Hasher) {
    var s = string
    s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}

/// A record of a declared ``ObjectType``: field values by slot, `nil` where an optional field is absent.
public final class ObjectValue: Sendable {
  /// The record's type.
  public let type: ObjectType
  /// Field values in the type's declaration order.
  public let fields: [Value?]
  /// Creates a record; `fields.count` must equal `type.fields.count`.
  public init(type: ObjectType, fields: [Value?]) {
    precondition(fields.count == type.fields.count, "record arity")
    self.type = type
    self.fields = fields
  }
}
