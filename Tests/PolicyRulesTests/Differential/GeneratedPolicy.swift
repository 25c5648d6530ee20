import Foundation

/// The model of one randomly generated policy: a tiny expression AST and the policy's parts, with
/// the rendering of both as the policy's YAML text. The differential test renders the same model a
/// second time with every named value inlined (``Inliner``).

/// The types the generator works with.
enum GType: Hashable, CustomStringConvertible {
  case int, bool, ints, strs, str

  var description: String {
    switch self {
    case .int: "int"
    case .bool: "bool"
    case .ints: "list(int)"
    case .strs: "list(string)"
    case .str: "string"
    }
  }

  /// The element type of a list type.
  var element: GType? {
    switch self {
    case .ints: .int
    case .strs: .str
    default: nil
    }
  }
}

/// A comprehension: `range.kind(vars..., [filter,] body)`.
struct GComprehension {
  /// `all`, `exists`, `exists_one`, `map`, `filter` or `transformList`.
  var kind: String
  var range: GExpr
  /// One name, or two (index, value) for the two-variable forms.
  var vars: [String]
  /// The filter of `map(x, filter, body)` and `transformList(i, v, filter, body)`.
  var filter: GExpr?
  var body: GExpr
}

/// A generated expression.
indirect enum GExpr {
  case int(Int64)
  case bool(Bool)
  case string(String)
  /// `record.field` of an input.
  case field(String, String)
  /// A named value: a let, a table (by its variable name) or an output.
  case ref(String)
  /// A comprehension variable.
  case local(String)
  /// `?` in a table cell.
  case cell
  case not(GExpr)
  /// A binary operator (`+`, `/`, `<`, `&&`, `in`, ...).
  case binary(String, GExpr, GExpr)
  case cond(GExpr, GExpr, GExpr)
  case size(GExpr)
  case index(GExpr, GExpr)
  case list([GExpr])
  case startsWith(GExpr, String)
  case comprehension(GComprehension)

  /// The names of the named values it refers to.
  func references(into names: inout Set<String>) {
    switch self {
    case .ref(let n): names.insert(n)
    case .int, .bool, .string, .field, .local, .cell: break
    case .not(let e), .size(let e), .startsWith(let e, _): e.references(into: &names)
    case .binary(_, let a, let b), .index(let a, let b): a.references(into: &names); b.references(into: &names)
    case .cond(let a, let b, let c): a.references(into: &names); b.references(into: &names); c.references(into: &names)
    case .list(let xs): for x in xs { x.references(into: &names) }
    case .comprehension(let c):
      c.range.references(into: &names); c.filter?.references(into: &names); c.body.references(into: &names)
    }
  }

  /// The expression with each named value `n` replaced by `f(n)`.
  func replacingReferences(_ f: (String) -> GExpr) -> GExpr {
    func r(_ e: GExpr) -> GExpr { e.replacingReferences(f) }
    switch self {
    case .ref(let n): return f(n)
    case .int, .bool, .string, .field, .local, .cell: return self
    case .not(let e): return .not(r(e))
    case .size(let e): return .size(r(e))
    case .startsWith(let e, let p): return .startsWith(r(e), p)
    case .binary(let op, let a, let b): return .binary(op, r(a), r(b))
    case .index(let a, let b): return .index(r(a), r(b))
    case .cond(let a, let b, let c): return .cond(r(a), r(b), r(c))
    case .list(let xs): return .list(xs.map(r))
    case .comprehension(var c):
      c.range = r(c.range)
      c.filter = c.filter.map(r)
      c.body = r(c.body)
      return .comprehension(c)
    }
  }

  /// Whether it contains a comprehension.
  var hasComprehension: Bool {
    switch self {
    case .comprehension: true
    case .int, .bool, .string, .field, .ref, .local, .cell: false
    case .not(let e), .size(let e), .startsWith(let e, _): e.hasComprehension
    case .binary(_, let a, let b), .index(let a, let b): a.hasComprehension || b.hasComprehension
    case .cond(let a, let b, let c): a.hasComprehension || b.hasComprehension || c.hasComprehension
    case .list(let xs): xs.contains { $0.hasComprehension }
    }
  }
}

