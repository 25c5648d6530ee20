import Foundation
import PolicyJSON

/// Decodes JSON bytes straight into a ``Value`` of a declared type, without an intermediate tree.
///
/// Build one decoder per schema and reuse it: the field names are laid out as bytes once, so a
/// key is matched without making a `String`. Decoding collects every violation of a document
/// (up to ``maxErrors``) rather than stopping at the first.
///
/// How JSON meets each ``CELType``:
/// - `int`/`uint`: JSON integers only (no fraction or exponent), in range.
/// - `double`: any number whose value is finite as a double (`1e400` is an error).
/// - `decimal`: a number, from its exact source text (`100.10`), or a string `"100.10"`.
/// - `timestamp`: an RFC 3339 string; `duration`: a string such as `"3.5s"` or `"1h30m"`;
///   `bytes`: a standard base64 string.
/// - `string` with ``ObjectType/Field/allowed``: one of the allowed values.
/// - `list(T)`: an array; `map(K, V)`: an object (keys converted to `K`).
/// - an object type: an object with exactly the declared fields; unknown fields are errors;
///   optional fields may be absent or `null`; fields of type `optional_type(T)` become
///   `optional.of(value)` or `optional.none()`.
/// - `dyn`: anything. Objects become maps with string keys, integers that fit Int64 become `int`,
///   other numbers `double`.
/// - `null_type`: `null`.
public struct JSONSchemaDecoder: Sendable {
  /// The declared type of the whole document.
  public let type: CELType
  /// The deepest nesting of arrays and objects accepted.
  public var maxNesting = JSONReader.maxNesting
  /// How many violations are collected before decoding stops.
  public var maxErrors = 20
  let root: SchemaNode

  /// Prepares a decoder for documents of `type`.
  public init(_ type: CELType) {
    self.type = type
    self.root = SchemaNode(type, allowed: nil)
  }

  /// Decodes one document of `type`.
  public static func decode(_ bytes: [UInt8], as type: CELType) -> Result<Value, InputErrors> {
    JSONSchemaDecoder(type).decode(bytes)
  }

  /// Decodes one document.
  public func decode(_ bytes: [UInt8]) -> Result<Value, InputErrors> {
    bytes.withUnsafeBytes { decode($0) }
  }

  /// Decodes one document from the UTF-8 of `text`.
  public func decode(_ text: String) -> Result<Value, InputErrors> {
    var copy = text
    return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
  }

  /// Decodes one record of JSON Lines input (see ``JSONLines``): error offsets count from the
  /// start of `input` and error lines are the record's line number.
  public func decode(_ line: JSONLine, in input: UnsafeRawBufferPointer) -> Result<Value, InputErrors> {
    decode(UnsafeRawBufferPointer(rebasing: input[line.range])).mapError { errors in
      InputErrors(
        errors.map { error in
          var located = error
          located.offset += line.range.lowerBound
          located.line += line.number - 1
          return located
        })
    }
  }

  /// Decodes one document (offsets count from the start of `bytes`).
  public func decode(_ bytes: UnsafeRawBufferPointer) -> Result<Value, InputErrors> {
    var none: [UInt8]?
    return decode(bytes, canonical: &none, collect: false)
  }

  /// Decodes one document and, when it decodes, sets `canonical` to its canonical one-line JSON
  /// (``JSONWriter/canonical(_:maxNesting:)-(UnsafeRawBufferPointer,_)``'s form) made in the same pass.
  public func decode(_ bytes: UnsafeRawBufferPointer, canonical: inout [UInt8]?) -> Result<Value, InputErrors> {
    decode(bytes, canonical: &canonical, collect: true)
  }

  private func decode(_ bytes: UnsafeRawBufferPointer, canonical: inout [UInt8]?, collect: Bool) -> Result<Value, InputErrors> {
    var decoding = SchemaDecoding(JSONScanner(bytes.bindMemory(to: UInt8.self)), maxNesting: maxNesting, maxErrors: maxErrors)
    if collect { decoding.scanner.startCanonical() }
    var value: Value?
    do {
      value = try decoding.decodeValue(root, depth: 0)
      try decoding.scanner.expectEnd()
    } catch {
      if !decoding.stopped { decoding.record(malformed: error) }
    }
    if let value, decoding.errors.isEmpty {
      if collect { canonical = decoding.scanner.finishCanonical() }
      return .success(value)
    }
    return .failure(InputErrors(decoding.finish()))
  }
}

