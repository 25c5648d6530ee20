import PolicySource
/// Byte-level checks run before libyaml sees the file.
enum YAMLPreflight {
  /// The offset of the first byte that starts an invalid UTF-8 sequence (a stray continuation byte,
  /// a truncated, overlong or surrogate sequence, or a code point above U+10FFFF), or `nil`.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { b in
      var i = 0
      while i < b.count {
        if b[i] < 0x80 { i += 1; continue }
        guard case .valid(let end) = UTF8Validation.sequence(b, at: i) else { return i }
        i = end
      }
      return nil
    }
  }

  /// The first tab among each line's leading whitespace, and whether the line is otherwise blank.
  static func tabIndents(_ bytes: UnsafeBufferPointer<UInt8>) -> [(offset: Int32, blank: Bool)] {
    var result: [(offset: Int32, blank: Bool)] = []
    var i = 0
    let n = bytes.count
    while i < n {
      var tab: Int?
      while i < n, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") {
        if bytes[i] == UInt8(ascii: "\t"), tab == nil { tab = i }
        i += 1
      }
      if let tab {
        result.append((Int32(tab), i >= n || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r")))
      }
      while i < n, bytes[i] != UInt8(ascii: "\n") { i += 1 }
      i += 1
    }
    return result
  }
}
