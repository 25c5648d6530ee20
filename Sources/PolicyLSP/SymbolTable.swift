import PolicyExpr
import PolicyRules
import PolicyYAML

/// A name a policy's expressions may use, with what hover shows and where go-to-definition goes.
public struct Symbol: Sendable, Hashable {
  /// What kind of declaration it is.
  public enum Kind: String, Sendable, Hashable {
    /// A top-level input (a record of fields).
    case input
    /// A field of an input record, at any depth.
    case field
    /// A constant from `constants:`.
    case constant
    /// A named value from `let:`.
    case `let`
    /// A decision table's result.
    case table
    /// An output from `outputs:`.
    case output
    /// A geofence from `regions:` (expressions name it by its id as a string).
    case region
    /// A function of the standard library or the policy's libraries (`geo.`, `forest.`).
    case function
    /// A built-in variable (`now`).
    case variable
  }
  /// The kind.
  public var kind: Kind
  /// The name as expressions write it (`telemetry.site` for a field, `usage_rate` for a table).
  public var name: String
  /// The type as a policy writes it (`decimal`, `list(string)`), when known; for a function,
  /// `function`, `method` (called as `x.f()`) or `function or method`.
  public var type: String?
  /// The `description:` written beside the declaration.
  public var description: String?
  /// More to show: a constant's value, a let's expression, a table's columns, a function's overloads.
  public var detail: String?
  /// The declaring key (or table id) as UTF-8 byte offsets in the document; `nil` for built-ins.
  public var declaration: SourceRange?
}

/// Every name of one policy document, built from its decoded ``Policy`` and YAML tree (for the
/// descriptions the decoder does not keep) and, when the policy compiles, the compiler's
/// environment (for the types of lets, tables and outputs).
public struct SymbolTable: Sendable {
  /// Top-level names: inputs, constants, lets, tables, outputs, `now`.
  public private(set) var names: [String: Symbol] = [:]
  /// Record fields by the dotted name of their record (`telemetry` → its fields).
  public private(set) var fields: [String: [Symbol]] = [:]
  /// Region ids.
  public private(set) var regions: [String: Symbol] = [:]
  /// Functions, by name (`size`, `geo.inside`); operators are left out.
  public private(set) var functions: [String: Symbol] = [:]

  /// An empty table with the standard library's functions.
  public init() { addFunctions(Environment()) }

  /// The table of a decoded policy; `environment` is the compiled policy's when it compiled.
  public init(policy: Policy, root: YAMLNode?, document: YAMLDocument?, environment: Environment?) {
    let text = { (node: YAMLNode) in document.map { $0.sourceText(of: node) } }
    names["now"] = Symbol(kind: .variable, name: "now", type: "timestamp", description: "The evaluation time: the input document's `now`, or the clock.")
    addInputs(policy.inputs, prefix: "", node: root?["inputs"])
    for c in policy.constants {
      let valueNode = root?["constants"]?[c.name].map { $0["value"] ?? $0 }
      let value = valueNode.flatMap(text) ?? c.value.displayText
      names[c.name] = Symbol(kind: .constant, name: c.name, type: Self.typeName(c.type), detail: value, declaration: c.range)
    }
    for n in policy.lets {
      names[n.name] = Symbol(kind: .let, name: n.name, type: environment?.type(of: n.name).map(Self.typeName), detail: n.expression.text, declaration: n.range)
    }
    let tableNodes = root?["tables"]?.sequence ?? []
    for t in policy.tables {
      let node = tableNodes.first { $0["id"]?.scalar?.value == t.id }
      let columns = t.inputs.map(\.text).joined(separator: ", ")
      let outputs = t.outputs.map { o in o.type.map { "\(o.name): \(Self.typeName($0))" } ?? o.name }.joined(separator: ", ")
      names[t.variableName] = Symbol(
        kind: .table, name: t.variableName, type: environment?.type(of: t.variableName).map(Self.typeName),
        description: node?["description"]?.string,
        detail: "table '\(t.id)', hit policy \(t.hit.rawValue), \(t.rows.count) rows\ninputs: \(columns)\noutputs: \(outputs)",
        declaration: node?["id"]?.range ?? t.range)
    }
    for n in policy.outputs {
      names[n.name] = Symbol(kind: .output, name: n.name, type: environment?.type(of: n.name).map(Self.typeName), detail: n.expression.text, declaration: n.range)
    }
    for r in policy.regions {
      let key = root?["regions"]?.mapping?.first { $0.key.scalar?.value == r.id }?.key.range
      regions[r.id] = Symbol(kind: .region, name: r.id, detail: Self.shapeText(r.shape), declaration: key ?? r.range)
    }
    addFunctions(environment ?? Environment())
  }