/// A schema compiled for decoding: one node per declared type.
indirect enum SchemaNode: Sendable {
  case dyn, null, bool, int, uint, double, decimal, string, bytes, timestamp, duration
  case enumeration([String])
  case list(SchemaNode)
  case map(key: CELType, value: SchemaNode)
  case object(ObjectSchema)
  case optional(SchemaNode)
  case unsupported(CELType)

  init(_ type: CELType, allowed: [String]?) {
    switch type {
    case .dyn: self = .dyn
    case .null: self = .null
    case .bool: self = .bool
    case .int: self = .int
    case .uint: self = .uint
    case .double: self = .double
    case .decimal: self = .decimal
    case .string: self = allowed.map { .enumeration($0) } ?? .string
    case .bytes: self = .bytes
    case .timestamp: self = .timestamp
    case .duration: self = .duration
    case .list(let element): self = .list(SchemaNode(element, allowed: nil))
    case .map(let key, let value): self = .map(key: key, value: SchemaNode(value, allowed: nil))
    case .object(let objectType): self = .object(ObjectSchema(objectType))
    case .optional(let wrapped): self = .optional(SchemaNode(wrapped, allowed: allowed))
    case .type, .param, .error: self = .unsupported(type)
    }
  }

  /// How an error message names what this node accepts.
  var expectedName: String {
    switch self {
    case .dyn: "a JSON value"
    case .null: "null"
    case .bool: "bool"
    case .int: "int"
    case .uint: "uint"
    case .double: "double"
    case .decimal: "decimal"
    case .string: "string"
    case .bytes: "bytes (a base64 string)"
    case .timestamp: "timestamp (an RFC 3339 string)"
    case .duration: "duration (a string such as \"3.5s\")"
    case .enumeration(let allowed): "one of " + allowed.map { "'\($0)'" }.joined(separator: ", ")
    case .list: "array"
    case .map, .object: "object"
    case .optional(let wrapped): wrapped.expectedName + " or null"
    case .unsupported(let type): "a value of type '\(type)', which inputs cannot carry"
    }
  }
}

/// An object type with its field names laid out as bytes for matching keys.
final class ObjectSchema: Sendable {
  let type: ObjectType
  let nodes: [SchemaNode]
  let isOptional: [Bool]
  let names: [String]
  /// All field names' UTF-8, back to back; field `i` is `nameBytes[nameRanges[i]]`.
  let nameBytes: [UInt8]
  let nameRanges: [Range<Int>]

  init(_ type: ObjectType) {
    self.type = type
    self.nodes = type.fields.map { SchemaNode($0.type, allowed: $0.allowed) }
    self.isOptional = type.fields.map(\.optional)
    self.names = type.fields.map(\.name)
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []
    for field in type.fields {
      let start = bytes.count
      bytes.append(contentsOf: field.name.utf8)
      ranges.append(start..<bytes.count)
    }
    self.nameBytes = bytes
    self.nameRanges = ranges
  }

  /// The slot of the field whose name is `key`, or `nil`; `hint` is tried first (documents
  /// usually list fields in declaration order).
  @inline(__always) func slot(of key: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
    nameBytes.withUnsafeBufferPointer { names in
      @inline(__always) func matches(_ slot: Int) -> Bool {
        let range = nameRanges[slot]
        return range.count == key.count
          && (key.count == 0 || memcmp(names.baseAddress! + range.lowerBound, key.baseAddress!, key.count) == 0)
      }
      if hint < nameRanges.count && matches(hint) { return hint }
      for slot in nameRanges.indices where slot != hint && matches(slot) { return slot }
      return nil
    }
  }
}

/// One step of the path to a value: a field or map key, or an array index.
enum PathComponent {
  case key(String)
  case index(Int)
}

/// Which slots of an object have been seen: a bit mask, or an array past 64 fields.
struct SeenSlots {
  private var bits: UInt64 = 0
  private var overflow: [Bool]

  init(count: Int) { overflow = count > 64 ? [Bool](repeating: false, count: count) : [] }

  @inline(__always) func contains(_ slot: Int) -> Bool {
    overflow.isEmpty ? bits & (1 << UInt64(slot)) != 0 : overflow[slot]
  }

  @inline(__always) mutating func insert(_ slot: Int) {
    if overflow.isEmpty { bits |= 1 << UInt64(slot) } else { overflow[slot] = true }
  }
}
