import PolicyExpr
import PolicyYAML

extension PolicyCompiler {
  /// Parses an input cell: `-`, `< x`, `[a..b)`, `"A", "B"`, `not(...)`, or an expression over `?`.
  mutating func inputCell(_ node: YAMLNode, inputType: CELType, table: String, row: Int) -> CellTest? {
    guard let s = node.scalar else {
      error(.policyTableError, "a cell of table '\(table)' must be a scalar", node.range, hint: "quote the cell: \"< 0.02\"")
      return nil
    }
    if !s.style.isQuoted {
      switch node.resolved {
      case .int, .float, .bool:
        guard let v = literal(s.value, inputType: inputType, node: node, offset: 0) else { return nil }
        return .compare(.eq, v)
      case .null: return .any
      default: break
      }
    }
    return unaryTest(s.value, s, node: node, inputType: inputType, table: table)
  }

  mutating func unaryTest(_ raw: String, _ s: YAMLNode.Scalar, node: YAMLNode, inputType: CELType, table: String) -> CellTest? {
    let bytes = Array(raw.utf8)
    var lo = 0, hi = bytes.count
    while lo < hi, bytes[lo] == 32 { lo += 1 }
    while hi > lo, bytes[hi - 1] == 32 { hi -= 1 }
    let text = String(decoding: bytes[lo..<hi], as: UTF8.self)
    let base = Int32(lo) + offsetOf(raw, in: s)
    if text == "-" || text.isEmpty { return .any }
    if Self.hasPlaceholder(bytes[lo..<hi]) {
      // `?` is the column's value: it becomes the hidden variable `_` (same length, same positions).
      let replaced = String(decoding: bytes[lo..<hi].map { $0 == UInt8(ascii: "?") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
      let src = ExpressionSource(text: replaced, mapping: shifted(s.mapping, base), range: node.range)
      // `?` (the hidden `_`) has the column's type while this cell is checked.
      env.declare("_", inputType)
      defer { env.declare("_", .dyn) }
      guard let e = compile(src, expecting: .bool, what: "cell of table '\(table)'") else { return nil }
      return .expression(e)
    }
    if text.hasPrefix("not("), text.hasSuffix(")") {
      let inner = String(text.dropFirst(4).dropLast())
      return unaryTest(inner, s, node: node, inputType: inputType, table: table).map { .not(.init($0)) }
    }
    if let first = text.first, first == "[" || first == "(" || first == "]", let last = text.last, last == "]" || last == ")" || last == "[",
      let dots = text.range(of: "..")
    {
      let lowText = String(text[text.index(after: text.startIndex)..<dots.lowerBound])
      let highText = String(text[dots.upperBound..<text.index(before: text.endIndex)])
      let lowOffset = Int(base) + 1, highOffset = Int(base) + text.utf8.distance(from: text.startIndex, to: dots.upperBound)
      guard let low = literal(lowText, inputType: inputType, node: node, offset: lowOffset),
        let high = literal(highText, inputType: inputType, node: node, offset: highOffset)
      else { return nil }
      if let order = Value.compare(low, high), order > 0 {
        error(.policyTableError, "interval '\(text)' is empty: its low end is above its high end", node.range)
        return nil
      }
      return .interval(low: low, lowClosed: first == "[", high: high, highClosed: last == "]")
    }
    for op in ["<=", ">=", "!=", "==", "<", ">", "="] where text.hasPrefix(op) {
      let rest = String(text.dropFirst(op.count))
      guard let v = literal(rest, inputType: inputType, node: node, offset: Int(base) + op.count) else { return nil }
      let cmp: CellTest.Comparison = op == "==" ? .eq : CellTest.Comparison(rawValue: op)!
      return .compare(cmp, v)
    }
    // A list of values: the column matches any of them.
    let parts = Self.splitTopLevel(text)
    var values: [Value] = []
    var offset = Int(base)
    for part in parts {
      guard let v = literal(part, inputType: inputType, node: node, offset: offset) else { return nil }
      values.append(v)
      offset += part.utf8.count + 1
    }
    return values.count == 1 ? .compare(.eq, values[0]) : .oneOf(values)
  }

  /// The offset of `raw` inside the scalar (0: the cell's own text).
  func offsetOf(_ raw: String, in s: YAMLNode.Scalar) -> Int32 {
    if let r = s.value.range(of: raw) { return Int32(s.value.utf8.distance(from: s.value.startIndex, to: r.lowerBound)) }
    return 0
  }

  func shifted(_ m: SourceMapping, _ by: Int32) -> SourceMapping {
    if m.collapsedTo != nil { return m }
    return .contiguous(at: m.fileOffset(by))
  }

  /// A constant operand of a cell; a number next to a decimal column is taken exactly.
  mutating func literal(_ raw: String, inputType: CELType, node: YAMLNode, offset: Int) -> Value? {
    let text = raw.trimmingCharacters(in: .whitespaces)
    let lead = raw.utf8.count - raw.drop(while: { $0 == " " }).utf8.count
    guard let s = node.scalar else { return nil }
    let src = ExpressionSource(text: text, mapping: shifted(s.mapping, Int32(offset + lead)), range: node.range)
    if text.isEmpty {
      error(.policyTableError, "a cell operand is missing", node.range)
      return nil
    }
    guard let e = compile(src, what: "cell operand") else { return nil }
    guard let v = e.program.constantValue else {
      error(.policyTableError, "cell operand '\(text)' must be a constant; use an expression cell with '?' for computed tests", node.range,
            hint: "for example \"? > \(text)\"")
      return nil
    }
    // A number next to a decimal column is taken exactly from its text, as in expressions.
    if case .double = v, inputType == .decimal || inputType == .int, let d = DecimalNumber(parsing: text) { return .decimal(d) }
    if !Self.comparable(v.runtimeType, inputType) {
      error(.policyTableError, "cell operand '\(text)' is a \(v.kindName), but the column is \(inputType)", src.mapping.fileRange(SourceRange(start: 0, end: Int32(text.utf8.count))))
      return nil
    }
    return v
  }

  /// Whether a cell constant of type `c` can be compared with a column of type `column`.
  static func comparable(_ c: CELType, _ column: CELType) -> Bool {
    switch (c, column) {
    case (_, .dyn), (.dyn, _), (.null, _): return true
    case _ where c.isNumeric && column.isNumeric: return true
    case (.list, .list), (.map, .map): return true
    default: return c.runtimeName == column.runtimeName
    }
  }

  static func hasPlaceholder(_ bytes: ArraySlice<UInt8>) -> Bool {
    var quote: UInt8? = nil
    for b in bytes {
      if let q = quote { if b == q { quote = nil }; continue }
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b; continue }
      if b == UInt8(ascii: "?") { return true }
    }
    return false
  }

  /// Splits on commas outside quotes, brackets and parentheses.
  static func splitTopLevel(_ text: String) -> [String] {
    var parts: [String] = []
    var current: [UInt8] = []
    var depth = 0
    var quote: UInt8? = nil
    for b in text.utf8 {
      if let q = quote {
        current.append(b)
        if b == q { quote = nil }
        continue
      }
      switch b {
      case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b; current.append(b)
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; current.append(b)
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1; current.append(b)
      case UInt8(ascii: ",") where depth == 0:
        parts.append(String(decoding: current, as: UTF8.self)); current = []
      default: current.append(b)
      }
    }
    parts.append(String(decoding: current, as: UTF8.self))
    return parts
  }
}
