import Foundation

/// Writes ``Value``s and ``JSONValue``s as compact JSON (RFC 8259) UTF-8 bytes.
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
public struct JSONWriter {
  /// The bytes written so far.
  public var bytes: [UInt8]

  /// Starts an empty output with room for `capacity` bytes.
  public init(capacity: Int = 256) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

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

  /// The JSON bytes of a ``JSONValue`` tree.
  public static func encode(_ json: JSONValue) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(json)
    return writer.bytes
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

  /// Appends a ``JSONValue`` tree (numbers keep their source text).
  public mutating func write(_ json: JSONValue) {
    switch json {
    case .null: append("null")
    case .bool(let b): append(b ? "true" : "false")
    case .number(let n): bytes.append(contentsOf: n.text.utf8)
    case .string(let s): writeString(s)
    case .array(let elements):
      bytes.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        write(element)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let object):
      bytes.append(UInt8(ascii: "{"))
      for i in 0..<object.count {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        writeString(object.keys[i])
        bytes.append(UInt8(ascii: ":"))
        write(object.values[i])
      }
      bytes.append(UInt8(ascii: "}"))
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

  /// Appends ASCII text as is.
  @inline(__always) mutating func append(_ text: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Appends an integer in decimal.
  public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
    if value == 0 {
      bytes.append(UInt8(ascii: "0"))
      return
    }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits and a sign
    withUnsafeMutableBytes(of: &digits) { buffer in
      var i = buffer.count
      var magnitude = value.magnitude
      while magnitude != 0 {
        i -= 1
        buffer[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
        magnitude /= 10
      }
      if value < 0 {
        i -= 1
        buffer[i] = UInt8(ascii: "-")
      }
      bytes.append(contentsOf: buffer[i...])
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


  /// Whether any of the eight bytes in `word` is a quote, a backslash or below 0x20 (SWAR).
  @inline(__always) static func needsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quote = word ^ (ones &* 0x22)
    let backslash = word ^ (ones &* 0x5C)
    let zeroInQuote = (quote &- ones) & ~quote
    let zeroInBackslash = (backslash &- ones) & ~backslash
    let control = (word &- ones &* 0x20) & ~word
    return (zeroInQuote | zeroInBackslash | control) & highs != 0
  }

  /// Appends `text` as a JSON string: `"`, `\` and control characters escaped, the rest as UTF-8.
  public mutating func writeString(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      bytes.append(UInt8(ascii: "\""))
      var runStart = 0
      // Skip eight bytes at a time while none needs an escape.
      var clean = 0
      if let base = utf8.baseAddress {
        let raw = UnsafeRawPointer(base)
        while clean + 8 <= utf8.count && !JSONWriter.needsEscape(raw.loadUnaligned(fromByteOffset: clean, as: UInt64.self)) {
          clean += 8
        }
      }
      for i in clean..<utf8.count {
        let b = utf8[i]
        guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
        runStart = i + 1
        bytes.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
          let hexDigits: StaticString = "0123456789abcdef"
          bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
          bytes.append(hexDigits.utf8Start[Int(b >> 4)])
          bytes.append(hexDigits.utf8Start[Int(b & 0xF)])
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
      bytes.append(UInt8(ascii: "\""))
    }
  }
}
