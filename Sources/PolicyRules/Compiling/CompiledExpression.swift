import PolicyExpr

/// A compiled policy expression with what is needed to locate its runtime errors in the file.
///
/// A class, not a struct: decisions iterate over many of these, and copying a struct of
/// references would retain each field every time.
public final class CompiledExpression: Sendable {
  /// The program.
  public let program: Program
  /// Where the expression sits in the policy file.
  public let source: ExpressionSource

  init(program: Program, source: ExpressionSource) { self.program = program; self.source = source }
  /// The expression's text.
  public var text: String { source.text }

  /// The file range of the node a runtime error names.
  public func fileRange(of error: EvalError) -> SourceRange {
    source.mapping.fileRange(program.range(of: error))
  }
}

/// Operand programs of a check, evaluated only when a decision is explained.
struct Operand: Sendable {
  let text: String
  let program: Program
}
