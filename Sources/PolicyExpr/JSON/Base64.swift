/// Standard base64 (RFC 4648 §4) for `bytes` values.
enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// Appends the padded base64 text of `bytes`.
  static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
    var i = 0
    while i + 3 <= bytes.count {
      let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
      out.append(alphabet[Int(v >> 18 & 63)])
      out.append(alphabet[Int(v >> 12 & 63)])
      out.append(alphabet[Int(v >> 6 & 63)])
      out.append(alphabet[Int(v & 63)])
      i += 3
    }
    let rest = bytes.count - i
    if rest > 0 {
      let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
      out.append(alphabet[Int(v >> 18 & 63)])
      out.append(alphabet[Int(v >> 12 & 63)])
      out.append(rest == 2 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
      out.append(UInt8(ascii: "="))
    }
  }

  /// The base64 text of `bytes`.
  static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    append(bytes, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes standard base64; padding may be omitted. Returns `nil` for any other character.
  static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    var end = text.count
    if end > 0 && text[end - 1] == UInt8(ascii: "=") { end -= 1 }
    if end > 0 && text[end - 1] == UInt8(ascii: "=") { end -= 1 }
    if end < text.count && text.count % 4 != 0 { return nil }
    guard end % 4 != 1 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(end / 4 * 3 + 2)
    var accumulator: UInt32 = 0
    var bits = 0
    for i in 0..<end {
      let c = text[i]
      let v: UInt8
      switch c {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
      case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
      case UInt8(ascii: "+"): v = 62
      case UInt8(ascii: "/"): v = 63
      default: return nil
      }
      accumulator = accumulator << 6 | UInt32(v)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return out
  }

  /// Decodes the UTF-8 of `text`.
  static func decode(_ text: String) -> [UInt8]? {
    var copy = text
    return copy.withUTF8 { decode($0) }
  }
}
