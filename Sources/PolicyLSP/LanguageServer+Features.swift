import PolicyExpr

extension LanguageServer {
  // MARK: Diagnostics

  /// `textDocument/publishDiagnostics` with the loader's diagnostics, sorted and capped as
  /// `proviso check` prints them.
  func publishDiagnostics(_ document: PolicyDocument) -> [UInt8] {
    let sorted = DiagnosticRenderer.sorted(document.diagnostics)
    var items = sorted.prefix(limits.maxDiagnostics).map { diagnosticJSON($0, document) }
    if sorted.count > limits.maxDiagnostics {
      items.append(.record([
        "range": document.index.rangeJSON(0, 0), "severity": .int(3), "source": .string("proviso"),
        "message": .string("\(sorted.count - limits.maxDiagnostics) more errors were truncated"),
      ]))
    }
    return Outgoing.notification("textDocument/publishDiagnostics", .record([
      "uri": .string(document.uri), "version": .int(document.version), "diagnostics": .array(items),
    ]))
  }

  /// One LSP `Diagnostic`. An empty range is widened to the character it points at, so editors
  /// underline something; a diagnostic about another file sits at the top, naming its location.
  func diagnosticJSON(_ d: Diagnostic, _ document: PolicyDocument) -> JSONValue {
    let severity = switch d.severity { case .error: 1; case .warning: 2; case .note: 3 }
    var message = d.message
    if let hint = d.hint { message += "\nhint: \(hint)" }
    var start = Int(d.range.start), end = Int(d.range.end)
    if let file = d.file, file.path != PolicyDocument.location(of: document.uri).path {
      message = "\(file.path):\(file.location(of: d.range.start)): \(message)"
      start = 0; end = 0
    } else if end <= start {
      let line = document.index.position(of: start).line
      let lineEnd = document.index.lineEnd(line)
      if start < lineEnd {
        end = start + 1
        while end < lineEnd, document.bytes[end] & 0xC0 == 0x80 { end += 1 }
      }
    }
    return .record([
      "range": document.index.rangeJSON(start, end), "severity": .int(severity), "code": .string(d.code.rawValue),
      "source": .string("proviso"), "message": .string(message),
    ])
  }

  // MARK: Hover and definition

  /// The symbol at `offset`: a name inside an expression, or a declaring key; a region id in a
  /// string literal or an input's `enum:` list.
  func symbol(at offset: Int, in document: PolicyDocument) -> (Symbol, Range<Int>)? {
    guard document.symbolsAreCurrent, let root = document.root, let place = DocumentPlace.find(Int32(clamping: offset), in: root) else { return nil }
    let symbols = document.symbols
    switch place.role(at: offset, bytes: document.bytes) {
    case .declaration(let name):
      let r = Int(place.node.range.start)..<Int(place.node.range.end)
      if let s = symbols.resolve(name) ?? symbols.regions[name] { return (s, r) }
      return nil
    case .expression:
      if let name = NameAtCursor.at(offset, in: document.bytes) {
        if let s = symbols.resolve(name.dotted) { return (s, name.range) }
        if let f = Self.function(name, symbols, document.bytes) { return f }
      }
      return regionInString(at: offset, document)
    case .enumValue:
      guard let id = place.node.scalar?.value, let s = symbols.regions[id] else { return nil }
      return (s, Int(place.node.range.start)..<Int(place.node.range.end))
    case .other:
      return nil
    }
  }

  /// A function name under the cursor, extended past the cursor's segment (`geo.inside` when the
  /// cursor is on `geo`).
  private static func function(_ name: NameAtCursor, _ symbols: SymbolTable, _ bytes: [UInt8]) -> (Symbol, Range<Int>)? {
    var end = name.range.upperBound
    while end < bytes.count, NameAtCursor.isNameByte(bytes[end]) || bytes[end] == 0x2E { end += 1 }
    let whole = String(decoding: bytes[name.range.lowerBound..<end], as: UTF8.self)
    if let f = symbols.functions[whole] { return (f, name.range.lowerBound..<end) }
    // A method call: `x.getHours()` names `getHours`.
    if name.dotted.contains("."), let last = name.dotted.split(separator: ".").last, let f = symbols.functions[String(last)] {
      return (f, (name.range.upperBound - last.utf8.count)..<name.range.upperBound)
    }
    return nil
  }

  private func regionInString(at offset: Int, _ document: PolicyDocument) -> (Symbol, Range<Int>)? {
    guard let id = NameAtCursor.regionToken(at: offset, in: document.bytes), let s = document.symbols.regions[id] else { return nil }
    let bytes = document.bytes
    guard let start = bytes[..<min(offset, bytes.count)].lastIndex(where: { !(NameAtCursor.isNameByte($0) || $0 == 0x2D) }),
      bytes[start] == 0x22 || bytes[start] == 0x27
    else { return nil }
    return (s, (start + 1)..<(start + 1 + id.utf8.count))
  }

