/// Writes compact JSON (RFC 8259) as UTF-8 bytes: the one JSON writer and its one string escaping.
///
/// Strings escape only what JSON requires: `"` and `\` as `\"` and `\\`, the control characters
/// below U+0020 as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`; everything else (U+2028, astral
/// characters, DEL) is written as its UTF-8. Output is always one line: no raw line break survives.
/// PolicyExpr extends it with `write(_: Value)`; the decision service with its wire helpers.
public struct JSONWriter {
  /// The bytes written so far.
  public var bytes: [UInt8]

  /// Starts an empty output with room for `capacity` bytes.
  public init(capacity: Int = 256) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// The JSON bytes of a ``JSONValue`` tree.
  public static func encode(_ json: JSONValue) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(json)
    return writer.bytes
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

  /// Appends ASCII text as is.
  @inline(__always) public mutating func append(_ text: StaticString) {
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
    text.withUTF8 { utf8 in JSONWriter.appendQuoted(utf8, to: &bytes) }
  }

  /// Appends the UTF-8 string `utf8` to `out` quoted and escaped as ``writeString(_:)`` does: the
  /// one escaping of JSON strings (also used for canonical forms, see ``JSONScanner/startCanonical()``).
  public static func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
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
      out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
      runStart = i + 1
      out.append(UInt8(ascii: "\\"))
      switch b {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
      case 0x0A: out.append(UInt8(ascii: "n"))
      case 0x0D: out.append(UInt8(ascii: "r"))
      case 0x09: out.append(UInt8(ascii: "t"))
      case 0x08: out.append(UInt8(ascii: "b"))
      case 0x0C: out.append(UInt8(ascii: "f"))
      default:
        let hexDigits: StaticString = "0123456789abcdef"
        out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
        out.append(hexDigits.utf8Start[Int(b >> 4)])
        out.append(hexDigits.utf8Start[Int(b & 0xF)])
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    out.append(UInt8(ascii: "\""))
  }
}

extension JSONWriter {
  /// The canonical one-line form of a JSON document: what ``encode(_:)`` writes for
  /// `JSONReader.parse(bytes)` (keys in document order, numbers as written, no insignificant
  /// whitespace, strings escaped the writer's way), made in one checking pass without a tree.
  /// Duplicate keys are not looked for here (the tree reader and the schema decoder refuse them);
  /// both members are kept, in order.
  ///
  /// - Throws: ``JSONError`` when `bytes` are not one JSON document (the reader's rules and limits).
  public static func canonical(_ bytes: UnsafeRawBufferPointer, maxNesting: Int = JSONReader.maxNesting) throws(JSONError) -> [UInt8] {
    var scanner = JSONScanner(bytes.bindMemory(to: UInt8.self))
    scanner.startCanonical()
    try scanner.skipValue(depth: 0, maxNesting: maxNesting)
    try scanner.expectEnd()
    return scanner.finishCanonical() ?? []
  }

  /// The canonical one-line form of the JSON document `bytes` (see ``canonical(_:maxNesting:)-(UnsafeRawBufferPointer,_)``).
  public static func canonical(_ bytes: [UInt8], maxNesting: Int = JSONReader.maxNesting) throws(JSONError) -> [UInt8] {
    let result = bytes.withUnsafeBytes { raw in Result { () throws(JSONError) in try canonical(raw, maxNesting: maxNesting) } }
    return try result.get()
  }
}
