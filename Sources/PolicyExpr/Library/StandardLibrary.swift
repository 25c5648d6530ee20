/// The function libraries every ``Environment`` starts with.
public enum StandardLibrary {
  /// Core CEL, then the extension libraries.
  public static let all: [[FunctionDecl]] = [
    CoreLibrary.functions, MathLibrary.functions, StringLibrary.functions, TimeLibrary.functions, RegexLibrary.functions,
  ]
}
