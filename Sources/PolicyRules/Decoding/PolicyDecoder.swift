import PolicyExpr
import PolicyYAML

/// Decodes a YAML document into a ``Policy``, collecting every error.
public struct PolicyDecoder {
  let file: SourceFile
  var diagnostics: [Diagnostic] = []
  /// Stream tests (`steps:`) found in `tests:`, for ``StreamSpec/tests``.
  var streamTests: [StreamTest] = []

  /// Decodes `document`; returns `nil` only when the top level is not usable at all.
  public static func decode(_ document: YAMLDocument) -> (Policy?, [Diagnostic]) {
    var decoder = PolicyDecoder(file: document.file)
    guard let root = document.root else {
      decoder.error(.policyMissingKey, "policy file is empty", SourceRange(at: 0), hint: "start with 'policy: <id>'")
      return (nil, decoder.diagnostics)
    }
    let policy = decoder.policy(root)
    return (policy, decoder.diagnostics)
  }

  mutating func error(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, hint: String? = nil) {
    diagnostics.append(Diagnostic(.error, code: code, message: message, range: range, file: file, hint: hint))
  }

  mutating func warning(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, hint: String? = nil) {
    diagnostics.append(Diagnostic(.warning, code: code, message: message, range: range, file: file, hint: hint))
  }

  static let topLevelKeys = ["policy", "description", "inputs", "constants", "let", "models", "regions", "checks", "tables", "rules", "alerts", "outputs", "tests", "limits", "fixtures", "stream", "data"]

  mutating func policy(_ root: YAMLNode) -> Policy? {
    guard let fields = keys(root, Self.topLevelKeys, required: ["policy"], context: "policy") else { return nil }
    var p = Policy(id: "", inputs: [], constants: [], lets: [], models: [], regions: [], checks: [], tables: [], rules: [], alerts: [], outputs: [], tests: [], file: file)
    if let n = fields["policy"], let id = identifier(n, what: "policy id") { p.id = id }
    p.description = fields["description"].flatMap { string($0, what: "description") }
    if let n = fields["inputs"] {
      p.inputs = recordFields(n, context: "inputs")
      if let now = p.inputs.first(where: { $0.name == "now" }) {
        error(.policyInvalidValue, "'now' is reserved: it is the evaluation time, given in the input document or with --now", now.range,
              hint: "remove the input 'now' and read the time as 'now' (a timestamp)")
        p.inputs.removeAll { $0.name == "now" }
      }
      if let explain = p.inputs.first(where: { $0.name == "explain" }) {
        error(.policyInvalidValue, "'explain' is reserved: an input document sets it to ask for a trace", explain.range)
        p.inputs.removeAll { $0.name == "explain" }
      }
    }
    if let n = fields["constants"] { p.constants = constants(n) }
    if let n = fields["let"] { p.lets = namedExpressions(n, context: "let") }
    if let n = fields["models"] { p.models = references(n, context: "models") }
    if let n = fields["regions"] { p.regions = regions(n) }
    if let n = fields["checks"] { p.checks = list(n, context: "checks") { $0.check($1) } }
    if let n = fields["tables"] { p.tables = list(n, context: "tables") { $0.table($1) } }
    if let n = fields["rules"] { p.rules = list(n, context: "rules") { $0.rule($1) } }
    if let n = fields["alerts"] { p.alerts = list(n, context: "alerts") { $0.alert($1) } }
    if let n = fields["outputs"] { p.outputs = outputs(n) }
    if let n = fields["tests"] { p.tests = list(n, context: "tests") { $0.testCase($1) } }
    p.fixtures = fixtures(fields["fixtures"]); p.tests = p.tests.map { extend($0, from: p.fixtures) }
    if let n = fields["limits"] { p.limits = evaluationLimits(n) }
    streamSections(fields, into: &p)
    uniqueIDs(p)
    return p
  }

  mutating func uniqueIDs(_ p: Policy) {
    var seen: [String: SourceRange] = [:]
    func note(_ kind: String, _ id: String, _ range: SourceRange, into d: inout PolicyDecoder) {
      let key = "\(kind):\(id)"
      if let first = seen[key] {
        let line = d.file.location(of: first.start).line
        d.error(.policyDuplicateID, "duplicate \(kind) id '\(id)'", range, hint: "the first is on line \(line)")
      } else {
        seen[key] = range
      }
    }
    for c in p.checks { note("check", c.id, c.range, into: &self) }
    for t in p.tables { note("table", t.id, t.range, into: &self) }
    for r in p.rules { note("rule", r.id, r.range, into: &self) }
    for a in p.alerts { note("alert", a.id, a.range, into: &self) }
    for t in p.tests { note("test", t.name, t.range, into: &self) }
    // Names share one namespace: inputs, constants, lets, tables and outputs are all variables.
    var names: [String: (String, SourceRange)] = [:]
    func name(_ kind: String, _ n: String, _ range: SourceRange, into d: inout PolicyDecoder) {
      if let (otherKind, first) = names[n] {
        let line = d.file.location(of: first.start).line
        d.error(.policyDuplicateID, "\(kind) '\(n)' has the same name as the \(otherKind) on line \(line)", range)
      } else {
        names[n] = (kind, range)
      }
    }
    for i in p.inputs { name("input", i.name, i.range, into: &self) }
    for c in p.constants { name("constant", c.name, c.range, into: &self) }
    for l in p.lets { name("let", l.name, l.range, into: &self) }
    var tableNames = Set<String>()
    for t in p.tables where tableNames.insert(t.variableName).inserted { name("table", t.variableName, t.range, into: &self) }
    for o in p.outputs { name("output", o.name, o.range, into: &self) }
  }

