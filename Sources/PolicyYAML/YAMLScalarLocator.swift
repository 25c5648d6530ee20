import PolicySource

/// Works out where a scalar's value bytes sit in the file, from the scalar's source text.
///
/// libyaml reports only where a scalar starts and ends. The locator cuts the source text into the
/// fragments that survive into the value (each line's content, indentation and quotes removed) and
/// aligns them with the value in order, allowing only the spaces and line breaks that folding inserts
/// between them. When every fragment is found the mapping is exact; otherwise (escapes, unusual
/// indentation) every offset maps to the scalar's start.
struct YAMLScalarLocator {
  /// The whole file.
  let bytes: UnsafeBufferPointer<UInt8>

  /// Where the scalar token itself starts: after any `&anchor` and `!tag` properties.
  func tokenStart(nodeStart: Int32, end: Int32, hasProperties: Bool) -> Int32 {
    guard hasProperties else { return nodeStart }
    var i = Int(nodeStart)
    let limit = min(Int(end), bytes.count)
    while i < limit {
      let c = bytes[i]
      if c == UInt8(ascii: "&") || c == UInt8(ascii: "!") {
        while i < limit, !Self.isWhitespace(bytes[i]) { i += 1 }
      } else if Self.isWhitespace(c) {
        i += 1
      } else if c == UInt8(ascii: "#") {
        while i < limit, bytes[i] != UInt8(ascii: "\n") { i += 1 }
      } else {
        break
      }
    }
    return Int32(i)
  }

  /// The mapping for a scalar whose token spans `start..<end` in the file.
  func mapping(value: String, style: YAMLNode.Scalar.Style, start: Int32, end: Int32) -> SourceMapping {
    var value = value
    return value.withUTF8 { mapping(value: $0, style: style, start: Int(start), end: Int(min(end, Int32(bytes.count)))) }
  }

  private func mapping(value: UnsafeBufferPointer<UInt8>, style: YAMLNode.Scalar.Style, start: Int, end: Int)
    -> SourceMapping
  {
    let collapsed = SourceMapping.collapsed(to: Int32(start))
    guard start <= end else { return collapsed }
    var fragments: [Range<Int>] = []
    switch style {
    case .plain:
      if matches(value, start..<end) { return .contiguous(at: Int32(start)) }
      fragments = flowFragments(start..<end, trimFirstLeading: true, trimLastTrailing: true)
    case .singleQuoted, .doubleQuoted:
      let inner = min(start + 1, end)..<max(min(start + 1, end), end - 1)
      if matches(value, inner) { return .contiguous(at: Int32(inner.lowerBound)) }
      if style == .doubleQuoted, bytes[inner].contains(UInt8(ascii: "\\")) { return collapsed }
      fragments = flowFragments(inner, trimFirstLeading: false, trimLastTrailing: false)
      if style == .singleQuoted { fragments = splitQuotePairs(fragments) }
    case .literal, .folded:
      var lineStart = start
      while lineStart < end, bytes[lineStart] != UInt8(ascii: "\n") { lineStart += 1 }
      lineStart += 1
      guard lineStart <= end else { return .contiguous(at: Int32(min(lineStart, bytes.count))) }
      fragments = blockFragments(lineStart..<end, value: value)
      if fragments.isEmpty { return .contiguous(at: Int32(lineStart)) }
    }
    return align(value, fragments) ?? collapsed
  }

  /// Whether the value is exactly the file bytes in `range`.
  private func matches(_ value: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    guard value.count == range.count else { return false }
    var i = range.lowerBound
    for b in value {
      if bytes[i] != b { return false }
      i += 1
    }
    return true
  }

