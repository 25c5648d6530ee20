import PolicySource
public struct ExprParser {
  public static func parse(_ source: String, limits: Limits = .default, macros: Bool = true) -> (ParsedExpression?, [Diagnostic]) { (nil, []) }
}