/// How a rendering spells what differs between the policy text and the inlined text.
struct RenderContext {
  /// The text of a named value.
  var ref: (String) -> String
  /// The text of `?`.
  var cell: String = "?"
  /// A name for a comprehension variable bound here (the policy keeps its name; inlining renames).
  var bind: (String) -> String = { $0 }
}

/// Renders an expression as CEL text; every compound is parenthesized, and `:` of a ternary is
/// never followed by a space, so the text is also a valid plain YAML scalar (an `=expr` cell).
func render(_ e: GExpr, _ ctx: RenderContext, _ scope: [String: String] = [:]) -> String {
  func r(_ x: GExpr) -> String { render(x, ctx, scope) }
  switch e {
  case .int(let i): return i < 0 ? "(\(i))" : "\(i)"
  case .bool(let b): return b ? "true" : "false"
  case .string(let s): return "\"\(s)\""
  case .field(let record, let field): return "\(record).\(field)"
  case .ref(let name): return ctx.ref(name)
  case .local(let name): return scope[name] ?? name
  case .cell: return ctx.cell
  case .not(let x): return "!(\(r(x)))"
  case .binary(let op, let a, let b): return "(\(r(a)) \(op) \(r(b)))"
  case .cond(let c, let a, let b): return "(\(r(c)) ? \(r(a)) :\(r(b)))"
  case .size(let x): return "size(\(r(x)))"
  case .index(let a, let i): return "\(r(a))[\(r(i))]"
  case .list(let xs): return "[" + xs.map(r).joined(separator: ", ") + "]"
  case .startsWith(let s, let prefix): return "\(r(s)).startsWith(\"\(prefix)\")"
  case .comprehension(let c):
    let range = r(c.range)
    var inner = scope
    var names: [String] = []
    for v in c.vars {
      let bound = ctx.bind(v)
      inner[v] = bound
      names.append(bound)
    }
    var args = names
    if let f = c.filter { args.append(render(f, ctx, inner)) }
    args.append(render(c.body, ctx, inner))
    return "\(range).\(c.kind)(\(args.joined(separator: ", ")))"
  }
}

/// A message with `${expr}` placeholders.
struct GTemplate {
  enum Part { case text(String), expression(GExpr) }
  var parts: [Part]
}

/// One input cell of a table.
indirect enum GCell {
  case any
  /// `< 3`, `>= 2`, `!= 0`, `= 1`.
  case compare(String, Int64)
  /// `[1..4)`.
  case interval(Int64, Bool, Int64, Bool)
  /// A bare YAML integer: an equality test.
  case bare(Int64)
  case not(GCell)
  /// An expression over `?`.
  case expression(GExpr)
}

/// One output cell of a table.
enum GOutputCell {
  case constant(Int64)
  /// `=expr`.
  case expression(GExpr)
}

/// A decision table with int columns (or list columns tested by `?` expressions) and one int output.
struct GTable {
  var id: String
  /// `first`, `unique`, `collect`, `collect_count` or `collect_sum`.
  var hit: String
  var columns: [GExpr]
  var columnTypes: [GType]
  var rows: [(cells: [GCell], output: GOutputCell)]
  var defaultValue: Int64?

  /// The variable expressions use for it.
  var variable: String { id.replacingOccurrences(of: "-", with: "_") }

  /// The type of its value.
  var type: GType { hit == "collect" ? .ints : .int }
}

/// A let, a table or an output, in rank order: each uses only values of lower rank.
struct GNamed {
  enum Kind { case `let`, table, output }
  var name: String
  var kind: Kind
  var type: GType
  var expression: GExpr?
  var table: GTable?
}

/// A generated policy.
struct GeneratedPolicy {
  var id: String
  var records: [(name: String, fields: [(name: String, type: GType)])]
  var named: [GNamed]
  /// Declaration order in the YAML (indices into ``named``), per section.
  var letOrder: [Int], tableOrder: [Int], outputOrder: [Int]
  var checks: [(id: String, when: GExpr?, require: GExpr, reason: GTemplate)]
  var rules: [(id: String, when: GExpr, sets: [(output: String, expression: GExpr)], reason: GTemplate?, decline: GTemplate?)]
  var alerts: [(id: String, when: GExpr, message: GTemplate)]

