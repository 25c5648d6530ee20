import PolicyExpr
import PolicyYAML

/// An input cell's structure as written: what `-`, `< x`, `[a..b)`, `"A", "B"`, `not(...)` and
/// `? ...` mean, before any part is compiled. Dependency analysis and compilation both read cells
/// through ``PolicyCompiler/cellSyntax(_:)``, so they agree on what a cell refers to.
indirect enum CellSyntax {
  case any
  case compare(CellTest.Comparison, CellOperand)
  case interval(low: CellOperand, lowClosed: Bool, high: CellOperand, highClosed: Bool, text: String)
  case oneOf([CellOperand])
  case not(CellSyntax)
  /// An expression over `?`, with `?` already replaced by the hidden name `_` (same positions).
  case expression(ExpressionSource)

  /// Every expression the cell contains (operands must be constants, but are expressions too).
  var sources: [ExpressionSource] {
    switch self {
    case .any: []
    case .compare(_, let o): [o.source]
    case .interval(let lo, _, let hi, _, _): [lo.source, hi.source]
    case .oneOf(let os): os.map(\.source)
    case .not(let inner): inner.sources
    case .expression(let e): [e]
    }
  }
}

/// A constant operand of a cell (`0.02` in `< 0.02`): its trimmed text, located in the file.
struct CellOperand {
  let source: ExpressionSource
  var text: String { source.text }
}

extension PolicyCompiler {
  /// The hidden variable `?` becomes in an expression cell.
  static let cellVariable = "_"

  /// The structure of an input cell; `nil` when it is not a scalar.
  static func cellSyntax(_ node: YAMLNode) -> CellSyntax? {
    guard let s = node.scalar else { return nil }
    if !s.style.isQuoted {
      switch node.resolved {
      case .int, .float, .bool: return .compare(.eq, operand(s.value, s, node: node, offset: 0))
      case .null: return .any
      default: break
      }
    }
    return unaryTest(s.value, s, node: node)
  }

