import PolicyExpr
import PolicyYAML

extension PolicyDecoder {
  // MARK: Inputs

  mutating func recordFields(_ node: YAMLNode, context: String) -> [Policy.Field] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "\(context) must be a mapping of field names to types", node.range)
      return []
    }
    var out: [Policy.Field] = []
    for pair in pairs {
      guard let raw = pair.key.scalar?.value else { continue }
      var name = raw
      var optional = false
      if name.hasSuffix("?") { name.removeLast(); optional = true }
      guard variableName(YAMLNode(kind: .scalar(.init(value: name, style: .plain, mapping: .identity)), range: pair.key.range), what: "field name") != nil else { continue }
      guard let (type, opt) = fieldType(pair.value, context: "\(context).\(name)") else { continue }
      out.append(Policy.Field(name: name, type: type, optional: optional || opt, range: pair.key.range))
    }
    return out
  }

  static let fieldSpecKeys = ["type", "optional", "enum", "list", "description", "fields"]

  /// A field's type: a type string, `{enum: [...]}`, `{list: <type>}`, `{type: ..., optional: ...}`,
  /// or a mapping of nested fields.
  mutating func fieldType(_ node: YAMLNode, context: String) -> (Policy.FieldType, Bool)? {
    if let s = node.scalar {
      var text = s.value.trimmingCharacters(in: .whitespaces)
      var optional = false
      if text.hasSuffix("?") { text.removeLast(); optional = true }
      guard let t = Self.parseType(text) else {
        let names = ["string", "bool", "int", "uint", "double", "decimal", "timestamp", "duration", "dyn", "bytes"]
        let hint = closestName(text, among: names).map { "did you mean '\($0)'?" } ?? "use one of: \(names.joined(separator: ", ")), list(T), map(K, V)"
        error(.policyInvalidType, "unknown type '\(text)' for \(context)", node.range, hint: hint)
        return nil
      }
      return (.scalar(t), optional)
    }
    guard let pairs = node.mapping else {
      error(.policyInvalidType, "type of \(context) must be a type name or a mapping", node.range)
      return nil
    }
    let keys = pairs.compactMap { $0.key.scalar?.value }
    // The long form names its parts (`{type: ..., optional: true}`, `{fields: {...}, optional: true}`);
    // any other mapping is a nested record whose keys are field names.
    // A mapping with `type`, `enum`, `list` or `fields` is a field spec (its other keys must be
    // spec keys); a nested record with a field literally named `type` uses `fields:`.
    let isSpec = keys.contains { ["type", "enum", "list", "fields"].contains($0) }
    guard isSpec else { return (.record(recordFields(node, context: context)), false) }
    let f = self.keys(node, Self.fieldSpecKeys, context: context) ?? [:]
    let optional = f["optional"]?.bool ?? false
    if let e = f["enum"] {
      guard let values = stringList(e, what: "enum of \(context)"), !values.isEmpty else { return nil }
      return (.enumeration(values), optional)
    }
    if let l = f["list"] {
      guard let (elem, _) = fieldType(l, context: "\(context)[]") else { return nil }
      return (.list(elem), optional)
    }
    if let fields = f["fields"] { return (.record(recordFields(fields, context: context)), optional) }
    if let t = f["type"] {
      guard let (type, opt) = fieldType(t, context: context) else { return nil }
      return (type, optional || opt)
    }
    error(.policyInvalidType, "type of \(context) needs 'type', 'enum', 'list' or 'fields'", node.range)
    return nil
  }

  /// Parses `int`, `list(string)`, `map(string, decimal)` and the other type names of inputs.
  static func parseType(_ text: String) -> CELType? {
    let t = text.trimmingCharacters(in: .whitespaces)
    switch t {
    case "string": return .string
    case "bool": return .bool
    case "int": return .int
    case "uint": return .uint
    case "double": return .double
    case "decimal": return .decimal
    case "timestamp": return .timestamp
    case "duration": return .duration
    case "bytes": return .bytes
    case "dyn", "any": return .dyn
    default: break
    }
    guard t.hasSuffix(")"), let open = t.firstIndex(of: "(") else { return nil }
    let head = t[..<open]
    let inner = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
    switch head {
    case "list": return parseType(inner).map { .list($0) }
    case "map":
      var depth = 0
      for (i, c) in inner.enumerated() {
        if c == "(" { depth += 1 } else if c == ")" { depth -= 1 } else if c == ",", depth == 0 {
          let k = String(inner.prefix(i)), v = String(inner.dropFirst(i + 1))
          guard let kt = parseType(k), let vt = parseType(v) else { return nil }
          return .map(kt, vt)
        }
      }
      return nil
    default: return nil
    }
  }

  // MARK: Constants

  mutating func constants(_ node: YAMLNode) -> [Policy.Constant] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "constants must be a mapping of names to values", node.range)
      return []
    }
    var out: [Policy.Constant] = []
    for pair in pairs {
      guard let name = variableName(pair.key, what: "constant name") else { continue }
      if let (value, type) = constantValue(pair.value, context: "constant '\(name)'") {
        out.append(Policy.Constant(name: name, value: value, type: type, range: pair.key.range))
      }
    }
    return out
  }

  /// A literal value typed from its YAML form: numbers with a fraction are exact decimals.
  mutating func constantValue(_ node: YAMLNode, context: String) -> (Value, CELType)? {
    switch node.kind {
    case .scalar(let s):
      switch node.resolved {
      case .null: return (.null, .null)
      case .bool(let b): return (.bool(b), .bool)
      case .int(let i): return (.int(Int64(i)), .int)
      case .float:
        guard let d = DecimalNumber(parsing: s.value) else {
          error(.policyInvalidValue, "\(context) '\(s.value)' is not a finite decimal number", node.range)
          return nil
        }
        return (.decimal(d), .decimal)
      default:
        if s.style == .plain, node.tag == nil, let d = Self.percent(s.value) { return (.decimal(d), .decimal) }
        if s.style == .plain, node.tag == nil, s.value.hasSuffix("%") {
          error(.policyInvalidValue, "\(context) '\(s.value)' is not a percentage", node.range,
                hint: "write a percentage as a number followed by %, such as 5.2% (the decimal 0.052), or quote it for a string")
          return nil
        }
        return (.string(s.value), .string)
      }
    case .sequence(let items):
      var values: [Value] = []
      var elem: CELType? = nil
      for item in items {
        guard let (v, t) = constantValue(item, context: context) else { return nil }
        values.append(v)
        elem = elem == nil || elem == t ? t : .dyn
      }
      return (.list(values), .list(elem ?? .dyn))
    case .mapping(let pairs):
      let keys = pairs.compactMap { $0.key.scalar?.value }
      if Set(keys).isSubset(of: ["type", "value"]), keys.contains("type"), let tn = node["type"], let vn = node["value"] {
        return typedConstant(tn, vn, context: context)
      }
      var ks: [Value] = [], vs: [Value] = []
      var vt: CELType? = nil
      for pair in pairs {
        guard let k = pair.key.scalar?.value, let (v, t) = constantValue(pair.value, context: context) else { return nil }
        ks.append(.string(k)); vs.append(v)
        vt = vt == nil || vt == t ? t : .dyn
      }
      return (.map(MapValue(uncheckedKeys: ks, values: vs)), .map(.string, vt ?? .dyn))
    }
  }

  /// A percentage written as a plain number followed by `%` (`5.2%`, `-0.25%`, `12%`): the
  /// exact decimal a hundredth of it (`0.052`, keeping the digits as written), or `nil`.
  static func percent(_ text: String) -> DecimalNumber? {
    guard text.hasSuffix("%") else { return nil }
    let number = text.dropLast()
    // Digits with an optional sign and fraction only: no exponent, no spaces, no second `%`.
    guard number.contains(where: \.isNumber), number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }) else { return nil }
    return DecimalNumber(parsing: number + "e-2")
  }

  mutating func typedConstant(_ typeNode: YAMLNode, _ valueNode: YAMLNode, context: String) -> (Value, CELType)? {
    guard let tn = typeNode.scalar?.value, let type = Self.parseType(tn) else {
      error(.policyInvalidType, "unknown type for \(context)", typeNode.range)
      return nil
    }
    let text = valueNode.scalar?.value ?? ""
    let value: Value?
    switch type {
    case .double: value = valueNode.double.map { .double($0) }
    case .int: value = valueNode.int.map { .int(Int64($0)) }
    case .decimal: value = (DecimalNumber(parsing: text) ?? Self.percent(text)).map { .decimal($0) }
    case .string: value = .string(text)
    case .bool: value = valueNode.bool.map { .bool($0) }
    case .duration: value = (try? DurationValue(parsing: text)).map { .duration($0) }
    case .timestamp: value = (try? Timestamp(parsing: text)).map { .timestamp($0) }
    default: value = nil
    }
    guard let value else {
      error(.policyInvalidValue, "\(context) value '\(text)' is not a valid \(tn)", valueNode.range)
      return nil
    }
    return (value, type)
  }

  // MARK: Outputs

  /// Outputs: `name: expression`, or `name: {value: expression, when: approved}` for a value
  /// that belongs to approved decisions only (an advance, a fee).
  mutating func outputs(_ node: YAMLNode) -> [Policy.Named] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "outputs must be a mapping of names to expressions", node.range)
      return []
    }
    var out: [Policy.Named] = []
    for pair in pairs {
      guard let name = variableName(pair.key, what: "name in outputs") else { continue }
      guard pair.value.mapping != nil else {
        if let e = expression(pair.value, what: "outputs.\(name)") { out.append(Policy.Named(name: name, expression: e, range: pair.key.range)) }
        continue
      }
      guard let f = keys(pair.value, ["value", "when", "description"], required: ["value"], context: "output '\(name)'"),
        let valueNode = f["value"], let e = expression(valueNode, what: "outputs.\(name)")
      else { continue }
      var named = Policy.Named(name: name, expression: e, range: pair.key.range)
      if let w = f["when"] {
        guard w.scalar?.value == "approved" else {
          error(.policyInvalidValue, "when of output '\(name)' must be 'approved'", w.range,
                hint: "an output with when: approved is computed and reported only for approved decisions; leave when out for every decision")
          continue
        }
        named.approvedOnly = true
      }
      out.append(named)
    }
    return out
  }

  // MARK: Named expressions, files, regions

  mutating func namedExpressions(_ node: YAMLNode, context: String) -> [Policy.Named] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "\(context) must be a mapping of names to expressions", node.range)
      return []
    }
    return pairs.compactMap { pair in
      guard let name = variableName(pair.key, what: "name in \(context)"),
        let e = expression(pair.value, what: "\(context).\(name)")
      else { return nil }
      return Policy.Named(name: name, expression: e, range: pair.key.range)
    }
  }

  mutating func references(_ node: YAMLNode, context: String) -> [Policy.Reference] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "\(context) must be a mapping of ids to file paths", node.range)
      return []
    }
    return pairs.compactMap { pair in
      guard let id = identifier(pair.key, what: "\(context) id"), let path = string(pair.value, what: "path") else { return nil }
      return Policy.Reference(id: id, path: path, range: pair.value.range)
    }
  }

  mutating func regions(_ node: YAMLNode) -> [Policy.Region] {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "regions must be a mapping of ids to shapes", node.range)
      return []
    }
    var out: [Policy.Region] = []
    for pair in pairs {
      guard let id = identifier(pair.key, what: "region id"),
        let f = keys(pair.value, ["box", "polygon", "geojson"], context: "region '\(id)'")
      else { continue }
      if f.count > 1 {
        error(.policyInvalidValue, "region '\(id)' has \(f.keys.sorted().joined(separator: " and ")); a region has one shape", pair.value.range)
        continue
      }
      func outOfRange(_ lon: Double, _ lat: Double) -> Bool { !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) }
      if let b = f["box"] {
        let xs = (b.sequence ?? []).compactMap(\.double)
        guard xs.count == 4, xs[0] <= xs[2], xs[1] <= xs[3] else {
          error(.policyInvalidValue, "box of region '\(id)' must be [min_lon, min_lat, max_lon, max_lat]", b.range)
          continue
        }
        if outOfRange(xs[0], xs[1]) || outOfRange(xs[2], xs[3]) {
          error(.policyInvalidValue, "box of region '\(id)' is outside longitude -180...180 or latitude -90...90", b.range,
                hint: "coordinates are [longitude, latitude], as in GeoJSON")
          continue
        }
        out.append(.init(id: id, shape: .box(minLon: xs[0], minLat: xs[1], maxLon: xs[2], maxLat: xs[3]), range: pair.key.range))
      } else if let p = f["polygon"] {
        let points = (p.sequence ?? []).compactMap { pt -> (lon: Double, lat: Double)? in
          let c = (pt.sequence ?? []).compactMap(\.double)
          return c.count == 2 ? (c[0], c[1]) : nil
        }
        guard points.count >= 3, points.count == p.sequence?.count else {
          error(.policyInvalidValue, "polygon of region '\(id)' must list at least 3 [lon, lat] points", p.range)
          continue
        }
        if points.contains(where: { outOfRange($0.lon, $0.lat) }) {
          error(.policyInvalidValue, "polygon of region '\(id)' has a point outside longitude -180...180 or latitude -90...90", p.range,
                hint: "coordinates are [longitude, latitude], as in GeoJSON")
          continue
        }
        out.append(.init(id: id, shape: .polygon(points), range: pair.key.range))
      } else if let g = f["geojson"], let path = string(g, what: "geojson path") {
        out.append(.init(id: id, shape: .geojson(path: path), range: g.range))
      } else {
        error(.policyInvalidValue, "region '\(id)' needs 'box', 'polygon' or 'geojson'", pair.value.range)
      }
    }
    return out
  }
}