  /// The named value called `name`.
  func value(_ name: String) -> GNamed? { named.first { $0.name == name } }
}

extension GeneratedPolicy {
  /// The policy file.
  var yaml: String {
    let ctx = RenderContext(ref: { $0 })
    func quoted(_ s: String) -> String {
      "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    func expr(_ e: GExpr) -> String { quoted(render(e, ctx)) }
    func template(_ t: GTemplate) -> String {
      quoted(t.parts.map { part in
        switch part {
        case .text(let s): s
        case .expression(let e): "${" + render(e, ctx) + "}"
        }
      }.joined())
    }
    func cell(_ c: GCell) -> String {
      switch c {
      case .any: "\"-\""
      case .compare(let op, let k): "\"\(op) \(k)\""
      case .interval(let lo, let lc, let hi, let hc): "\"\(lc ? "[" : "(")\(lo)..\(hi)\(hc ? "]" : ")")\""
      case .bare(let k): "\(k)"
      case .not(let inner): "\"not(" + String(cell(inner).dropFirst().dropLast()) + ")\""
      case .expression(let e): quoted(render(e, ctx))
      }
    }
    var out = "policy: \(id)\ninputs:\n"
    for r in records {
      out += "  \(r.name): {" + r.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + "}\n"
    }
    if !letOrder.isEmpty {
      out += "let:\n"
      for i in letOrder { out += "  \(named[i].name): \(expr(named[i].expression!))\n" }
    }
    if !tableOrder.isEmpty {
      out += "tables:\n"
      for i in tableOrder {
        let t = named[i].table!
        out += "  - id: \(t.id)\n    hit: \(t.hit)\n"
        out += "    inputs: [" + t.columns.map(expr).joined(separator: ", ") + "]\n"
        out += "    outputs: [{name: v, type: int}]\n    rows:\n"
        for row in t.rows {
          for (k, c) in row.cells.enumerated() { out += (k == 0 ? "      - - " : "        - ") + cell(c) + "\n" }
          switch row.output {
          case .constant(let k): out += "        - \(k)\n"
          case .expression(let e): out += "        - =" + render(e, ctx) + "\n"
          }
        }
        if let d = t.defaultValue { out += "    default: [\(d)]\n" }
      }
    }
    if !checks.isEmpty {
      out += "checks:\n"
      for c in checks {
        out += "  - id: \(c.id)\n"
        if let w = c.when { out += "    when: \(expr(w))\n" }
        out += "    require: \(expr(c.require))\n    reason: \(template(c.reason))\n"
      }
    }
    if !outputOrder.isEmpty {
      out += "outputs:\n"
      for i in outputOrder { out += "  \(named[i].name): \(expr(named[i].expression!))\n" }
    }
    if !rules.isEmpty {
      out += "rules:\n"
      for r in rules {
        out += "  - id: \(r.id)\n    when: \(expr(r.when))\n"
        if !r.sets.isEmpty {
          out += "    set:\n"
          for s in r.sets { out += "      \(s.output): \(expr(s.expression))\n" }
        }
        if let reason = r.reason { out += "    reason: \(template(reason))\n" }
        if let decline = r.decline { out += "    decline: \(template(decline))\n" }
      }
    }
    if !alerts.isEmpty {
      out += "alerts:\n"
      for a in alerts { out += "  - id: \(a.id)\n    when: \(expr(a.when))\n    message: \(template(a.message))\n" }
    }
    return out
  }
}

extension GeneratedPolicy {
  /// The same policy with one first check per named value, in rank order, that computes it
  /// outside any loop or table: later uses then read the stored value. A disagreement that
  /// this removes comes from where a lazy value is first computed.
  func warmed(_ which: (GNamed) -> Bool = { _ in true }) -> GeneratedPolicy {
    var p = self
    p.checks = named.filter(which).map { n in
      ("warm-\(n.name)", nil, GExpr.binary("==", .size(.list([.ref(n.name)])), .int(1)), GTemplate(parts: [.text("warm")]))
    } + checks
    return p
  }
}