  /// The symbol a dotted name refers to: a top-level name, a record field, or a function.
  public func resolve(_ dotted: String) -> Symbol? {
    if let f = functions[dotted] { return f }
    let parts = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard let first = parts.first, var symbol = names[first] else { return nil }
    var path = first
    for part in parts.dropFirst() {
      guard let field = fields[path]?.first(where: { $0.name == path + "." + part }) else { return nil }
      symbol = field
      path = field.name
    }
    return symbol
  }

  // MARK: Building

  private mutating func addInputs(_ inputs: [Policy.Field], prefix: String, node: YAMLNode?) {
    var out: [Symbol] = []
    for f in inputs {
      let name = prefix.isEmpty ? f.name : prefix + "." + f.name
      let spec = node?.mapping?.first { $0.key.scalar?.value == f.name || $0.key.scalar?.value == f.name + "?" }?.value
      var type = Self.fieldTypeName(f.type)
      if f.optional { type += " (optional)" }
      var fieldList: String?
      if case .record(let nested) = f.type { fieldList = "fields: " + nested.map(\.name).joined(separator: ", ") }
      let symbol = Symbol(kind: prefix.isEmpty ? .input : .field, name: name, type: type, description: spec?["description"]?.string, detail: fieldList, declaration: f.range)
      if prefix.isEmpty { names[f.name] = symbol }
      out.append(symbol)
      if case .record(let nested) = f.type {
        // Nested fields are either the spec itself or its `fields:` mapping.
        addInputs(nested, prefix: name, node: spec?["fields"] ?? spec)
      }
    }
    if !prefix.isEmpty { fields[prefix] = out }
  }

  private mutating func addFunctions(_ environment: Environment) {
    for (name, decl) in environment.functions {
      guard let first = name.unicodeScalars.first, first.properties.isAlphabetic else { continue }
      let overloads = decl.overloads.map { o -> String in
        let params = o.params.map(Self.typeName)
        let call = o.isReceiver && !params.isEmpty
          ? "\(params[0]).\(name)(\(params.dropFirst().joined(separator: ", ")))"
          : "\(name)(\(params.joined(separator: ", ")))"
        return "\(call) -> \(Self.typeName(o.result))"
      }
      let receivers = decl.overloads.filter(\.isReceiver).count
      let form = receivers == 0 ? "function" : receivers == decl.overloads.count ? "method" : "function or method"
      functions[name] = Symbol(kind: .function, name: name, type: form, detail: Array(Set(overloads)).sorted().joined(separator: "\n"))
    }
  }

  /// A type as policies write it (`timestamp`, not `google.protobuf.Timestamp`).
  static func typeName(_ type: CELType) -> String {
    switch type {
    case .timestamp: "timestamp"
    case .duration: "duration"
    case .null: "null"
    case .error: "unknown"
    case .list(let e): "list(\(typeName(e)))"
    case .map(let k, let v): "map(\(typeName(k)), \(typeName(v)))"
    case .optional(let t): "optional(\(typeName(t)))"
    case .type(let t): "type(\(typeName(t)))"
    case .object: "record"
    default: type.description
    }
  }

  static func fieldTypeName(_ type: Policy.FieldType) -> String {
    switch type {
    case .scalar(let t): typeName(t)
    case .enumeration(let values): "string, one of " + values.joined(separator: ", ")
    case .record: "record"
    case .list(let e): "list(\(fieldTypeName(e)))"
    }
  }

  static func shapeText(_ shape: Policy.Region.Shape) -> String {
    switch shape {
    case .box(let a, let b, let c, let d): "box [\(a), \(b), \(c), \(d)] (min lon, min lat, max lon, max lat)"
    case .polygon(let points): "polygon of \(points.count) points"
    case .geojson(let path): "GeoJSON file \(path)"
    }
  }
}
