import PolicyJSON

/// The conformance suite's "typed value" JSON encoding of ``Value``s
/// (`/work/shared/conformance/cel-spec/README.md`): one-key objects naming the kind.
///
/// | JSON | value |
/// | --- | --- |
/// | `{"null": null}`, `{"bool": true}` | null, bool |
/// | `{"int": "-5"}`, `{"uint": "5"}` | int, uint, as decimal strings |
/// | `{"double": 1.5}`, `{"double": "NaN"}`, `"Infinity"`, `"-Infinity"`, `-0.0` | double |
/// | `{"string": "…"}`, `{"bytes_b64": "aGk="}` | string, bytes (padded standard base64) |
/// | `{"list": [V, …]}`, `{"map": [{"key": V, "value": V}, …]}` | list, map (entries in order) |
/// | `{"type": "int"}` | type value, by its runtime name (``TypedValue/type(named:)``) |
/// | `{"timestamp": "2009-02-13T23:31:30Z"}`, `{"duration": "123.321456789s"}` | timestamp, duration |
/// | `{"decimal": "1.50"}` | decimal (Proviso's addition) |
/// | `{"optional": V}`, `{"optional": null}` | `optional.of(V)`, `optional.none()` (Proviso's addition) |
///
/// Protobuf kinds (`enum`, `object`) are not supported. An ``ObjectValue`` is encoded as a map of
/// its present fields with string keys, since the encoding has no record kind.
public enum TypedValue {
  /// Decodes a typed value.
  /// - Throws: ``TypedValueError`` naming the first problem.
  public static func decode(_ json: JSONValue) throws(TypedValueError) -> Value {
    guard case .object(let object) = json, object.count == 1 else {
      throw .malformed("expected an object with exactly one key naming the kind, found \(describe(json))")
    }
    let kind = object.keys[0]
    let payload = object.values[0]
    switch (kind, payload) {
    case ("null", .null):
      return .null
    case ("bool", .bool(let b)):
      return .bool(b)
    case ("int", .string(let s)):
      guard let i = Int64(s) else { throw .malformed("invalid int '\(s)'") }
      return .int(i)
    case ("int", .number(let n)):
      guard let i = n.int64Value else { throw .malformed("invalid int '\(n.text)'") }
      return .int(i)
    case ("uint", .string(let s)):
      guard let u = UInt64(s) else { throw .malformed("invalid uint '\(s)'") }
      return .uint(u)
    case ("uint", .number(let n)):
      guard let u = n.uint64Value else { throw .malformed("invalid uint '\(n.text)'") }
      return .uint(u)
    case ("double", .number(let n)):
      return .double(n.doubleValue)
    case ("double", .string(let s)):
      switch s {
      case "NaN": return .double(.nan)
      case "Infinity": return .double(.infinity)
      case "-Infinity": return .double(-.infinity)
      default: throw .malformed("invalid double '\(s)'")
      }
    case ("string", .string(let s)):
      return .string(s)
    case ("bytes_b64", .string(let s)):
      guard let bytes = Base64.decode(s) else { throw .malformed("invalid base64 '\(s)'") }
      return .bytes(bytes)
    case ("list", .array(let elements)):
      var values: [Value] = []
      values.reserveCapacity(elements.count)
      for element in elements { values.append(try decode(element)) }
      return .list(values)
    case ("map", .array(let entries)):
      return try decodeMap(entries)
    case ("type", .string(let name)):
      guard let type = type(named: name) else {
        throw name.contains(".") ? .unsupported("protobuf message types are not supported: '\(name)'") : .malformed("unknown type name '\(name)'")
      }
      return .type(type)
    case ("timestamp", .string(let s)):
      guard let t = JSONTimestamp.parse(s) else { throw .malformed("invalid timestamp '\(s)'") }
      return .timestamp(t)
    case ("duration", .string(let s)):
      guard let d = JSONDuration.parse(s) else { throw .malformed("invalid duration '\(s)'") }
      return .duration(d)
    case ("decimal", .string(let s)):
      guard let d = DecimalNumber(parsing: s) else { throw .malformed("invalid decimal '\(s)'") }
      return .decimal(d)
    case ("optional", .null):
      return .optional(OptionalBox(nil))
    case ("optional", _):
      return .optional(OptionalBox(try decode(payload)))
    case ("enum", _), ("object", _):
      throw .unsupported("protobuf '\(kind)' values are not supported")
    default:
      if ["null", "bool", "int", "uint", "double", "string", "bytes_b64", "list", "map", "type", "timestamp", "duration", "decimal"]
        .contains(kind)
      {
        throw .malformed("invalid '\(kind)' payload: \(describe(payload))")
      }
      throw .malformed("unknown value kind '\(kind)'")
    }
  }

  /// Parses and decodes a typed value from JSON text.
  public static func decode(_ text: String) throws(TypedValueError) -> Value {
    let json: JSONValue
    do {
      json = try JSONReader.parse(text)
    } catch {
      throw .malformed("malformed JSON at \(error.line):\(error.column): \(error.message)")
    }
    return try decode(json)
  }

  private static func decodeMap(_ entries: [JSONValue]) throws(TypedValueError) -> Value {
    var keys: [Value] = []
    var values: [Value] = []
    for entry in entries {
      guard case .object(let pair) = entry, pair.count == 2, let key = pair["key"], let value = pair["value"] else {
        throw .malformed("expected a map entry {\"key\": …, \"value\": …}, found \(describe(entry))")
      }
      keys.append(try decode(key))
      values.append(try decode(value))
    }
    switch MapValue.make(keys: keys, values: values) {
    case .success(let map): return .map(map)
    case .failure(.duplicateKey(let key)): throw .malformed("duplicate map key \(string(key))")
    case .failure(.unsupportedKey(let key)): throw .malformed("unsupported map key \(string(key))")
    }
  }

