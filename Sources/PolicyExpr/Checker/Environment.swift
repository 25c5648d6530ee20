/// What an expression may refer to: typed variables (each bound to a slot) and functions.
///
/// A policy builds one environment for all its expressions, so every expression of the policy
/// shares one slot layout and one ``Activation`` serves a whole decision.
public struct Environment: Sendable {
  /// Declared variables in slot order.
  public private(set) var variables: [Variable] = []
  /// Variable name to slot.
  public private(set) var slots: [String: Int] = [:]
  /// Functions by name, overloads of all libraries merged.
  public private(set) var functions: [String: FunctionDecl] = [:]
  /// Resource limits for parsing, checking and evaluation.
  public var limits: Limits
  /// The namespace names are resolved in first (CEL's container): in `a.b`, `x` may mean
  /// `a.b.x`, then `a.x`, then `x`. A leading dot (`.x`) means the root only.
  public var container: String?

  /// The names `name` may refer to, most specific first.
  public func candidates(for name: String) -> [String] {
    if name.hasPrefix(".") { return [String(name.dropFirst())] }
    guard let container, !container.isEmpty else { return [name] }
    var out: [String] = []
    var parts = container.split(separator: ".").map(String.init)
    while !parts.isEmpty {
      out.append(parts.joined(separator: ".") + "." + name)
      parts.removeLast()
    }
    out.append(name)
    return out
  }

  /// A declared variable.
  public struct Variable: Sendable {
    /// The name.
    public var name: String
    /// The declared type.
    public var type: CELType
    /// A value known at compile time (a policy constant); references to it are folded.
    public var constant: Value?
  }

  /// An environment with the standard library (CEL core, math, strings, time, regex, decimal).
  public init(limits: Limits = .default) {
    self.limits = limits
    for library in StandardLibrary.all { for f in library { declare(f) } }
  }

  /// An environment with exactly these libraries (tests use this to isolate a library).
  public init(libraries: [[FunctionDecl]], limits: Limits = .default) {
    self.limits = limits
    for library in libraries { for f in library { declare(f) } }
  }

  /// Declares a variable and returns its slot; redeclaring a name changes its type in place.
  @discardableResult
  public mutating func declare(_ name: String, _ type: CELType, constant: Value? = nil) -> Int {
    if let slot = slots[name] {
      variables[slot] = Variable(name: name, type: type, constant: constant)
      return slot
    }
    variables.append(Variable(name: name, type: type, constant: constant))
    slots[name] = variables.count - 1
    return variables.count - 1
  }

  /// Adds a function, merging its overloads into an existing declaration of the same name.
  public mutating func declare(_ function: FunctionDecl) {
    if var existing = functions[function.name] {
      existing.overloads += function.overloads
      functions[function.name] = existing
    } else {
      functions[function.name] = function
    }
  }

  /// The declared type of a variable.
  public func type(of name: String) -> CELType? { slots[name].map { variables[$0].type } }
}
