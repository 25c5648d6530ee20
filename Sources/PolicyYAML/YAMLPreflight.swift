/// Byte-level checks run before libyaml sees the file.
enum YAMLPreflight {
  /// The offset of the first byte that starts an invalid UTF-8 sequence (a stray continuation byte,
  /// a truncated, overlong or surrogate sequence, or a code point above U+10FFFF), or `nil`.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { b in
      var i = 0
      let n = b.count
      while i < n {
        let c = b[i]
        if c < 0x80 { i += 1; continue }
        let length: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F
        default: return i
        }
        guard i + length <= n, b[i + 1] >= lo, b[i + 1] <= hi else { return i }
        for j in 2..<length where b[i + j] & 0xC0 != 0x80 { return i }
        i += length
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
