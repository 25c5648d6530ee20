/// A static type of the expression language.
public indirect enum CELType: Sendable, Hashable, CustomStringConvertible {
  case dyn
  case null
  case bool
  case int
  case uint
  case double
  /// Exact base-10 numbers for money (Proviso's addition to CEL).
  case decimal
  case string
  case bytes
  case timestamp
  case duration
  case list(CELType)
  case map(CELType, CELType)
  /// A declared record type with named fields (a policy's input schema).
  case object(ObjectType)
  /// The type of a type value: `type(int)` is `type(int)`.
  case type(CELType)
  /// A type parameter of a generic overload (`A` in `size(list(A))`).
  case param(String)
  /// An optional value (`optional_type(T)`), the type of `?.` selection results.
  case optional(CELType)
  /// The type of an expression that failed to check.
  case error

  public var description: String {
    switch self {
    case .dyn: "dyn"
    case .null: "null_type"
    case .bool: "bool"
    case .int: "int"
    case .uint: "uint"
    case .double: "double"
    case .decimal: "decimal"
    case .string: "string"
    case .bytes: "bytes"
    case .timestamp: "google.protobuf.Timestamp"
    case .duration: "google.protobuf.Duration"
    case .list(let e): "list(\(e))"
    case .map(let k, let v): "map(\(k), \(v))"
    case .object(let o): o.name
    case .type(let t): "type(\(t))"
    case .param(let p): p
    case .optional(let t): "optional_type(\(t))"
    case .error: "*error*"
    }
  }

  /// The name `type(x)` yields at runtime (`int`, `list`, `map`, `google.protobuf.Timestamp`).
  public var runtimeName: String {
    switch self {
    case .list: "list"
    case .map: "map"
    case .type: "type"
    case .optional: "optional_type"
    default: description
    }
  }

  /// Whether the type is a numeric primitive.
  public var isNumeric: Bool {
    switch self { case .int, .uint, .double, .decimal: true; default: false }
  }
}

/// A record type declared by a policy's input schema: named, typed fields resolved to slots.
///
/// Values of this type are ``ObjectValue``s whose fields are stored in declaration order, so a
/// checked `receivable.amount` compiles to an array index, never a lookup by name.
public final class ObjectType: Sendable, Hashable, CustomStringConvertible {
  /// The type's name (the dotted path of the input, e.g. `receivable`).
  public let name: String
  /// The fields in declaration order.
  public let fields: [Field]
  /// Field name to slot.
  public let slots: [String: Int]

  /// One declared field.
  public struct Field: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The field's type. Recursive object types are not supported (schemas are trees).
    public var type: CELType
    /// Whether the input may omit it (then `has()` is false and selecting it is an error).
    public var optional: Bool
    /// For `string` fields with an enumeration, the allowed values.
    public var allowed: [String]?
    /// Creates a value from its parts.
    public init(name: String, type: CELType, optional: Bool = false, allowed: [String]? = nil) {
      self.name = name; self.type = type; self.optional = optional; self.allowed = allowed
    }
  }

  /// Creates a record type.
  public init(name: String, fields: [Field]) {
    self.name = name
    self.fields = fields
    var slots: [String: Int] = [:]
    for (i, f) in fields.enumerated() { slots[f.name] = i }
    self.slots = slots
  }

  public static func == (a: ObjectType, b: ObjectType) -> Bool { a === b || (a.name == b.name && a.fields == b.fields) }
  public func hash(into h: inout Hasher) { h.combine(name) }
  public var description: String { name }
}
