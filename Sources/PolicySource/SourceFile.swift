/// A source text (a policy file, or one expression typed on the command line) with a line table.
///
/// Positions everywhere in Proviso are UTF-8 byte offsets into a `SourceFile`; lines and columns are
/// computed only when a diagnostic is printed.
public final class SourceFile: Sendable {
  /// The path shown in diagnostics (`<expr>` for text that did not come from a file).
  public let path: String
  /// The raw UTF-8 bytes of the text.
  public let bytes: [UInt8]
  /// Byte offsets at which each line starts; `lineStarts[0] == 0`.
  public let lineStarts: [Int32]

  /// Creates a source file from its text.
  public convenience init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  /// Creates a source file from raw bytes (which need not be valid UTF-8).
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    var starts: [Int32] = [0]
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(Int32(i + 1)) }
    self.lineStarts = starts
  }

  /// The text as a Swift string (invalid UTF-8 sequences are repaired with U+FFFD).
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Returns the 1-based line and 1-based column (in Unicode scalars, as libyaml counts) of `offset`.
  public func location(of offset: Int32) -> SourceLocation {
    let clamped = max(0, min(Int(offset), bytes.count))
    var lo = 0, hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if Int(lineStarts[mid]) <= clamped { lo = mid } else { hi = mid - 1 }
    }
    var column = 1
    var i = Int(lineStarts[lo])
    while i < clamped {
      // Count scalars: skip UTF-8 continuation bytes.
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    // A continuation byte at `clamped` itself would overcount by one scalar boundary; fine for carets.
    return SourceLocation(line: lo + 1, column: column)
  }

  /// The text of the 1-based line `line`, without its line terminator.
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = Int(lineStarts[line - 1])
    var end = line < lineStarts.count ? Int(lineStarts[line]) - 1 : bytes.count
    if end > start, end - 1 < bytes.count, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }
}

/// A 1-based line and a 1-based column counted in Unicode scalars.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, in Unicode scalars.
  public var column: Int
  /// Creates a location.
  public init(line: Int, column: Int) { self.line = line; self.column = column }
  public var description: String { "\(line):\(column)" }
}

/// A half-open range of UTF-8 byte offsets into a ``SourceFile``.
public struct SourceRange: Hashable, Sendable {
  /// The offset of the first byte.
  public var start: Int32
  /// The offset one past the last byte.
  public var end: Int32
  /// Creates a range; `end` is clamped to be at least `start`.
  public init(start: Int32, end: Int32) { self.start = start; self.end = max(start, end) }
  /// An empty range at `offset`.
  public init(at offset: Int32) { self.start = offset; self.end = offset }
  /// The range shifted by `delta` bytes.
  public func shifted(by delta: Int32) -> SourceRange { SourceRange(start: start + delta, end: end + delta) }
  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(start: min(start, other.start), end: max(end, other.end))
  }
}

/// Maps byte offsets of an expression string to byte offsets of the file that embeds it.
///
/// A YAML scalar's value is not always a contiguous slice of the file: a `|` block drops each line's
/// indentation, a folded or multi-line plain scalar joins lines. The mapping is a sorted list of
/// segments, each saying "expression offset `e` is file offset `f`", with offsets in between moving
/// together. A quoted scalar with escapes maps every offset inside it to the scalar's start.
public struct SourceMapping: Sendable, Hashable {
  /// Segment starts: expression offset and the file offset it corresponds to, sorted by expression offset.
  public var segments: [Segment]
  /// When set, every offset maps to this one (used when escapes make exact mapping impossible).
  public var collapsedTo: Int32?

  /// One piece of the mapping.
  public struct Segment: Sendable, Hashable {
    /// The offset in the expression text.
    public var expression: Int32
    /// The offset in the file.
    public var file: Int32
    /// Creates a segment.
    public init(expression: Int32, file: Int32) { self.expression = expression; self.file = file }
  }

  /// The mapping for text that is a contiguous slice starting at file offset `origin`.
  public static func contiguous(at origin: Int32) -> SourceMapping {
    SourceMapping(segments: [Segment(expression: 0, file: origin)], collapsedTo: nil)
  }

  /// The identity mapping, for an expression that is the whole file.
  public static let identity = contiguous(at: 0)

  /// A mapping where every offset maps to `offset`.
  public static func collapsed(to offset: Int32) -> SourceMapping {
    SourceMapping(segments: [], collapsedTo: offset)
  }

  /// Creates a mapping from segments.
  public init(segments: [Segment], collapsedTo: Int32? = nil) {
    self.segments = segments
    self.collapsedTo = collapsedTo
  }

  /// The file offset of expression offset `offset`.
  public func fileOffset(_ offset: Int32) -> Int32 {
    if let collapsedTo { return collapsedTo }
    guard !segments.isEmpty else { return offset }
    var best = segments[0]
    for s in segments where s.expression <= offset { best = s }
    return best.file + (offset - best.expression)
  }

  /// The file range of an expression range.
  public func fileRange(_ range: SourceRange) -> SourceRange {
    if let collapsedTo { return SourceRange(at: collapsedTo) }
    let start = fileOffset(range.start)
    let end = range.end > range.start ? fileOffset(range.end - 1) + 1 : start
    return SourceRange(start: start, end: end)
  }
}