  static func unaryTest(_ raw: String, _ s: YAMLNode.Scalar, node: YAMLNode) -> CellSyntax {
    let bytes = Array(raw.utf8)
    var lo = 0, hi = bytes.count
    while lo < hi, bytes[lo] == 32 { lo += 1 }
    while hi > lo, bytes[hi - 1] == 32 { hi -= 1 }
    let text = String(decoding: bytes[lo..<hi], as: UTF8.self)
    let base = Int32(lo) + offsetOf(raw, in: s)
    if text == "-" || text.isEmpty { return .any }
    if hasPlaceholder(bytes[lo..<hi]) {
      // `?` is the column's value: it becomes the hidden variable `_` (same length, same positions).
      let replaced = String(decoding: bytes[lo..<hi].map { $0 == UInt8(ascii: "?") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
      return .expression(ExpressionSource(text: replaced, mapping: shifted(s.mapping, base), range: node.range))
    }
    if text.hasPrefix("not("), text.hasSuffix(")") {
      return .not(unaryTest(String(text.dropFirst(4).dropLast()), s, node: node))
    }
    if let first = text.first, first == "[" || first == "(" || first == "]", let last = text.last, last == "]" || last == ")" || last == "[",
      let dots = text.range(of: "..")
    {
      let lowText = String(text[text.index(after: text.startIndex)..<dots.lowerBound])
      let highText = String(text[dots.upperBound..<text.index(before: text.endIndex)])
      let lowOffset = Int(base) + 1, highOffset = Int(base) + text.utf8.distance(from: text.startIndex, to: dots.upperBound)
      return .interval(low: operand(lowText, s, node: node, offset: lowOffset), lowClosed: first == "[",
                       high: operand(highText, s, node: node, offset: highOffset), highClosed: last == "]", text: text)
    }
    for op in ["<=", ">=", "!=", "==", "<", ">", "="] where text.hasPrefix(op) {
      let cmp: CellTest.Comparison = op == "==" ? .eq : CellTest.Comparison(rawValue: op)!
      return .compare(cmp, operand(String(text.dropFirst(op.count)), s, node: node, offset: Int(base) + op.count))
    }
    // A list of values: the column matches any of them.
    var operands: [CellOperand] = []
    var offset = Int(base)
    for part in splitTopLevel(text) {
      operands.append(operand(part, s, node: node, offset: offset))
      offset += part.utf8.count + 1
    }
    return operands.count == 1 ? .compare(.eq, operands[0]) : .oneOf(operands)
  }

  /// The operand `raw`, which starts `offset` bytes into the cell's text, trimmed and located.
  static func operand(_ raw: String, _ s: YAMLNode.Scalar, node: YAMLNode, offset: Int) -> CellOperand {
    let text = raw.trimmingCharacters(in: .whitespaces)
    let lead = raw.utf8.count - raw.drop(while: { $0 == " " }).utf8.count
    return CellOperand(source: ExpressionSource(text: text, mapping: shifted(s.mapping, Int32(offset + lead)), range: node.range))
  }

  /// Compiles an input cell of a column of type `inputType`; `?` reads variable slot `cellSlot`.
  mutating func inputCell(_ node: YAMLNode, inputType: CELType, table: String, cellSlot: Int) -> CellTest? {
    guard let syntax = Self.cellSyntax(node) else {
      error(.policyTableError, "a cell of table '\(table)' must be a scalar", node.range, hint: "quote the cell: \"< 0.02\"")
      return nil
    }
    return compileCell(syntax, node: node, inputType: inputType, table: table, cellSlot: cellSlot)
  }

  mutating func compileCell(_ cell: CellSyntax, node: YAMLNode, inputType: CELType, table: String, cellSlot: Int) -> CellTest? {
    switch cell {
    case .any: return .any
    case .compare(let op, let o):
      return literal(o, inputType: inputType, node: node).map { .compare(op, $0) }
    case .interval(let lo, let loClosed, let hi, let hiClosed, let text):
      guard let low = literal(lo, inputType: inputType, node: node), let high = literal(hi, inputType: inputType, node: node) else { return nil }
      if let order = CellSet.order(low, high), order > 0 {
        error(.policyTableError, "interval '\(text)' is empty: its low end is above its high end", node.range)
        return nil
      }
      return .interval(low: low, lowClosed: loClosed, high: high, highClosed: hiClosed)
    case .oneOf(let operands):
      var values: [Value] = []
      for o in operands {
        guard let v = literal(o, inputType: inputType, node: node) else { return nil }
        values.append(v)
      }
      return .oneOf(values)
    case .not(let inner):
      return compileCell(inner, node: node, inputType: inputType, table: table, cellSlot: cellSlot).map { .not(.init($0)) }
    case .expression(let src):
      return withCellVariable(inputType, slot: cellSlot, at: node.range) { (c: inout PolicyCompiler) in
        c.compile(src, expecting: .bool, what: "cell of table '\(table)'").map { .expression($0) }
      }
    }
  }

  /// Runs `body` with `?` (the hidden variable `_`) declared with the column's type at the table's
  /// own cell slot, the next free variable slot; afterwards `_` is undeclared again, so no other
  /// expression can read it, and the table reserves the slot (``reserveCellSlot(_:for:)``).
  mutating func withCellVariable<T>(_ type: CELType, slot: Int, at range: SourceRange, _ body: (inout PolicyCompiler) -> T?) -> T? {
    let saved = env
    defer { env = saved }
    guard env.slots[Self.cellVariable] == nil, env.variables.count == slot else {
      error(.policyTableError, "the name '\(Self.cellVariable)' is reserved for the column value '?' of table cells", range)
      return nil
    }
    env.declare(Self.cellVariable, type)
    return body(&self)
  }

  /// Declares the hidden variable that holds the column value of `table`'s cells: every table has
  /// its own, so a table forced from inside another table's cell does not overwrite its `?`.
  mutating func reserveCellSlot(_ slot: Int, for table: String) {
    let reserved = env.declare("?\(table)#\(slot)", .dyn)
    precondition(reserved == slot, "the cell slot of table '\(table)' moved")
  }

  /// The offset of `raw` inside the scalar (0: the cell's own text).
  static func offsetOf(_ raw: String, in s: YAMLNode.Scalar) -> Int32 {
    if let r = s.value.range(of: raw) { return Int32(s.value.utf8.distance(from: s.value.startIndex, to: r.lowerBound)) }
    return 0
  }

  static func shifted(_ m: SourceMapping, _ by: Int32) -> SourceMapping {
    if m.collapsedTo != nil { return m }
    return .contiguous(at: m.fileOffset(by))
  }

  /// A constant operand of a cell; a number next to a decimal column is taken exactly.
  mutating func literal(_ o: CellOperand, inputType: CELType, node: YAMLNode) -> Value? {
    let text = o.text
    if text.isEmpty {
      error(.policyTableError, "a cell operand is missing", node.range)
      return nil
    }
    // `A` in a cell is a name, not the string "A": say so when nothing of that name exists.
    if TypeChecker.isSuggestible(text), !text.contains("."), env.slots[text] == nil, !["true", "false", "null"].contains(text) {
      error(.policyTableError, "undeclared reference to '\(text)' in a table cell", o.source.mapping.fileRange(SourceRange(start: 0, end: Int32(text.utf8.count))),
            hint: closestName(text, among: env.variables.map(\.name).filter(TypeChecker.isSuggestible)).map { "did you mean '\($0)'?" }
              ?? "a string in a cell keeps its double quotes: write '\"\(text)\"' (with the single quotes, in YAML)")
      return nil
    }
    guard let e = compile(o.source, what: "cell operand") else { return nil }
    guard let v = e.program.constantValue else {
      error(.policyTableError, "cell operand '\(text)' must be a constant; use an expression cell with '?' for computed tests", node.range,
            hint: "for example \"? > \(text)\"")
      return nil
    }
    // A number next to a decimal column is taken exactly from its text, as in expressions.
    if case .double = v, inputType == .decimal || inputType == .int {
      do throws(DecimalLiteralError) { return .decimal(try DecimalNumber(literal: text)) } catch let why {
        self.error(.policyTableError, why.message(literal: text), o.source.mapping.fileRange(SourceRange(start: 0, end: Int32(text.utf8.count))))
        return nil
      }
    }
    if !Self.comparable(v.runtimeType, inputType) {
      error(.policyTableError, "cell operand '\(text)' is a \(v.kindName), but the column is \(inputType)", o.source.mapping.fileRange(SourceRange(start: 0, end: Int32(text.utf8.count))))
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
