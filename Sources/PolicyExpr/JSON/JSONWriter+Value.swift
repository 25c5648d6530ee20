import Foundation
import PolicyJSON

/// Writing ``Value``s with PolicyJSON's ``JSONWriter`` (compact JSON, its one string escaping).
///
/// How values map to JSON:
/// - `int` and `uint`: numbers, exact (consumers that read numbers as doubles lose precision past 2^53).
/// - `double`: the shortest text that round-trips (`0.1`, `1.0`, `-0.0`, `1e+16`); NaN and the
///   infinities, which JSON lacks, become the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
/// - `decimal`: a string (`"225000.00"`), so money never passes through a double.
/// - `timestamp`: an RFC 3339 string in UTC with as many fractional digits as needed;
///   `duration`: seconds with an `s` suffix (`"3.5s"`); `bytes`: a standard base64 string.
/// - `list`: an array; `map`: an object, with non-string keys written as their text (`1`, `true`);
///   an object value: its present fields in declaration order.
/// - `optional`: the wrapped value, or `null`; `type`: its name (`"list(int)"`); `null`: `null`.
extension JSONWriter {
  /// The JSON bytes of `value`.
  public static func encode(_ value: Value) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(value)
    return writer.bytes
  }

  /// The JSON text of `value`.
  public static func string(_ value: Value) -> String {
    String(decoding: encode(value), as: UTF8.self)
  }

  /// Appends `value`.
  public mutating func write(_ value: Value) {
    switch value {
    case .null: append("null")
    case .bool(let b): append(b ? "true" : "false")
    case .int(let i): writeInteger(i)
    case .uint(let u): writeInteger(u)
    case .double(let d): writeDouble(d)
    case .decimal(let d): writeDecimal(d)
    case .string(let s): writeString(s)
    case .bytes(let b):
      bytes.append(UInt8(ascii: "\""))
      Base64.append(b, to: &bytes)
      bytes.append(UInt8(ascii: "\""))
    case .list(let elements):
      bytes.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        write(element)
      }
      bytes.append(UInt8(ascii: "]"))
    case .map(let map):
      bytes.append(UInt8(ascii: "{"))
      for i in 0..<map.count {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        writeKey(map.keys[i])
        bytes.append(UInt8(ascii: ":"))
        write(map.values[i])
      }
      bytes.append(UInt8(ascii: "}"))
    case .timestamp(let t):
      bytes.append(UInt8(ascii: "\""))
      JSONTimestamp.append(t, fraction: .trimmed, to: &bytes)
      bytes.append(UInt8(ascii: "\""))
    case .duration(let d):
      bytes.append(UInt8(ascii: "\""))
      JSONDuration.append(d, fraction: .trimmed, to: &bytes)
      bytes.append(UInt8(ascii: "\""))
    case .type(let t): writeString(t.description)
    case .object(let object):
      bytes.append(UInt8(ascii: "{"))
      var first = true
      for (field, fieldValue) in zip(object.type.fields, object.fields) {
        guard let fieldValue else { continue }
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        writeString(field.name)
        bytes.append(UInt8(ascii: ":"))
        write(fieldValue)
      }
      bytes.append(UInt8(ascii: "}"))
    case .optional(let box):
      if let wrapped = box.value { write(wrapped) } else { append("null") }
    }
  }

  /// Appends a map key as a JSON object key.
  private mutating func writeKey(_ key: Value) {
    switch key {
    case .string(let s): writeString(s)
    case .int(let i): writeString(String(i))
    case .uint(let u): writeString(String(u))
    case .bool(let b): writeString(b ? "true" : "false")
    default:
      var nested = JSONWriter(capacity: 16)
      nested.write(key)
      writeString(String(decoding: nested.bytes, as: UTF8.self))
    }
  }

  /// Appends a double: shortest round-trip text, or a string for NaN and the infinities.
  public mutating func writeDouble(_ value: Double) {
    if value.isNaN {
      append("\"NaN\"")
    } else if value.isInfinite {
      append(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
    } else {
      bytes.append(contentsOf: value.description.utf8)
    }
  }

  /// Appends a decimal as a JSON string in plain notation (`"225000.5"`), the same text as
  /// ``DecimalNumber/description``.
  ///
  /// Significands that fit a UInt64 are formatted here, ten times faster than Foundation's
  /// `Decimal.description`; larger ones fall back to it.
  public mutating func writeDecimal(_ value: DecimalNumber) {
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: value.description.utf8)
    bytes.append(UInt8(ascii: "\""))
  }
}
