import PolicySource
import PolicyYAML

/// Where a cursor is in a policy document: which YAML key or value, and what role the text there
/// plays (an expression, a template with `${}` placeholders, a declaration's key).
struct DocumentPlace {
  /// One step of the path from the root to a node.
  enum Step: Equatable {
    case key(String)
    case index(Int)
  }

  /// The role of the text under the cursor.
  enum Role: Equatable {
    /// Inside an expression scalar (or a `${}` placeholder of a template).
    case expression
    /// A declaring key (or a table's `id:` value): the name of `Symbol` `name`.
    case declaration(String)
    /// A value in an input's `enum:` list (which may name a region).
    case enumValue
    /// Any other text (a description, a check id, a test input).
    case other
  }

  /// The steps to the node under the cursor (for a key, to the mapping holding it).
  var path: [Step]
  /// The node under the cursor.
  var node: YAMLNode
  /// Whether the cursor is on a key rather than a value.
  var isKey: Bool

  /// The innermost scalar key or value containing `offset` (an offset at a scalar's end counts,
  /// so the cursor just after `r.` is still in its expression).
  static func find(_ offset: Int32, in root: YAMLNode) -> DocumentPlace? {
    var path: [Step] = []
    var node = root
    var depth = 0
    while depth < 256 {
      depth += 1
      switch node.kind {
      case .scalar:
        return DocumentPlace(path: path, node: node, isKey: false)
      case .sequence(let items):
        guard let i = items.firstIndex(where: { contains($0.range, offset) }) else { return nil }
        path.append(.index(i))
        node = items[i]
      case .mapping(let pairs):
        if let pair = pairs.first(where: { contains($0.key.range, offset) }) {
          return DocumentPlace(path: path, node: pair.key, isKey: true)
        }
        guard let pair = pairs.first(where: { contains($0.value.range, offset) }) else { return nil }
        path.append(.key(pair.key.scalar?.value ?? ""))
        node = pair.value
      }
    }
    return nil
  }

  private static func contains(_ range: SourceRange, _ offset: Int32) -> Bool {
    range.start <= offset && offset <= range.end
  }

  /// The role of the text at `offset` in this place of a document with bytes `bytes`.
  func role(at offset: Int, bytes: [UInt8]) -> Role {
    let key = isKey ? node.scalar?.value : nil
    switch (path.first, path.count) {
    case (.key("let")?, 1), (.key("outputs")?, 1), (.key("constants")?, 1):
      return key.map(Role.declaration) ?? .other
    case (.key("let")?, _), (.key("outputs")?, _): return .expression
    case (.key("constants")?, _): return .other
    case (.key("regions")?, 1): return key.map(Role.declaration) ?? .other
    case (.key("inputs")?, _):
      if let key {
        let names = path.dropFirst().compactMap { step -> String? in
          if case .key(let k) = step, k != "fields" { return k.hasSuffix("?") ? String(k.dropLast()) : k }
          return nil
        }
        let clean = key.hasSuffix("?") ? String(key.dropLast()) : key
        return .declaration((names + [clean]).joined(separator: "."))
      }
      return path.contains(.key("enum")) ? .enumValue : .other
    default: break
    }
    guard !isKey, path.count >= 3, case .index = path[1], case .key(let field) = path[2] else { return .other }
    switch (path[0], field) {
    case (.key("checks"), "require"), (.key("checks"), "when"), (.key("rules"), "when"), (.key("rules"), "set"),
      (.key("alerts"), "when"), (.key("tables"), "inputs"), (.key("tables"), "rows"), (.key("tables"), "default"):
      return .expression
    case (.key("checks"), "reason"), (.key("rules"), "reason"), (.key("rules"), "decline"), (.key("alerts"), "message"):
      return Self.insidePlaceholder(offset, bytes: bytes, from: Int(node.range.start)) ? .expression : .other
    case (.key("tables"), "id"):
      return node.scalar.map { .declaration($0.value.replacingOccurrences(of: "-", with: "_")) } ?? .other
    default:
      return .other
    }
  }

  /// Whether `offset` is after a `${` that no `}` has closed, scanning from `start`.
  static func insidePlaceholder(_ offset: Int, bytes: [UInt8], from start: Int) -> Bool {
    var open = false
    var i = max(0, start)
    let end = min(offset, bytes.count)
    while i < end {
      if bytes[i] == UInt8(ascii: "$"), i + 1 < end, bytes[i + 1] == UInt8(ascii: "{") {
        open = true
        i += 2
        continue
      }
      if bytes[i] == UInt8(ascii: "}") { open = false }
      i += 1
    }
    return open
  }
}

/// The name under or before a cursor, read from the document's bytes.
struct NameAtCursor: Equatable {
  /// The dotted name up to the end of the segment the cursor is in (`telemetry` for the cursor on
  /// `telemetry` in `telemetry.lat`).
  var dotted: String
  /// Its byte range in the document.
  var range: Range<Int>

  @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
  }

  /// The dotted name around `offset`, or `nil` when the cursor is not on a name.
  static func at(_ offset: Int, in bytes: [UInt8]) -> NameAtCursor? {
    guard offset >= 0, offset <= bytes.count else { return nil }
    var start = offset
    while start > 0, isNameByte(bytes[start - 1]) || (bytes[start - 1] == 0x2E && start - 1 > 0 && isNameByte(bytes[start - 2])) { start -= 1 }
    var end = offset
    while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
    guard end > start, !(bytes[start] >= 0x30 && bytes[start] <= 0x39) else { return nil }
    // The segment under the cursor must be a name, not the space after it.
    guard offset < end || (offset > start && isNameByte(bytes[offset - 1])) else { return nil }
    return NameAtCursor(dotted: String(decoding: bytes[start..<end], as: UTF8.self), range: start..<end)
  }

  /// The dotted text typed before `offset` (`telemetry.la` when completing `la`): the qualifier
  /// (`telemetry`, empty when none) and the partial last segment.
  static func prefix(before offset: Int, in bytes: [UInt8]) -> (qualifier: String, partial: String, start: Int) {
    let offset = max(0, min(offset, bytes.count))
    var start = offset
    while start > 0, isNameByte(bytes[start - 1]) || bytes[start - 1] == 0x2E { start -= 1 }
    guard let dot = bytes[start..<offset].lastIndex(of: 0x2E) else {
      return ("", String(decoding: bytes[start..<offset], as: UTF8.self), start)
    }
    return (String(decoding: bytes[start..<dot], as: UTF8.self), String(decoding: bytes[(dot + 1)..<offset], as: UTF8.self), dot + 1)
  }

  /// The region id (letters, digits, `_` and `-`) around `offset`.
  static func regionToken(at offset: Int, in bytes: [UInt8]) -> String? {
    guard offset >= 0, offset <= bytes.count else { return nil }
    func ok(_ b: UInt8) -> Bool { isNameByte(b) || b == 0x2D }
    var start = offset, end = offset
    while start > 0, ok(bytes[start - 1]) { start -= 1 }
    while end < bytes.count, ok(bytes[end]) { end += 1 }
    return end > start ? String(decoding: bytes[start..<end], as: UTF8.self) : nil
  }
}
