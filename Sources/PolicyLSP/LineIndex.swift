import PolicyExpr

/// Converts between UTF-8 byte offsets (what ``PolicySource`` stores) and LSP positions: a 0-based
/// line and a 0-based character offset counted in UTF-16 code units (LSP 3.17's default
/// `positionEncoding`, `utf-16`).
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as LSP defines them.
public struct LineIndex: Sendable {
  /// The UTF-8 text.
  public let bytes: [UInt8]
  /// The byte offset at which each line starts; `lineStarts[0] == 0`.
  public let lineStarts: [Int]

  /// Indexes `bytes` (UTF-8).
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    var starts = [0]
    var i = 0
    while i < bytes.count {
      if bytes[i] == 13 {
        if i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
        starts.append(i + 1)
      } else if bytes[i] == 10 {
        starts.append(i + 1)
      }
      i += 1
    }
    lineStarts = starts
  }

  /// The LSP position of byte `offset` (clamped to the text).
  public func position(of offset: Int) -> Position {
    let offset = max(0, min(offset, bytes.count))
    var lo = 0, hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    var units = 0
    var i = lineStarts[lo]
    while i < offset {
      units += Self.utf16Units(lead: bytes[i])
      i += 1
    }
    return Position(line: lo, character: units)
  }

  /// The byte offset of an LSP position. A line past the end is the end of the text; a character
  /// past the end of its line is the line's end (as LSP asks); a character inside a surrogate
  /// pair is the start of that scalar.
  public func offset(of position: Position) -> Int {
    guard position.line >= 0 else { return 0 }
    guard position.line < lineStarts.count else { return bytes.count }
    let end = lineEnd(position.line)
    var i = lineStarts[position.line]
    var units = 0
    while i < end {
      let width = Self.utf16Units(lead: bytes[i])
      if width > 0 {
        if units + width > position.character { break }
        units += width
      }
      i += 1
      while i < end, bytes[i] & 0xC0 == 0x80 { i += 1 }
    }
    return i
  }

  /// The byte offset where line `line` ends, before its terminator.
  public func lineEnd(_ line: Int) -> Int {
    var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
    if end > lineStarts[line], line + 1 < lineStarts.count {
      end -= 1
      if bytes[end] == 10, end > lineStarts[line], bytes[end - 1] == 13 { end -= 1 }
    }
    return end
  }

  /// The UTF-16 code units a UTF-8 sequence starting with `lead` encodes: 0 for a continuation
  /// byte, 2 for a four-byte sequence (a surrogate pair), else 1.
  @inline(__always) static func utf16Units(lead: UInt8) -> Int {
    if lead & 0xC0 == 0x80 { return 0 }
    return lead >= 0xF0 ? 2 : 1
  }
}

/// A position in a document as LSP counts: 0-based line, 0-based UTF-16 code unit in the line.
public struct Position: Sendable, Hashable {
  /// The 0-based line.
  public var line: Int
  /// The 0-based character, in UTF-16 code units.
  public var character: Int
  /// Creates a position.
  public init(line: Int, character: Int) { self.line = line; self.character = character }

  var json: JSONValue { .record(["line": .int(line), "character": .int(character)]) }

  init?(json: JSONValue?) {
    guard let line = json?["line"]?.intValue, let character = json?["character"]?.intValue, line >= 0, character >= 0 else { return nil }
    self.init(line: line, character: character)
  }
}

extension LineIndex {
  /// An LSP `Range` object for a byte range.
  func rangeJSON(_ start: Int, _ end: Int) -> JSONValue {
    .record(["start": position(of: start).json, "end": position(of: max(start, end)).json])
  }
}