  /// `textDocument/hover`: the symbol's kind, name and type, its description, and its value,
  /// expression or overloads.
  func hover(_ document: PolicyDocument, _ offset: Int) -> JSONValue {
    guard let (s, range) = symbol(at: offset, in: document) else { return .null }
    return .record([
      "contents": .record(["kind": .string("markdown"), "value": .string(Self.hoverText(s))]),
      "range": document.index.rangeJSON(range.lowerBound, range.upperBound),
    ])
  }

  /// The Markdown shown on hover.
  static func hoverText(_ s: Symbol) -> String {
    var text = "\(s.kind.rawValue) `\(s.name)`"
    if let type = s.type, s.kind != .function { text += ": `\(type)`" }
    if s.kind == .constant, let value = s.detail { text += " = `\(value)`" }
    if let d = s.description { text += "\n\n" + d }
    switch s.kind {
    case .let, .output:
      if let e = s.detail { text += "\n\n```\n\(e)\n```" }
    case .table, .region, .function:
      if let e = s.detail { text += "\n\n```\n\(e)\n```" }
    case .input, .field:
      if let e = s.detail { text += "\n\n" + e }
    default: break
    }
    return text
  }

  /// `textDocument/definition`: the declaring key of a let, table, constant, region, input,
  /// field or output.
  func definition(_ document: PolicyDocument, _ offset: Int) -> JSONValue {
    guard let (s, _) = symbol(at: offset, in: document), let d = s.declaration,
      Int(d.end) <= document.bytes.count
    else { return .null }
    return .record(["uri": .string(document.uri), "range": document.index.rangeJSON(Int(d.start), Int(d.end))])
  }

  // MARK: Completion

  /// `textDocument/completion` inside an expression: fields after an input record and `.`,
  /// functions after a namespace (`geo.`), methods after any other value, else every name and
  /// global function.
  func completion(_ document: PolicyDocument, _ offset: Int) -> JSONValue {
    if let root = document.root, let place = DocumentPlace.find(Int32(clamping: offset), in: root),
      place.role(at: offset, bytes: document.bytes) != .expression
    {
      // A test input, a description, an id: nothing to complete. (An empty value is not a
      // scalar containing the cursor, so `when: ` still completes.)
      if !(place.node.scalar?.value.isEmpty ?? false) { return .record(["isIncomplete": .bool(false), "items": .array([])]) }
    }
    let symbols = document.symbols
    let (qualifier, partial, partialStart) = NameAtCursor.prefix(before: offset, in: document.bytes)
    let hasDot = partialStart > 0 && partialStart <= document.bytes.count && document.bytes[partialStart - 1] == 0x2E
    let items: [Symbol]
    if !hasDot {
      items = Array(symbols.names.values) + symbols.functions.values.filter { $0.type != "method" }
    } else if let record = symbols.resolve(qualifier), let fields = symbols.fields[record.name] {
      items = fields
    } else {
      let namespaced = symbols.functions.values.filter { !qualifier.isEmpty && $0.name.hasPrefix(qualifier + ".") }
      items = namespaced.isEmpty ? symbols.functions.values.filter { $0.type != "function" } : namespaced
    }
    let lead = hasDot && !qualifier.isEmpty ? qualifier + "." : ""
    let matching = items.map { s -> (String, Symbol) in
      let label = s.name.hasPrefix(lead) ? String(s.name.dropFirst(lead.count)) : s.name
      return (label, s)
    }.filter { $0.0.hasPrefix(partial) }.sorted { $0.0 < $1.0 }
    let capped = matching.prefix(bounds.maxCompletionItems)
    return .record([
      "isIncomplete": .bool(matching.count > capped.count),
      "items": .array(capped.map { label, s in
        var fields: [(String, JSONValue)] = [("label", .string(label)), ("kind", .int(Self.completionKind(s.kind)))]
        if let type = s.type { fields.append(("detail", .string(type))) }
        let doc = Self.hoverText(s)
        fields.append(("documentation", .record(["kind": .string("markdown"), "value": .string(doc)])))
        return .object(JSONObject(keys: fields.map(\.0), values: fields.map(\.1)))
      }),
    ])
  }

  /// LSP `CompletionItemKind` numbers.
  static func completionKind(_ kind: Symbol.Kind) -> Int {
    switch kind {
    case .function: 3
    case .field: 5
    case .input, .let, .output, .variable: 6
    case .table: 7
    case .region: 18
    case .constant: 21
    }
  }
}
