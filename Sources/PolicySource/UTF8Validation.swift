/// Checks UTF-8 sequences byte by byte (Unicode 15, table 3-7): no overlong forms, no surrogates,
/// nothing above U+10FFFF. Shared by the YAML pre-flight check and the JSON scanner.
public enum UTF8Validation {
  /// The outcome of checking the sequence that starts at an offset.
  public enum Sequence: Equatable, Sendable {
    /// A valid sequence ending (exclusive) at this offset.
    case valid(end: Int)
    /// The byte at this offset cannot appear here.
    case invalid(at: Int)
    /// The input ends inside the sequence.
    case truncated
  }

  /// Checks the sequence starting at `i` (which must be a byte ≥ 0x80 or ASCII).
  @inline(__always)
  public static func sequence(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Sequence {
    let c = b[i]
    if c < 0x80 { return .valid(end: i + 1) }
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch c {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F
    default: return .invalid(at: i)
    }
    for j in 1..<length {
      guard i + j < b.count else { return .truncated }
      let d = b[i + j]
      let ok = j == 1 ? (d >= low && d <= high) : (d & 0xC0 == 0x80)
      if !ok { return .invalid(at: i + j) }
    }
    return .valid(end: i + length)
  }
}