  // MARK: Generic shapes

  /// The mapping's values by key, reporting unknown keys (with "did you mean") and missing ones.
  mutating func keys(_ node: YAMLNode, _ allowed: [String], required: [String] = [], context: String) -> [String: YAMLNode]? {
    guard let pairs = node.mapping else {
      error(.policyInvalidValue, "\(context) must be a mapping, found a \(node.kindName)", node.range)
      return nil
    }
    var out: [String: YAMLNode] = [:]
    for pair in pairs {
      guard let key = pair.key.scalar?.value else { continue }
      if allowed.contains(key) {
        out[key] = pair.value
      } else {
        let hint = closestName(key, among: allowed).map { "did you mean '\($0)'?" } ?? "allowed keys: \(allowed.joined(separator: ", "))"
        error(.policyUnknownKey, "unknown key '\(key)' in \(context)", pair.key.range, hint: hint)
      }
    }
    for key in required where out[key] == nil {
      error(.policyMissingKey, "\(context) is missing required key '\(key)'", node.range)
    }
    return out
  }

  mutating func list<T>(_ node: YAMLNode, context: String, _ each: (inout PolicyDecoder, YAMLNode) -> T?) -> [T] {
    guard let items = node.sequence else {
      error(.policyInvalidValue, "\(context) must be a list, found a \(node.kindName)", node.range, hint: "start each entry with '- '")
      return []
    }
    return items.compactMap { each(&self, $0) }
  }

  mutating func string(_ node: YAMLNode, what: String) -> String? {
    guard let s = node.scalar, node.tag == nil || node.tag == "tag:yaml.org,2002:str" else {
      error(.policyInvalidValue, "\(what) must be a string, found a \(node.kindName)", node.range)
      return nil
    }
    return s.value
  }

  /// An id: a string of letters, digits, `-` and `_`; a plain number is rejected with a hint.
  mutating func identifier(_ node: YAMLNode, what: String) -> String? {
    guard let s = node.scalar else {
      error(.policyInvalidValue, "\(what) must be a string, found a \(node.kindName)", node.range)
      return nil
    }
    if node.isPlainNumberLike {
      error(.policyInvalidValue, "\(what) '\(s.value)' is read as a number", node.range, hint: "quote it: \"\(s.value)\"")
      return nil
    }
    let ok = !s.value.isEmpty && s.value.utf8.allSatisfy { c in
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46
    }
    if !ok {
      error(.policyInvalidValue, "\(what) '\(s.value)' may contain only letters, digits, '-', '_' and '.'", node.range)
      return nil
    }
    return s.value
  }

  /// A CEL identifier for names used inside expressions.
  mutating func variableName(_ node: YAMLNode, what: String) -> String? {
    guard let s = node.scalar?.value else { return nil }
    let bytes = Array(s.utf8)
    let ok = !bytes.isEmpty && !(bytes[0] >= 48 && bytes[0] <= 57) && bytes.allSatisfy { c in
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
    }
    if !ok {
      error(.policyInvalidValue, "\(what) '\(s)' is not a valid name", node.range, hint: "use letters, digits and '_', starting with a letter")
      return nil
    }
    return s
  }

  /// An expression scalar; non-scalars and tagged scalars get a clear message.
  mutating func expression(_ node: YAMLNode, what: String) -> ExpressionSource? {
    guard let s = node.scalar else {
      error(.policyInvalidValue, "\(what) must be an expression, found a \(node.kindName)", node.range,
            hint: node.mapping != nil ? "an unquoted ': ' starts a mapping; quote the expression" : "quote the expression")
      return nil
    }
    if let tag = node.tag, !tag.hasPrefix("tag:yaml.org,2002:") {
      error(.policyInvalidValue, "'\(tag)' is read as a YAML tag, not as the expression", node.range, hint: "quote the expression: \"\(tag) \(s.value)\"")
      return nil
    }
    return ExpressionSource(text: s.value, mapping: s.mapping, range: node.range)
  }

  /// A text with `${expr}` placeholders.
  mutating func template(_ node: YAMLNode, what: String) -> Template? {
    guard let s = node.scalar else {
      error(.policyInvalidValue, "\(what) must be a string, found a \(node.kindName)", node.range)
      return nil
    }
    var parts: [Template.Part] = []
    let bytes = Array(s.value.utf8)
    var i = 0, textStart = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "$"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{") {
        guard let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
          error(.policyInvalidValue, "unterminated '${' in \(what)", SourceRange(at: s.mapping.fileOffset(Int32(i))))
          return nil
        }
        if textStart < i { parts.append(.text(String(decoding: bytes[textStart..<i], as: UTF8.self))) }
        let inner = String(decoding: bytes[(i + 2)..<close], as: UTF8.self)
        var m = s.mapping
        if m.collapsedTo == nil { m = SourceMapping.contiguous(at: s.mapping.fileOffset(Int32(i + 2))) }
        parts.append(.expression(ExpressionSource(text: inner, mapping: m, range: node.range)))
        i = close + 1
        textStart = i
      } else {
        i += 1
      }
    }
    if textStart < bytes.count { parts.append(.text(String(decoding: bytes[textStart...], as: UTF8.self))) }
    return Template(parts: parts)
  }

  mutating func stringList(_ node: YAMLNode, what: String) -> [String]? {
    guard let items = node.sequence else {
      error(.policyInvalidValue, "\(what) must be a list", node.range)
      return nil
    }
    return items.compactMap { string($0, what: what) }
  }
}