  /// The lines of a flow scalar (plain or quoted) with folding whitespace trimmed: leading whitespace
  /// from every line but the first, trailing whitespace from every line but the last.
  private func flowFragments(_ range: Range<Int>, trimFirstLeading: Bool, trimLastTrailing: Bool) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var lineStart = range.lowerBound
    var first = true
    while lineStart <= range.upperBound {
      var lineEnd = lineStart
      while lineEnd < range.upperBound, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      let last = lineEnd >= range.upperBound
      var lo = lineStart
      var hi = lineEnd
      if !first || trimFirstLeading { while lo < hi, Self.isBlank(bytes[lo]) { lo += 1 } }
      if !last || trimLastTrailing {
        while hi > lo, Self.isBlank(bytes[hi - 1]) || bytes[hi - 1] == UInt8(ascii: "\r") { hi -= 1 }
      }
      if hi > lo { result.append(lo..<hi) }
      if last { break }
      lineStart = lineEnd + 1
      first = false
    }
    return result
  }

  /// Splits fragments at each `''` of a single-quoted scalar: the first quote stands for the value's
  /// `'`, the second is dropped.
  private func splitQuotePairs(_ fragments: [Range<Int>]) -> [Range<Int>] {
    var result: [Range<Int>] = []
    for fragment in fragments {
      var lo = fragment.lowerBound
      var i = lo
      while i + 1 < fragment.upperBound {
        if bytes[i] == UInt8(ascii: "'"), bytes[i + 1] == UInt8(ascii: "'") {
          result.append(lo..<(i + 1))
          lo = i + 2
          i += 2
        } else {
          i += 1
        }
      }
      if lo < fragment.upperBound { result.append(lo..<fragment.upperBound) }
    }
    return result
  }

  /// The content of each line of a block scalar with its indentation removed.
  ///
  /// The indentation is found by comparing the first non-blank line with the value: the value's first
  /// line keeps any spaces beyond the indentation.
  private func blockFragments(_ range: Range<Int>, value: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var lines: [Range<Int>] = []
    var lineStart = range.lowerBound
    while lineStart < range.upperBound {
      var lineEnd = lineStart
      while lineEnd < range.upperBound, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      var hi = lineEnd
      if hi > lineStart, bytes[hi - 1] == UInt8(ascii: "\r") { hi -= 1 }
      lines.append(lineStart..<hi)
      lineStart = lineEnd + 1
    }
    guard let firstContent = lines.first(where: { line in line.contains { bytes[$0] != UInt8(ascii: " ") } })
    else { return [] }
    let lineSpaces = firstContent.prefix { bytes[$0] == UInt8(ascii: " ") }.count
    var v = 0
    while v < value.count, value[v] == UInt8(ascii: "\n") { v += 1 }
    var valueSpaces = 0
    while v + valueSpaces < value.count, value[v + valueSpaces] == UInt8(ascii: " ") { valueSpaces += 1 }
    let indent = max(0, lineSpaces - valueSpaces)
    var result: [Range<Int>] = []
    for line in lines {
      if line.count <= indent, line.allSatisfy({ bytes[$0] == UInt8(ascii: " ") }) { continue }
      let lo = line.lowerBound + min(indent, line.count)
      if lo < line.upperBound { result.append(lo..<line.upperBound) }
    }
    return result
  }

  /// Finds each fragment in the value, in order, skipping only inserted spaces and line breaks.
  private func align(_ value: UnsafeBufferPointer<UInt8>, _ fragments: [Range<Int>]) -> SourceMapping? {
    var segments: [SourceMapping.Segment] = []
    segments.reserveCapacity(fragments.count)
    var v = 0
    for fragment in fragments {
      var k = v
      var found = false
      while k + fragment.count <= value.count {
        if fragmentMatches(value, at: k, fragment) { found = true; break }
        let gap = value[k]
        guard gap == UInt8(ascii: " ") || gap == UInt8(ascii: "\n") else { break }
        k += 1
      }
      guard found else { return nil }
      segments.append(.init(expression: Int32(k), file: Int32(fragment.lowerBound)))
      v = k + fragment.count
    }
    while v < value.count {
      guard value[v] == UInt8(ascii: " ") || value[v] == UInt8(ascii: "\n") else { return nil }
      v += 1
    }
    return segments.isEmpty ? nil : SourceMapping(segments: segments)
  }

  private func fragmentMatches(_ value: UnsafeBufferPointer<UInt8>, at k: Int, _ fragment: Range<Int>) -> Bool {
    var j = k
    for i in fragment {
      if value[j] != bytes[i] { return false }
      j += 1
    }
    return true
  }

  @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
  @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
  }
}
