/// RFC 3339 timestamps as JSON inputs and outputs carry them (`2026-12-31T00:00:00Z`).
///
/// Parsing is ``Timestamp``'s own (one reader for the language and the JSON layer); formatting
/// here writes bytes straight into a JSON buffer.
enum JSONTimestamp {
  /// How many fractional digits a formatted timestamp or duration gets.
  enum Fraction {
    /// None when the nanoseconds are zero, else 3, 6 or 9 (protobuf's JSON form).
    case protobuf
    /// As few as needed, trailing zeros dropped (Go's `RFC3339Nano`).
    case trimmed
  }

  /// Parses `YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)`; `nil` for anything else or out of range.
  static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Timestamp? { Timestamp(rfc3339: text) }

  /// Parses the UTF-8 of `text`.
  static func parse(_ text: String) -> Timestamp? {
    var copy = text
    return copy.withUTF8 { parse($0) }
  }

  /// Appends `timestamp` in UTC (`2009-02-13T23:31:30Z`).
  static func append(_ timestamp: Timestamp, fraction: Fraction, to out: inout [UInt8]) {
    let days = timestamp.seconds >= 0 ? timestamp.seconds / 86_400 : (timestamp.seconds - 86_399) / 86_400
    let secondOfDay = Int(timestamp.seconds - days * 86_400)
    let f = timestamp.fields()
    let (year, month, day) = (Int(f.year), Int(f.month) + JSONTimestamp.monthBase, Int(f.day))
    var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &buffer) { text in
      func put(_ value: Int, at start: Int, width: Int) {
        var v = value
        for i in stride(from: start + width - 1, through: start, by: -1) {
          text[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v % 10)
          v /= 10
        }
      }
      put(year, at: 0, width: 4)
      text[4] = UInt8(ascii: "-")
      put(month, at: 5, width: 2)
      text[7] = UInt8(ascii: "-")
      put(day, at: 8, width: 2)
      text[10] = UInt8(ascii: "T")
      put(secondOfDay / 3600, at: 11, width: 2)
      text[13] = UInt8(ascii: ":")
      put(secondOfDay / 60 % 60, at: 14, width: 2)
      text[16] = UInt8(ascii: ":")
      put(secondOfDay % 60, at: 17, width: 2)
      out.append(contentsOf: text[0..<19])
    }
    appendFraction(Int(timestamp.nanos), fraction: fraction, to: &out)
    out.append(UInt8(ascii: "Z"))
  }

  /// The RFC 3339 text of `timestamp` in UTC.
  static func format(_ timestamp: Timestamp, fraction: Fraction = .trimmed) -> String {
    var out: [UInt8] = []
    append(timestamp, fraction: fraction, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `.ddd…` for non-zero `nanos` (0 ..< 1e9).
  static func appendFraction(_ nanos: Int, fraction: Fraction, to out: inout [UInt8]) {
    guard nanos != 0 else { return }
    var width = 9
    var value = nanos
    switch fraction {
    case .protobuf:
      if value % 1_000_000 == 0 {
        width = 3
        value /= 1_000_000
      } else if value % 1_000 == 0 {
        width = 6
        value /= 1_000
      }
    case .trimmed:
      while value % 10 == 0 {
        value /= 10
        width -= 1
      }
    }
    out.append(UInt8(ascii: "."))
    appendDigits(value, width: width, to: &out)
  }

  /// Appends a non-negative `value` zero-padded to `width` (1 through 18) digits.
  static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    while divisor > 0 {
      out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor % 10))
      divisor /= 10
    }
  }

  /// `Timestamp.Fields.month` is 0-based (CEL's `getMonth()`); RFC 3339 months are 1-based.
  static let monthBase = 1
}
