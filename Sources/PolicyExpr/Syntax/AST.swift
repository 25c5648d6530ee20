import PolicySource

/// The identity of one node of a parsed expression; the key of the side tables for ranges and types.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The index into ``ParsedExpression/ranges``.
  public var rawValue: Int32
  /// Creates an id.
  public init(_ rawValue: Int32) { self.rawValue = rawValue }
  public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "#\(rawValue)" }
  /// The id of no node (used by errors raised outside an expression).
  public static let none = NodeID(-1)
}

/// A literal constant as written in the source.
public enum Literal: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  /// A double literal and its source text (with its `-` when a sign was written, `-0.5` for
  /// `- 0.5`), kept so a decimal context can take it exactly (``DecimalNumber/init(literal:)``).
  case double(Double, text: String)
  case string(String)
  case bytes([UInt8])
}

/// One expression node: an id (for ranges, types and runtime errors) and what it is.
public struct Expr: Sendable, Hashable {
  /// The node's id.
  public var id: NodeID
  /// The node's kind and children.
  public var kind: Kind

  /// Creates a node.
  public init(id: NodeID, _ kind: Kind) { self.id = id; self.kind = kind }

  /// The syntactic forms of CEL, after macro expansion (as in cel-go's `ExprKind`).
  public indirect enum Kind: Sendable, Hashable {
    /// A constant.
    case literal(Literal)
    /// A name, possibly qualified by the parser (`a.b.c` stays a chain of `select`s; the checker
    /// resolves qualified names against declarations).
    case ident(String)
    /// `operand.field`; with `testOnly` it is the expansion of `has(operand.field)`.
    case select(operand: Expr, field: String, testOnly: Bool)
    /// A global call `f(args)` or a receiver call `target.f(args)`; operators are calls named
    /// `_+_`, `_&&_`, `!_`, `-_`, `_?_:_`, `_[_]`, `@in`, and so on (cel-go's names).
    case call(function: String, target: Expr?, args: [Expr])
    /// `[a, b, c]`.
    case list([Expr])
    /// `{k: v, ...}`.
    case map([MapEntry])
    /// A macro's expansion: a fold over a list or map (see cel-go's `Comprehension`).
    case comprehension(Comprehension)
  }

  /// One `key: value` entry of a map literal.
  public struct MapEntry: Sendable, Hashable {
    /// The entry's id (for duplicate-key errors).
    public var id: NodeID
    /// The key expression.
    public var key: Expr
    /// The value.
    public var value: Expr
    /// Creates a value from its parts.
    public init(id: NodeID, key: Expr, value: Expr) { self.id = id; self.key = key; self.value = value }
  }

  /// A fold: `accu = init; for iterVar[, iterVar2] in range { if !condition break; accu = step }; result`.
  ///
  /// For a list, `iterVar` is the element (or the index when `iterVar2` is set, which is then the
  /// element); for a map, `iterVar` is the key (and `iterVar2` the value).
  public struct Comprehension: Sendable, Hashable {
    /// The iteration variable.
    public var iterVar: String
    /// The second iteration variable (index or value), for two-variable macros.
    public var iterVar2: String?
    /// The list or map iterated over.
    public var iterRange: Expr
    /// The accumulator variable.
    public var accuVar: String
    /// The accumulator's initial value.
    public var accuInit: Expr
    /// Evaluated before each step; the loop stops when false.
    public var loopCondition: Expr
    /// The accumulator's next value.
    public var loopStep: Expr
    /// The result.
    public var result: Expr
    /// Creates a value from its parts.
    public init(
      iterVar: String, iterVar2: String? = nil, iterRange: Expr, accuVar: String, accuInit: Expr,
      loopCondition: Expr, loopStep: Expr, result: Expr
    ) {
      self.iterVar = iterVar; self.iterVar2 = iterVar2; self.iterRange = iterRange
      self.accuVar = accuVar; self.accuInit = accuInit; self.loopCondition = loopCondition
      self.loopStep = loopStep; self.result = result
    }
  }
}

/// The name of the hidden accumulator variable of macro expansions (as in cel-go).
public let accumulatorName = "@result"

/// The output of the parser: the tree, a range for every node id, and the source text.
public struct ParsedExpression: Sendable {
  /// The root node.
  public var root: Expr
  /// The source range of each node, indexed by ``NodeID/rawValue``, in expression-local offsets.
  public var ranges: [SourceRange]
  /// The expression text.
  public var source: String
  /// Creates a parsed expression.
  public init(root: Expr, ranges: [SourceRange], source: String) {
    self.root = root; self.ranges = ranges; self.source = source
  }
  /// The range of `id`, or an empty range at 0 when unknown.
  public func range(of id: NodeID) -> SourceRange {
    id.rawValue >= 0 && Int(id.rawValue) < ranges.count ? ranges[Int(id.rawValue)] : SourceRange(at: 0)
  }
}