  /// The type a `{"type": name}` value denotes: `int`, `uint`, `double`, `bool`, `string`, `bytes`,
  /// `null_type`, `list`, `map`, `type`, `optional_type`, `dyn`, `decimal`,
  /// `google.protobuf.Timestamp`, `google.protobuf.Duration`; `nil` for any other name.
  ///
  /// `list`, `map`, `type` and `optional_type` are the unparameterized types (`list(dyn)`, …),
  /// as `type()` reports them at runtime.
  public static func type(named name: String) -> CELType? {
    switch name {
    case "int": .int
    case "uint": .uint
    case "double": .double
    case "bool": .bool
    case "string": .string
    case "bytes": .bytes
    case "null_type": .null
    case "list": .list(.dyn)
    case "map": .map(.dyn, .dyn)
    case "type": .type(.dyn)
    case "optional_type": .optional(.dyn)
    case "dyn": .dyn
    case "decimal": .decimal
    case "google.protobuf.Timestamp": .timestamp
    case "google.protobuf.Duration": .duration
    default: nil
    }
  }

  /// The typed-value JSON bytes of `value`.
  public static func encode(_ value: Value) -> [UInt8] {
    var writer = JSONWriter()
    write(value, to: &writer)
    return writer.bytes
  }

  /// The typed-value JSON text of `value`.
  public static func string(_ value: Value) -> String {
    String(decoding: encode(value), as: UTF8.self)
  }

  /// Appends the typed-value JSON of `value`.
  public static func write(_ value: Value, to writer: inout JSONWriter) {
    func open(_ kind: StaticString) {
      writer.append("{\"")
      writer.append(kind)
      writer.append("\":")
    }
    func quoted(_ body: (inout [UInt8]) -> Void) {
      writer.bytes.append(UInt8(ascii: "\""))
      body(&writer.bytes)
      writer.bytes.append(UInt8(ascii: "\""))
    }
    switch value {
    case .null:
      open("null")
      writer.append("null")
    case .bool(let b):
      open("bool")
      writer.append(b ? "true" : "false")
    case .int(let i):
      open("int")
      writer.writeString(String(i))
    case .uint(let u):
      open("uint")
      writer.writeString(String(u))
    case .double(let d):
      open("double")
      writer.writeDouble(d)
    case .decimal(let d):
      open("decimal")
      writer.writeString(d.description)
    case .string(let s):
      open("string")
      writer.writeString(s)
    case .bytes(let b):
      open("bytes_b64")
      quoted { Base64.append(b, to: &$0) }
    case .list(let elements):
      open("list")
      writer.bytes.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        write(element, to: &writer)
      }
      writer.bytes.append(UInt8(ascii: "]"))
    case .map(let map):
      writeMap(keys: map.keys, values: map.values, to: &writer)
      return
    case .object(let object):
      var keys: [Value] = []
      var values: [Value] = []
      for (field, fieldValue) in zip(object.type.fields, object.fields) {
        guard let fieldValue else { continue }
        keys.append(.string(field.name))
        values.append(fieldValue)
      }
      writeMap(keys: keys, values: values, to: &writer)
      return
    case .timestamp(let t):
      open("timestamp")
      quoted { JSONTimestamp.append(t, fraction: .protobuf, to: &$0) }
    case .duration(let d):
      open("duration")
      quoted { JSONDuration.append(d, fraction: .protobuf, to: &$0) }
    case .type(let t):
      open("type")
      writer.writeString(t.runtimeName)
    case .optional(let box):
      open("optional")
      if let wrapped = box.value { write(wrapped, to: &writer) } else { writer.append("null") }
    }
    writer.bytes.append(UInt8(ascii: "}"))
  }

  private static func writeMap(keys: [Value], values: [Value], to writer: inout JSONWriter) {
    writer.append("{\"map\":[")
    for i in keys.indices {
      if i > 0 { writer.bytes.append(UInt8(ascii: ",")) }
      writer.append("{\"key\":")
      write(keys[i], to: &writer)
      writer.append(",\"value\":")
      write(values[i], to: &writer)
      writer.bytes.append(UInt8(ascii: "}"))
    }
    writer.append("]}")
  }

  /// A short description of a JSON value for messages (`string "x"`, `array`).
  private static func describe(_ json: JSONValue) -> String {
    switch json {
    case .string(let s): "string " + SchemaDecoding.quoted(s)
    case .number(let n): "number " + n.text
    case .bool(let b): "bool \(b)"
    default: json.kindName
    }
  }
}

/// A typed value that could not be decoded.
public struct TypedValueError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A stable kind of failure.
  public var code: Code
  /// A lowercase phrase quoting the offending text.
  public var message: String

  /// Stable, snake_case kinds of typed-value failures.
  public enum Code: String, Sendable, Hashable {
    /// Not the documented encoding.
    case malformed = "typed_value_malformed"
    /// A protobuf kind (`enum`, `object`, message type names) that Proviso does not support.
    case unsupported = "typed_value_unsupported"
  }

  /// Creates an error.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  static func malformed(_ message: String) -> TypedValueError { TypedValueError(.malformed, message) }
  static func unsupported(_ message: String) -> TypedValueError { TypedValueError(.unsupported, message) }

  /// The same as ``message``.
  public var description: String { message }
}
