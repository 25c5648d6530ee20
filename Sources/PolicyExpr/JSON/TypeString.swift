/// Type strings as the conformance suite writes them (`int`, `list(string)`, `map(string, int)`),
/// parsed into ``CELType`` and printed back.
///
/// Grammar: `type := NAME | NAME "(" type ("," type)* ")"`, spaces allowed around commas.
///
/// | string | type |
/// | --- | --- |
/// | `bool` `int` `uint` `double` `string` `bytes` `decimal` | primitives |
/// | `dyn`, `null_type`, `error` | dyn, null, error |
/// | `timestamp`, `google.protobuf.Timestamp` | timestamp |
/// | `duration`, `google.protobuf.Duration` | duration |
/// | `list(T)`, `map(K, V)`, bare `list`/`map` | list and map (bare: of `dyn`) |
/// | `type(T)`, bare `type` | type of a type (bare: `type(dyn)`) |
/// | `optional_type(T)` | optional |
/// | a name listed in `typeParameters` | type parameter |
///
/// Message types (dotted names), `any`, `wrapper(T)`, `function(…)` and other abstract types are
/// errors.
public enum TypeString {
  /// Parses a type string.
  /// - Parameter typeParameters: names that stand for type parameters (`T` in `list(T)`).
  /// - Throws: ``TypeStringError`` at the first problem.
  public static func parse(_ text: String, typeParameters: Set<String> = []) throws(TypeStringError) -> CELType {
    var parser = Parser(text: Array(text.utf8), typeParameters: typeParameters)
    let type = try parser.parseType()
    parser.skipSpaces()
    guard parser.position == parser.text.count else { throw parser.error("unexpected text after the type") }
    return type
  }

  /// Prints `type` in the same grammar: `timestamp`, `list(int)`, `map(string, dyn)`.
  public static func format(_ type: CELType) -> String {
    switch type {
    case .timestamp: "timestamp"
    case .duration: "duration"
    case .error: "error"
    case .list(let e): "list(\(format(e)))"
    case .map(let k, let v): "map(\(format(k)), \(format(v)))"
    case .type(let t): "type(\(format(t)))"
    case .optional(let t): "optional_type(\(format(t)))"
    default: type.description
    }
  }

  private struct Parser {
    let text: [UInt8]
    let typeParameters: Set<String>
    var position = 0

    init(text: [UInt8], typeParameters: Set<String>) {
      self.text = text
      self.typeParameters = typeParameters
    }

    mutating func skipSpaces() {
      while position < text.count && text[position] == UInt8(ascii: " ") { position += 1 }
    }

    func error(_ message: String, code: TypeStringError.Code = .syntax, at offset: Int? = nil) -> TypeStringError {
      TypeStringError(code: code, message: message, offset: offset ?? position)
    }

    mutating func parseType() throws(TypeStringError) -> CELType {
      skipSpaces()
      let start = position
      while position < text.count {
        let b = text[position]
        let isNameByte =
          (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || (b &- UInt8(ascii: "0") < 10)
          || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        guard isNameByte else { break }
        position += 1
      }
      guard position > start else {
        let found = position < text.count ? "'\(Character(Unicode.Scalar(text[position])))'" : "end of text"
        throw error("expected a type name, found \(found)")
      }
      let name = String(decoding: text[start..<position], as: UTF8.self)
      var parameters: [CELType] = []
      skipSpaces()
      if position < text.count && text[position] == UInt8(ascii: "(") {
        position += 1
        repeat {
          parameters.append(try parseType())
          skipSpaces()
          guard position < text.count else { throw error("expected ',' or ')' in the parameters of '\(name)'") }
          if text[position] == UInt8(ascii: ")") {
            position += 1
            break
          }
          guard text[position] == UInt8(ascii: ",") else {
            throw error("expected ',' or ')' in the parameters of '\(name)'")
          }
          position += 1
        } while true
      }
      return try resolve(name, parameters, at: start)
    }

    func resolve(_ name: String, _ parameters: [CELType], at start: Int) throws(TypeStringError) -> CELType {
      func arity(_ expected: Int...) throws(TypeStringError) {
        guard expected.contains(parameters.count) else {
          let counts = expected.map(String.init).joined(separator: " or ")
          throw error("type '\(name)' takes \(counts) parameters, found \(parameters.count)", code: .arity, at: start)
        }
      }
      let simple: [String: CELType] = [
        "bool": .bool, "int": .int, "uint": .uint, "double": .double, "string": .string, "bytes": .bytes,
        "decimal": .decimal, "dyn": .dyn, "null_type": .null, "error": .error, "timestamp": .timestamp,
        "google.protobuf.Timestamp": .timestamp, "duration": .duration, "google.protobuf.Duration": .duration,
      ]
      if let type = simple[name] {
        try arity(0)
        return type
      }
      switch name {
      case "list":
        try arity(0, 1)
        return .list(parameters.first ?? .dyn)
      case "map":
        try arity(0, 2)
        return parameters.isEmpty ? .map(.dyn, .dyn) : .map(parameters[0], parameters[1])
      case "type":
        try arity(0, 1)
        return .type(parameters.first ?? .dyn)
      case "optional_type":
        try arity(1)
        return .optional(parameters[0])
      case "any", "wrapper":
        throw error("protobuf message types are not supported: '\(name)'", code: .unsupported, at: start)
      case "function":
        throw error("function types are not supported", code: .unsupported, at: start)
      default:
        if typeParameters.contains(name) {
          try arity(0)
          return .param(name)
        }
        if name.contains(".") {
          throw error("protobuf message types are not supported: '\(name)'", code: .unsupported, at: start)
        }
        if !parameters.isEmpty {
          throw error("abstract type '\(name)' is not supported", code: .unsupported, at: start)
        }
        throw error("unknown type '\(name)'", code: .unknown, at: start)
      }
    }
  }
}

/// A type string that could not be parsed.
public struct TypeStringError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A stable kind of failure.
  public var code: Code
  /// A lowercase phrase quoting the offending text.
  public var message: String
  /// The 0-based UTF-8 byte offset of the problem in the type string.
  public var offset: Int

  /// Stable, snake_case kinds of type-string failures.
  public enum Code: String, Sendable, Hashable {
    /// Not the grammar.
    case syntax = "type_syntax_error"
    /// A name that is no type.
    case unknown = "type_unknown"
    /// A type with the wrong number of parameters.
    case arity = "type_arity_error"
    /// A protobuf message, wrapper or function type.
    case unsupported = "type_unsupported"
  }

  /// The same as ``message``.
  public var description: String { message }
}
