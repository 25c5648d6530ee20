import PolicySource

/// Builds nodes from libyaml's events with an explicit stack (no recursion, so deep input cannot
/// overflow the call stack), checking keys, aliases and limits as it goes.
struct YAMLComposer {
  /// Everything found so far.
  private(set) var diagnostics: [Diagnostic] = []

  let file: SourceFile
  let bytes: UnsafeBufferPointer<UInt8>
  private let limits: Limits
  private let reader: YAMLEventReader
  private let locator: YAMLScalarLocator
  private var stack: [Frame] = []
  private var anchors: [String: Built] = [:]
  private var aliasExpansions = 0
  /// The document's root once composed; `nil` for an empty file.
  private(set) var root: YAMLNode?
  private var documents = 0

  /// A finished node with what the limits need to know about it.
  private struct Built {
    var node: YAMLNode
    /// Nodes in the subtree, the node itself included.
    var count: Int
    /// Collection levels in the subtree: 0 for a scalar, 1 for a flat collection.
    var height: Int
  }

  /// An open collection.
  private struct Frame {
    var isMapping: Bool
    var isFlow: Bool
    var start: Int32
    var lastEnd: Int32
    var tag: String?
    var anchor: String?
    var items: [YAMLNode] = []
    var pairs: [YAMLNode.Pair] = []
    var pendingKey: YAMLNode?
    /// Set after a duplicate or non-scalar key: the next value is read and dropped.
    var dropValue = false
    /// Each accepted key's text and offset, in order.
    var keys: [(String, Int32)] = []
    /// The same as a dictionary, once the mapping is large.
    var firstKeys: [String: Int32]?
    /// The number of pairs from which keys are looked up in ``firstKeys`` rather than scanned.
    static let indexThreshold = 16
    var count = 1
    var height = 1
  }

  init(file: SourceFile, bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
    self.file = file
    self.bytes = bytes
    self.limits = limits
    self.reader = YAMLEventReader(bytes: file.bytes)
    self.locator = YAMLScalarLocator(bytes: bytes)
  }

  /// Reads the whole stream into ``root``; returns `false` after a syntax error or a crossed limit.
  mutating func compose() -> Bool {
    do {
      while let event = try reader.next() {
        switch event.kind {
        case .streamStart, .documentEnd:
          continue
        case .streamEnd:
          return true
        case .documentStart:
          documents += 1
          if documents > 1 {
            let end = min(event.range.start + 3, Int32(bytes.count))
            diagnostics.append(.yamlMultipleDocuments(range: SourceRange(start: event.range.start, end: end), file: file))
            return true
          }
        case .alias(let anchor):
          guard alias(anchor, range: event.range) else { return false }
        case .scalar(let s):
          scalar(s, range: event.range)
        case .sequenceStart(let c):
          guard open(c, isMapping: false, range: event.range) else { return false }
        case .mappingStart(let c):
          guard open(c, isMapping: true, range: event.range) else { return false }
        case .sequenceEnd, .mappingEnd:
          close(range: event.range)
        }
      }
      return true
    } catch {
      diagnostics.append(syntaxDiagnostic(error))
      return false
    }
  }

  // MARK: - Events

  private mutating func scalar(_ s: YAMLScalarEvent, range: SourceRange) {
    let start = locator.tokenStart(nodeStart: range.start, end: range.end, hasProperties: s.tag != nil || s.anchor != nil)
    var end = range.end
    if s.style == .literal || s.style == .folded {
      while end > start + 1, YAMLScalarLocator.isWhitespace(bytes[Int(end) - 1]) { end -= 1 }
    }
    let mapping = locator.mapping(value: s.value, style: s.style, start: start, end: range.end)
    let node = YAMLNode(
      kind: .scalar(YAMLNode.Scalar(value: s.value, style: s.style, mapping: mapping)),
      range: SourceRange(start: range.start, end: end), tag: s.tag)
    if let tag = s.tag, Self.isTrapTag(tag) {
      let text = String(decoding: bytes[Int(range.start)..<Int(end)], as: UTF8.self)
      diagnostics.append(.yamlTagInScalar(text, range: node.range, file: file))
    }
    finish(Built(node: node, count: 1, height: 0), anchor: s.anchor)
  }

  private mutating func alias(_ anchor: String, range: SourceRange) -> Bool {
    guard let built = anchors[anchor] else {
      diagnostics.append(.yamlUnknownAnchor(anchor, range: range, file: file))
      let empty = YAMLNode.Scalar(value: "", style: .plain, mapping: .contiguous(at: range.start))
      finish(Built(node: YAMLNode(kind: .scalar(empty), range: range), count: 1, height: 0), anchor: nil)
      return true
    }
    aliasExpansions += built.count
    if aliasExpansions > limits.maxAliasExpansions {
      diagnostics.append(.yamlAliasBudget(anchor, limit: limits.maxAliasExpansions, range: range, file: file))
      return false
    }
    if stack.count + built.height > limits.maxYAMLNesting {
      diagnostics.append(.yamlNestingLimit(limit: limits.maxYAMLNesting, range: range, file: file))
      return false
    }
    finish(built, anchor: nil)
    return true
  }

