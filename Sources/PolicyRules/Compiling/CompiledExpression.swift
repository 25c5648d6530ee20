import PolicyExpr

/// A compiled policy expression with what is needed to locate its runtime errors in the file, and
/// the window of comprehension locals it evaluates in.
///
/// A class, not a struct: decisions iterate over many of these, and copying a struct of
/// references would retain each field every time.
public final class CompiledExpression: Sendable {
  /// The program.
  public let program: Program
  /// Where the expression sits in the policy file.
  public let source: ExpressionSource
  /// The first of its comprehension local slots in a decision's activation. The policy compiler
  /// gives every program of a policy its own window (see ``PolicyCompiler/assignWindow(_:)``), so a
  /// lazy value computed inside another expression's loop cannot overwrite that loop's variables.
  let window: Int

  init(program: Program, source: ExpressionSource, window: Int) {
    self.program = program; self.source = source; self.window = window
  }
  /// The expression's text.
  public var text: String { source.text }

  /// Evaluates the expression in its own window of `a`.
  @inline(__always)
  func evaluate(_ a: Activation) throws(EvalError) -> Value {
    try a.evaluate(program, window: window)
  }

  /// The file range of the node a runtime error names.
  public func fileRange(of error: EvalError) -> SourceRange {
    source.mapping.fileRange(program.range(of: error))
  }
}

/// Operand programs of a check, evaluated only when a decision is explained: subexpressions of the
/// check, planned with its local numbering, evaluated in its window after it has finished.
struct Operand: Sendable {
  let text: String
  let program: Program
  let window: Int
}
