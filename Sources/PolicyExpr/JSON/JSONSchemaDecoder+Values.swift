import Foundation
import PolicyJSON

/// `optional.none()`, shared by every absent `optional_type(T)` field.
private let optionalNone = OptionalBox(nil)

/// The state of decoding one document against a ``SchemaNode``.
///
/// Each `decode…` function returns the value, or `nil` after recording a violation and skipping
/// the offending JSON. It throws only for malformed JSON, or after recording the last allowed
/// violation (``stopped`` is then set).
struct SchemaDecoding {
  var scanner: JSONScanner
  let maxNesting: Int
  let maxErrors: Int
  /// Violations in document order; their paths are filled in by ``finish()``.
  var errors: [InputError] = []
  /// For each error, the offset of the value whose path prefixes the error's path, and a last
  /// component to append (the field of a missing or unknown field).
  var pathAnchors: [(offset: Int, extra: PathComponent?)] = []
  var stopped = false

  init(_ scanner: JSONScanner, maxNesting: Int, maxErrors: Int) {
    self.scanner = scanner
    self.maxNesting = maxNesting
    self.maxErrors = maxErrors
  }

  @inline(__always) private static func isNumberStart(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "-") || JSONScanner.isDigit(b)
  }

  // MARK: Values

  /// Decodes the value at the current position as `node`.
  mutating func decodeValue(_ node: SchemaNode, depth: Int) throws(JSONError) -> Value? {
    scanner.skipWhitespace()
    guard let b = scanner.peek else { throw scanner.error(.syntax, expected: "a JSON value") }
    let start = scanner.position
    let quote = UInt8(ascii: "\"")
    switch node {
    case .dyn:
      return try decodeDynamic(depth: depth)
    case .string:
      if b == quote {
        let token = try scanner.scanString()
        return .string(scanner.string(of: token))
      }
    case .enumeration(let allowed):
      if b == quote {
        let token = try scanner.scanString()
        let match = scanner.withBytes(of: token) { bytes in allowed.first { SchemaDecoding.equal($0, bytes) } }
        if let match { return .string(match) }
        try record(.typeMismatch, expected: node.expectedName, found: describeString(token), at: start)
        return nil
      }
    case .int, .uint, .double, .decimal:
      if SchemaDecoding.isNumberStart(b) {
        let (range, isInteger) = try scanner.scanNumber()
        let text = UnsafeBufferPointer(rebasing: scanner.bytes[range])
        if let value = SchemaDecoding.number(node, text, isInteger: isInteger) { return value }
        try record(.typeMismatch, expected: node.expectedName, found: describeNumber(range), at: start)
        return nil
      }
      if b == quote, case .decimal = node {
        let token = try scanner.scanString()
        if let decimal = scanner.withBytes(of: token, JSONNumberText.decimal) { return .decimal(decimal) }
        try record(.typeMismatch, expected: node.expectedName, found: describeString(token), at: start)
        return nil
      }
    case .bool:
      if b == UInt8(ascii: "t") {
        try scanner.expectLiteral("true")
        return .bool(true)
      }
      if b == UInt8(ascii: "f") {
        try scanner.expectLiteral("false")
        return .bool(false)
      }
    case .null:
      if b == UInt8(ascii: "n") {
        try scanner.expectLiteral("null")
        return .null
      }
    case .bytes, .timestamp, .duration:
      if b == quote {
        let token = try scanner.scanString()
        let value: Value? = scanner.withBytes(of: token) { text in
          switch node {
          case .bytes: Base64.decode(text).map(Value.bytes)
          case .timestamp: JSONTimestamp.parse(text).map(Value.timestamp)
          default: JSONDuration.parse(text).map(Value.duration)
          }
        }
        if let value { return value }
        try record(.typeMismatch, expected: node.expectedName, found: describeString(token), at: start)
        return nil
      }
    case .list(let element):
      if b == UInt8(ascii: "[") { return try decodeList(element, depth: depth) }
    case .map(let key, let value):
      if b == UInt8(ascii: "{") { return try decodeMap(key: key, value: value, depth: depth) }
    case .object(let schema):
      if b == UInt8(ascii: "{") { return try decodeObject(schema, depth: depth) }
    case .optional(let wrapped):
      if b == UInt8(ascii: "n") {
        try scanner.expectLiteral("null")
        return .optional(optionalNone)
      }
      guard let value = try decodeValue(wrapped, depth: depth) else { return nil }
      return .optional(OptionalBox(value))
    case .unsupported:
      break
    }
    return try mismatch(node.expectedName, depth: depth)
  }

  /// Converts number text for a numeric node, or `nil` when it does not fit.
  private static func number(_ node: SchemaNode, _ text: UnsafeBufferPointer<UInt8>, isInteger: Bool) -> Value? {
    switch node {
    case .int: return isInteger ? JSONNumberText.int64(text).map(Value.int) : nil
    case .uint: return isInteger ? JSONNumberText.uint64(text).map(Value.uint) : nil
    case .double:
      let d = JSONNumberText.double(text)
      return d.isFinite ? .double(d) : nil
    default: return JSONNumberText.decimal(text).map(Value.decimal)
    }
  }

  /// Decodes any JSON value as `dyn`.
  private mutating func decodeDynamic(depth: Int) throws(JSONError) -> Value? {
    guard let b = scanner.peek else { throw scanner.error(.syntax, expected: "a JSON value") }
    switch b {
    case UInt8(ascii: "\""):
      let token = try scanner.scanString()
      return .string(scanner.string(of: token))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let start = scanner.position
      let (range, isInteger) = try scanner.scanNumber()
      let text = UnsafeBufferPointer(rebasing: scanner.bytes[range])
      if isInteger, let i = JSONNumberText.int64(text) { return .int(i) }
      let d = JSONNumberText.double(text)
      if d.isFinite { return .double(d) }
      try record(.typeMismatch, expected: "a number within the double range", found: describeNumber(range), at: start)
      return nil
    case UInt8(ascii: "t"):
      try scanner.expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try scanner.expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try scanner.expectLiteral("null")
      return .null
    case UInt8(ascii: "["):
      return try decodeList(.dyn, depth: depth)
    case UInt8(ascii: "{"):
      return try decodeMap(key: .string, value: .dyn, depth: depth)
    default:
      throw scanner.error(.syntax, expected: "a JSON value")
    }
  }

  // MARK: Containers

  /// Decodes an array (the scanner is at `[`) whose elements are `element`.
  private mutating func decodeList(_ element: SchemaNode, depth: Int) throws(JSONError) -> Value? {
    try scanner.checkDepth(depth + 1, maxNesting)
    scanner.position += 1
    var elements: [Value] = []
    var failed = false
    scanner.skipWhitespace()
    if scanner.peek == UInt8(ascii: "]") {
      scanner.position += 1
      return .list(elements)
    }
    repeat {
      if let value = try decodeValue(element, depth: depth + 1) {
        if !failed { elements.append(value) }
      } else {
        failed = true
      }
    } while try scanner.continueAfterElement(isObject: false)
    return failed ? nil : .list(elements)
  }

  /// Decodes an object (the scanner is at `{`) as a map with keys of type `key`.
  private mutating func decodeMap(key keyType: CELType, value valueNode: SchemaNode, depth: Int) throws(JSONError) -> Value? {
    try scanner.checkDepth(depth + 1, maxNesting)
    let open = scanner.position
    scanner.position += 1
    var keys: [Value] = []
    var values: [Value] = []
    var failed = false
    scanner.skipWhitespace()
    if scanner.peek == UInt8(ascii: "}") {
      scanner.position += 1
      return .map(.empty)
    }
    repeat {
      scanner.skipWhitespace()
      guard scanner.peek == UInt8(ascii: "\"") else { throw scanner.error(.syntax, expected: "a string key") }
      let keyStart = scanner.position
      let token = try scanner.scanString()
      let text = scanner.string(of: token)
      try scanner.expectColon()
      if let key = SchemaDecoding.mapKey(text, keyType) {
        if let value = try decodeValue(valueNode, depth: depth + 1) {
          keys.append(key)
          values.append(value)
        } else {
          failed = true
        }
      } else {
        try record(
          .typeMismatch, expected: "a key of type \(keyType)", found: "key \(SchemaDecoding.quoted(text))",
          anchor: open, at: keyStart)
        try scanner.skipValue(depth: depth + 1, maxNesting: maxNesting)
        failed = true
      }
    } while try scanner.continueAfterElement(isObject: true)
    if failed { return nil }
    switch MapValue.make(keys: keys, values: values) {
    case .success(let map):
      return .map(map)
    case .failure(.duplicateKey(let key)), .failure(.unsupportedKey(let key)):
      let text: String =
        switch key {
        case .string(let s): s
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .bool(let b): String(b)
        default: key.kindName
        }
      try record(.duplicateKey, anchor: open, extra: .key(text), at: open)
      return nil
    }
  }

  /// A JSON object key as a map key of type `type`, or `nil` when it does not convert.
  private static func mapKey(_ text: String, _ type: CELType) -> Value? {
    switch type {
    case .string, .dyn: return .string(text)
    case .bool: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
    case .int, .uint:
      var copy = text
      return copy.withUTF8 { bytes -> Value? in
        guard !bytes.isEmpty, bytes.allSatisfy({ JSONScanner.isDigit($0) || $0 == UInt8(ascii: "-") }) else { return nil }
        return type == .int ? JSONNumberText.int64(bytes).map(Value.int) : JSONNumberText.uint64(bytes).map(Value.uint)
      }
    default: return nil
    }
  }

  /// Decodes an object (the scanner is at `{`) as a record of `schema`.
  private mutating func decodeObject(_ schema: ObjectSchema, depth: Int) throws(JSONError) -> Value? {
    try scanner.checkDepth(depth + 1, maxNesting)
    let open = scanner.position
    scanner.position += 1
    let count = schema.nodes.count
    var fields = [Value?](repeating: nil, count: count)
    var seen = SeenSlots(count: count)
    var nextSlot = 0
    var failed = false
    scanner.skipWhitespace()
    if scanner.peek == UInt8(ascii: "}") {
      scanner.position += 1
    } else {
      repeat {
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "\"") else { throw scanner.error(.syntax, expected: "a string key") }
        let keyStart = scanner.position
        let token = try scanner.scanString()
        let found = scanner.withBytes(of: token) { schema.slot(of: $0, hint: nextSlot) }
        try scanner.expectColon()
        guard let slot = found else {
          let name = scanner.string(of: token)
          try record(
            .unknownField, anchor: open, extra: .key(name), suggestion: closestMatch(name, among: schema.names),
            at: keyStart)
          try scanner.skipValue(depth: depth + 1, maxNesting: maxNesting)
          failed = true
          continue
        }
        if seen.contains(slot) {
          try record(.duplicateKey, anchor: open, extra: .key(schema.names[slot]), at: keyStart)
          try scanner.skipValue(depth: depth + 1, maxNesting: maxNesting)
          failed = true
          continue
        }
        seen.insert(slot)
        nextSlot = slot + 1
        let node = schema.nodes[slot]
        if schema.isOptional[slot] && acceptsAbsence(node) {
          scanner.skipWhitespace()
          if scanner.peek == UInt8(ascii: "n") {
            try scanner.expectLiteral("null")
            continue
          }
        }
        if let value = try decodeValue(node, depth: depth + 1) { fields[slot] = value } else { failed = true }
      } while try scanner.continueAfterElement(isObject: true)
    }
    for slot in 0..<count where !seen.contains(slot) {
      if case .optional = schema.nodes[slot] {
        fields[slot] = .optional(optionalNone)
      } else if !schema.isOptional[slot] {
        try record(.missingField, anchor: open, extra: .key(schema.names[slot]), at: open)
        failed = true
      }
    }
    return failed ? nil : .object(ObjectValue(type: schema.type, fields: fields))
  }

  /// Whether `null` for an optional field of this node means "absent" (not for `dyn` or `null_type`).
  private func acceptsAbsence(_ node: SchemaNode) -> Bool {
    switch node {
    case .dyn, .null, .optional: false
    default: true
    }
  }

  // MARK: Violations

  /// Records that the value at the current position is not `expected`, and skips it.
  private mutating func mismatch(_ expected: String, depth: Int) throws(JSONError) -> Value? {
    let start = scanner.position
    let found: String
    switch scanner.peek ?? 0 {
    case UInt8(ascii: "\""):
      let token = try scanner.scanString()
      found = describeString(token)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let (range, _) = try scanner.scanNumber()
      found = describeNumber(range)
    case UInt8(ascii: "t"):
      try scanner.expectLiteral("true")
      found = "bool true"
    case UInt8(ascii: "f"):
      try scanner.expectLiteral("false")
      found = "bool false"
    case UInt8(ascii: "n"):
      try scanner.expectLiteral("null")
      found = "null"
    case UInt8(ascii: "["):
      try scanner.skipValue(depth: depth, maxNesting: maxNesting)
      found = "array"
    case UInt8(ascii: "{"):
      try scanner.skipValue(depth: depth, maxNesting: maxNesting)
      found = "object"
    default:
      throw scanner.error(.syntax, expected: "a JSON value")
    }
    try record(.typeMismatch, expected: expected, found: found, at: start)
    return nil
  }

  /// Records a violation at `offset`; throws once ``maxErrors`` are recorded.
  ///
  /// The error's path is the path of the value at `anchor` (default: `offset`) plus `extra`.
  private mutating func record(
    _ code: InputError.Code, expected: String = "", found: String = "", anchor: Int? = nil,
    extra: PathComponent? = nil, suggestion: String? = nil, at offset: Int
  ) throws(JSONError) {
    let (line, column) = JSONError.location(of: offset, in: scanner.bytes)
    errors.append(
      InputError(
        code, path: "", expected: expected, found: found, suggestion: suggestion, offset: offset, line: line,
        column: column))
    pathAnchors.append((anchor ?? offset, extra))
    if errors.count >= maxErrors {
      stopped = true
      throw scanner.error(.syntax, expected: "no more than \(maxErrors) violations", at: offset)
    }
  }

  /// Records malformed JSON.
  mutating func record(malformed error: JSONError) {
    errors.append(
      InputError(
        .malformed, path: "", expected: error.expected, found: error.found, offset: error.offset,
        line: error.line, column: error.column))
    pathAnchors.append((error.offset, nil))
  }

  /// The recorded errors with their paths, found by walking the document again: the paths cost
  /// nothing while decoding succeeds.
  func finish() -> [InputError] {
    var located = errors
    for i in located.indices {
      var locator = PathLocator(JSONScanner(scanner.bytes), target: pathAnchors[i].offset, maxNesting: maxNesting)
      var path = locator.locate()
      if let extra = pathAnchors[i].extra { path.append(extra) }
      located[i].path = SchemaDecoding.render(path)
    }
    return located
  }

  /// `receivable.amount`, `items[3].qty`, `limits["EUR-1"]`.
  static func render(_ path: [PathComponent]) -> String {
    var text = ""
    func append(_ component: PathComponent) {
      switch component {
      case .index(let i): text += "[\(i)]"
      case .key(let key):
        if SchemaDecoding.isIdentifier(key) {
          text += text.isEmpty ? key : "." + key
        } else {
          text += "[" + SchemaDecoding.quoted(key) + "]"
        }
      }
    }
    for component in path { append(component) }
    return text
  }

  private static func isIdentifier(_ key: String) -> Bool {
    guard let first = key.utf8.first, !JSONScanner.isDigit(first) else { return false }
    return key.utf8.allSatisfy { b in
      JSONScanner.isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
    }
  }

  /// `string "abc"`, shortened past 40 characters.
  private func describeString(_ token: JSONStringToken) -> String {
    "string " + SchemaDecoding.quoted(scanner.string(of: token))
  }

  /// `number 1.5`, shortened past 40 characters.
  private func describeNumber(_ range: Range<Int>) -> String {
    let text = String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
    return "number " + (text.count > 40 ? text.prefix(40) + "…" : text)
  }

  /// `text` in double quotes with JSON escapes, shortened past 40 characters.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for (i, scalar) in text.unicodeScalars.enumerated() {
      if i == 40 {
        out += "…"
        break
      }
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out += (hex.count == 1 ? "\\u000" : "\\u00") + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  @inline(__always) static func equal(_ a: String, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var a = a
    return a.withUTF8 { x in x.count == b.count && (x.count == 0 || memcmp(x.baseAddress!, b.baseAddress!, x.count) == 0) }
  }
}
