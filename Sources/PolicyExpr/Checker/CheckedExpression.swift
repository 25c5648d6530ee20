import PolicySource

/// A type-checked expression: the parse tree plus side tables keyed by node id.
public struct CheckedExpression: Sendable {
  /// The parsed expression.
  public var parsed: ParsedExpression
  /// The static type of every node, indexed by ``NodeID/rawValue``.
  public var types: [CELType]
  /// What each identifier or qualified selection resolved to.
  public var references: [NodeID: Reference]
  /// The overloads each call may use, in declaration order (more than one only with `dyn` arguments).
  public var overloads: [NodeID: [Overload]]
  /// Double literals taken as exact decimals because they stand in a decimal context, with the
  /// decimal each spells (parsed once, by the checker, with ``DecimalNumber/init(literal:)``).
  public var decimalLiterals: [NodeID: DecimalNumber]

  /// The result type.
  public var resultType: CELType { type(of: parsed.root.id) }

  /// The type of a node.
  public func type(of id: NodeID) -> CELType {
    id.rawValue >= 0 && Int(id.rawValue) < types.count ? types[Int(id.rawValue)] : .dyn
  }

  /// What a name refers to.
  public enum Reference: Sendable, Hashable {
    /// A declared variable, by slot.
    case variable(slot: Int)
    /// A comprehension variable, by local slot.
    case local(slot: Int)
    /// A type name used as a value (`int`, `google.protobuf.Timestamp`).
    case typeName(CELType)
    /// A qualified function name used as a call target (`math` in `math.round(x)`).
    case namespace(String)
    /// A name nothing declares, in unchecked mode: evaluating it is a runtime error.
    case unbound(String)
  }
}