  private mutating func open(_ c: YAMLCollectionEvent, isMapping: Bool, range: SourceRange) -> Bool {
    if stack.count >= limits.maxYAMLNesting {
      diagnostics.append(.yamlNestingLimit(limit: limits.maxYAMLNesting, range: SourceRange(start: range.start, end: range.start + 1), file: file))
      return false
    }
    stack.append(Frame(
      isMapping: isMapping, isFlow: c.isFlow, start: range.start, lastEnd: range.end, tag: c.tag, anchor: c.anchor))
    return true
  }

  private mutating func close(range: SourceRange) {
    guard let frame = stack.popLast() else { return }
    let end = frame.isFlow ? range.end : max(frame.lastEnd, frame.start)
    let kind: YAMLNode.Kind = frame.isMapping ? .mapping(merged(frame.pairs)) : .sequence(frame.items)
    let node = YAMLNode(kind: kind, range: SourceRange(start: frame.start, end: end), tag: frame.tag)
    finish(Built(node: node, count: frame.count, height: frame.height), anchor: frame.anchor)
  }

  /// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`): the merged mappings' pairs are added
  /// after the mapping's own, except keys the mapping already has (its own win wherever they are
  /// written; of several merged mappings, the first that has a key wins). A merge is shallow.
  private mutating func merged(_ pairs: [YAMLNode.Pair]) -> [YAMLNode.Pair] {
    func isMerge(_ p: YAMLNode.Pair) -> Bool {
      if case .scalar(let s) = p.key.kind, s.value == "<<", s.style == .plain, p.key.tag == nil { return true }
      return false
    }
    guard pairs.contains(where: isMerge) else { return pairs }
    var out = pairs.filter { !isMerge($0) }
    var present = Set(out.compactMap { $0.key.scalar?.value })
    for p in pairs where isMerge(p) {
      var sources: [YAMLNode] = []
      switch p.value.kind {
      case .mapping: sources = [p.value]
      case .sequence(let items): sources = items
      case .scalar: sources = [p.value]
      }
      for source in sources {
        guard case .mapping(let merging) = source.kind else {
          diagnostics.append(.yamlInvalidMerge(kind: source.kindName, range: source.range, file: file))
          continue
        }
        for m in merging {
          guard let k = m.key.scalar?.value, present.insert(k).inserted else { continue }
          out.append(m)
        }
      }
    }
    return out
  }

  // MARK: - Attaching finished nodes

  private mutating func finish(_ built: consuming Built, anchor: String?) {
    if let anchor { anchors[anchor] = built }
    guard !stack.isEmpty else {
      root = built.node
      return
    }
    let top = stack.count - 1
    stack[top].count = stack[top].count &+ built.count
    stack[top].height = max(stack[top].height, built.height + 1)
    stack[top].lastEnd = max(stack[top].lastEnd, built.node.range.end)
    guard stack[top].isMapping else {
      stack[top].items.append(built.node)
      return
    }
    guard let key = stack[top].pendingKey else {
      acceptKey(built.node, frame: top)
      return
    }
    stack[top].pendingKey = nil
    if stack[top].dropValue {
      stack[top].dropValue = false
    } else {
      stack[top].pairs.append(YAMLNode.Pair(key: key, value: built.node))
    }
  }

  private mutating func acceptKey(_ key: YAMLNode, frame top: Int) {
    stack[top].pendingKey = key
    guard case .scalar(let s) = key.kind else {
      diagnostics.append(.yamlNonScalarKey(kind: key.kindName, range: key.range, file: file))
      stack[top].dropValue = true
      return
    }
    if let first = firstOffset(of: s.value, frame: top) {
      let line = file.location(of: first).line
      diagnostics.append(.yamlDuplicateKey(s.value, range: key.range, firstLine: line, file: file))
      stack[top].dropValue = true
    } else {
      stack[top].keys.append((s.value, key.range.start))
      if stack[top].firstKeys != nil { stack[top].firstKeys![s.value] = key.range.start }
    }
  }

  /// Where `key` first appeared in the mapping, if it did. Small mappings are scanned; from
  /// ``Frame/indexThreshold`` pairs on, a dictionary keeps large mappings linear.
  private mutating func firstOffset(of key: String, frame top: Int) -> Int32? {
    if let index = stack[top].firstKeys { return index[key] }
    if stack[top].keys.count >= Frame.indexThreshold {
      var index: [String: Int32] = [:]
      for (k, offset) in stack[top].keys { index[k] = offset }
      stack[top].firstKeys = index
      return index[key]
    }
    for (k, offset) in stack[top].keys where k == key { return offset }
    return nil
  }

  /// Whether an explicit tag is one a policy author more likely meant as text (`!receivable.financed`,
  /// `!!flag`): a local tag other than the non-specific `!`, or a `!!` tag outside the core schema.
  static func isTrapTag(_ tag: String) -> Bool {
    if tag == "!" { return false }
    if tag.hasPrefix("!") { return true }
    guard tag.hasPrefix("tag:yaml.org,2002:") else { return false }
    switch tag.dropFirst("tag:yaml.org,2002:".count) {
    case "str", "int", "float", "bool", "null", "seq", "map": return false
    default: return true
    }
  }
}
