@_exported import PolicyExpr
import PolicyJSON

/// The service writes its wire JSON with the engine's ``JSONWriter``; these are the small
/// conveniences its hand-written encoders use (callers place the commas and brackets).
extension JSONWriter {
  /// Appends `text` verbatim; it must already be valid JSON in context (`{`, `,`, `"key":`, …).
  public mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Appends pre-encoded JSON bytes verbatim (for example a stored input document).
  public mutating func rawBytes<Bytes: Sequence<UInt8>>(_ json: Bytes) {
    bytes.append(contentsOf: json)
  }

  /// Appends `value` as a quoted, escaped JSON string.
  public mutating func string(_ value: String) { writeString(value) }

  /// Appends `"key":` with `key` escaped.
  public mutating func key(_ key: String) {
    writeString(key)
    bytes.append(UInt8(ascii: ":"))
  }

  /// Appends a decimal integer.
  public mutating func integer(_ value: Int) { writeInteger(value) }

  /// Appends `true` or `false`.
  public mutating func boolean(_ value: Bool) {
    if value { raw("true") } else { raw("false") }
  }

  /// Appends `null`.
  public mutating func null() { raw("null") }
}
