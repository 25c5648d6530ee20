/// Writes JSON text into a byte buffer by hand: no reflection, no intermediate dictionaries.
///
/// Callers place the commas and brackets; the writer escapes strings correctly (quote, backslash
/// and every control character below U+0020) and passes other UTF-8 through unchanged.
public struct JSONWriter: Sendable {
  /// The JSON text written so far, as UTF-8 bytes.
  public private(set) var bytes: [UInt8]

  /// Creates an empty writer with room for `capacity` bytes.
  public init(capacity: Int = 256) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Appends `text` verbatim; it must already be valid JSON in context (`{`, `,`, `"key":`, …).
  public mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Appends pre-encoded JSON bytes verbatim (for example a stored input document).
  public mutating func rawBytes<Bytes: Sequence<UInt8>>(_ json: Bytes) {
    bytes.append(contentsOf: json)
  }

  /// Appends `value` as a quoted, escaped JSON string.
  public mutating func string(_ value: String) {
    var value = value
    value.withUTF8 { appendEscaped($0) }
  }

  /// Appends `"key":` with `key` escaped.
  public mutating func key(_ key: String) {
    string(key)
    bytes.append(UInt8(ascii: ":"))
  }

  /// Appends a decimal integer.
  public mutating func integer(_ value: Int) {
    if value == 0 { bytes.append(UInt8(ascii: "0")); return }
    var magnitude = value.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      while magnitude > 0 {
        buffer[count] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      }
    }
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    withUnsafeBytes(of: &digits) { buffer in
      for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
    }
  }

  /// Appends `true` or `false`.
  public mutating func boolean(_ value: Bool) {
    if value { raw("true") } else { raw("false") }
  }

  /// Appends `null`.
  public mutating func null() { raw("null") }

  private static let hexDigits: StaticString = "0123456789abcdef"

  private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    var runStart = 0
    for index in 0..<text.count {
      let byte = text[index]
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
      if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
      runStart = index + 1
      bytes.append(UInt8(ascii: "\\"))
      switch byte {
      case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
      case 0x0A: bytes.append(UInt8(ascii: "n"))
      case 0x0D: bytes.append(UInt8(ascii: "r"))
      case 0x09: bytes.append(UInt8(ascii: "t"))
      case 0x08: bytes.append(UInt8(ascii: "b"))
      case 0x0C: bytes.append(UInt8(ascii: "f"))
      default:
        bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
        Self.hexDigits.withUTF8Buffer { hex in
          bytes.append(hex[Int(byte >> 4)])
          bytes.append(hex[Int(byte & 0x0F)])
        }
      }
    }
    if runStart < text.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...])) }
    bytes.append(UInt8(ascii: "\""))
  }
}
