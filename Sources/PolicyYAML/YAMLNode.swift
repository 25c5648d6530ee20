import PolicySource

/// One node of a loaded YAML document: a scalar, a sequence or a mapping, with its place in the file.
///
/// Nodes are values. An alias (`*base`) is expanded into a copy of the anchored node, which keeps the
/// anchored node's ranges, so diagnostics about an aliased value point at its definition. Merge keys
/// (`<<`) are not part of YAML 1.2 and are read as ordinary keys.
public struct YAMLNode: Sendable, Hashable {
  /// What a node holds.
  public enum Kind: Sendable, Hashable {
    /// A scalar: text with a style and a mapping back into the file.
    case scalar(Scalar)
    /// A sequence, in order.
    case sequence([YAMLNode])
    /// A mapping, with pairs in file order; keys are scalars and unique (duplicates are diagnosed and
    /// dropped, the first one kept).
    case mapping([Pair])
  }

  /// One key-value pair of a mapping.
  public struct Pair: Sendable, Hashable {
    /// The key; always a scalar node.
    public var key: YAMLNode
    /// The value.
    public var value: YAMLNode
    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
      self.key = key
      self.value = value
    }
  }

  /// What the node holds.
  public var kind: Kind
  /// The whole node as UTF-8 byte offsets in the file, from its anchor or tag (if any) to its last
  /// content character. A block collection ends where its last child ends.
  public var range: SourceRange
  /// The explicit tag, if any: a local tag as written (`!custom`) or a resolved global tag
  /// (`!!str` becomes `tag:yaml.org,2002:str`).
  public var tag: String?

  /// Creates a node.
  public init(kind: Kind, range: SourceRange, tag: String? = nil) {
    self.kind = kind
    self.range = range
    self.tag = tag
  }
}

extension YAMLNode {
  /// The scalar, if this node is one.
  public var scalar: Scalar? {
    if case .scalar(let s) = kind { return s }
    return nil
  }

  /// The items, if this node is a sequence.
  public var sequence: [YAMLNode]? {
    if case .sequence(let items) = kind { return items }
    return nil
  }

  /// The pairs, if this node is a mapping.
  public var mapping: [Pair]? {
    if case .mapping(let pairs) = kind { return pairs }
    return nil
  }

  /// The value for the scalar key whose text is `key`, if this node is a mapping that has it.
  public subscript(key: String) -> YAMLNode? {
    guard case .mapping(let pairs) = kind else { return nil }
    for pair in pairs where pair.key.scalar?.value == key { return pair.value }
    return nil
  }

  /// A short noun for the node's kind, for messages (`scalar`, `sequence`, `mapping`).
  public var kindName: String {
    switch kind {
    case .scalar: "scalar"
    case .sequence: "sequence"
    case .mapping: "mapping"
    }
  }

  /// The scalar resolved with the YAML 1.2 core schema, or `nil` for a collection.
  ///
  /// Only untagged plain scalars are resolved by their text; quoted and block scalars, and scalars
  /// tagged `!` or `!!str`, are strings. A scalar tagged `!!null`, `!!bool`, `!!int` or `!!float`
  /// resolves to that type when its text allows, else to a string.
  public var resolved: YAMLValue? {
    guard case .scalar(let s) = kind else { return nil }
    return s.resolved(tag: tag)
  }

  /// Whether this is a scalar that resolves to null (`~`, `null`, `Null`, `NULL`, or empty).
  public var isNull: Bool { resolved == .null }

  /// The boolean, if this scalar resolves to one (`true`/`True`/`TRUE`/`false`/`False`/`FALSE`).
  public var bool: Bool? {
    if case .bool(let b) = resolved { return b }
    return nil
  }

  /// The integer, if this scalar resolves to one (decimal, `0x` hexadecimal or `0o` octal).
  public var int: Int? {
    if case .int(let i) = resolved { return i }
    return nil
  }

  /// The number, if this scalar resolves to an integer or a float (including `.inf` and `.nan`).
  public var double: Double? {
    switch resolved {
    case .int(let i): Double(i)
    case .float(let d): d
    default: nil
    }
  }

  /// The text, if this scalar resolves to a string (quoted scalars always do; `yes` and `no` do too).
  public var string: String? {
    if case .string(let s) = resolved { return s }
    return nil
  }

  /// Whether this is an untagged plain scalar that YAML reads as a number, such as `id: 007`
  /// (read as the integer 7) or `0.90`, so a policy field expecting text can say "quote it".
  public var isPlainNumberLike: Bool {
    guard tag == nil, case .scalar(let s) = kind, s.style == .plain else { return false }
    return s.looksNumeric
  }
}

/// A scalar's value under the YAML 1.2 core schema.
public enum YAMLValue: Sendable, Hashable {
  /// `~`, `null`, `Null`, `NULL`, or an empty plain scalar.
  case null
  /// `true`/`True`/`TRUE` or `false`/`False`/`FALSE`.
  case bool(Bool)
  /// A decimal, `0x` or `0o` integer that fits in `Int`.
  case int(Int)
  /// A float, including `.inf`, `-.inf` and `.nan`, or a decimal integer too large for `Int`.
  case float(Double)
  /// Any other text.
  case string(String)
}
