import PolicySource

/// Turning libyaml's errors into diagnostics, recognizing the mistakes behind the confusing ones.
extension YAMLComposer {
  /// The diagnostic for a libyaml failure: a tab in indentation near the problem, an unquoted value
  /// starting with `!` (a tag) or containing `: ` (a mapping), or else libyaml's own problem and context.
  func syntaxDiagnostic(_ error: YAMLReaderError) -> Diagnostic {
    let file = self.file
    let problemLine = file.location(of: error.problemOffset).line
    // libyaml reports a tab at the tab's line or at the token after it, on the next line.
    let tabs = YAMLPreflight.tabIndents(bytes)
    if let tab = tabs.first(where: { file.location(of: $0.offset).line == problemLine })
      ?? tabs.last(where: { !$0.blank && file.location(of: $0.offset).line == problemLine - 1 })
    {
      return .yamlTabIndent(offset: tab.offset, file: file)
    }
    let at = Int(error.problemOffset)
    if error.stage != .reader, at < bytes.count, bytes[at] == UInt8(ascii: ":"),
      error.problem.hasPrefix("did not find expected ','"), let value = flowValue(around: at),
      value.utf8.contains(subsequence: Self.questionMark)
    {
      // `{when: a ? b : c}`: inside a flow collection the colon ends the entry.
      return .yamlColonInPlainScalar(value, offset: error.problemOffset, file: file)
    }
    guard error.stage != .reader, let value = unquotedValue(around: at) else {
      return .yamlSyntax(error, file: file)
    }
    if bytes[value.start] == UInt8(ascii: "!") {
      // `require: !a && b`: the tag scanner fails on the rest of the expression.
      let end = min(lineEnd(from: value.start), value.start + value.text.utf8.count)
      return .yamlTagInScalar(value.text, range: SourceRange(start: Int32(value.start), end: Int32(end)), file: file)
    }
    // A value on the key's line cannot hold a nested mapping, so its `: ` is the mistake. On a
    // continuation line, `a ? b : c` has ` ? ` or a space before the colon; `bad: indent` has neither
    // and is more likely a misindented key.
    let colon = at
    if error.problem == Self.mappingValuesProblem, value.start < colon,
      value.start >= lineStart(of: colon) || value.text.utf8.contains(subsequence: Self.questionMark)
        || bytes[colon - 1] == UInt8(ascii: " ")
    {
      return .yamlColonInPlainScalar(value.text, offset: error.problemOffset, file: file)
    }
    return .yamlSyntax(error, file: file)
  }

  static let mappingValuesProblem = "mapping values are not allowed in this context"
  private static let questionMark = Array(" ? ".utf8)

  /// The unquoted value that contains `offset`: the text after `key: ` or `- ` on the offset's line,
  /// or on an earlier, less indented line when the value is a multi-line plain scalar. Its lines are
  /// joined with single spaces and a trailing comment is dropped.
  private func unquotedValue(around offset: Int) -> (start: Int, text: String)? {
    guard offset <= bytes.count else { return nil }
    var lineStart = offset
    while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
    let problemLineStart = lineStart
    let problemIndent = indentation(at: problemLineStart)
    var start = valueStart(onLineAt: lineStart, before: offset)
    // A continuation line of a multi-line plain scalar: look up for the line holding its key.
    var linesUp = 0
    while start == nil, lineStart > 0, linesUp < 50 {
      var previous = lineStart - 1
      while previous > 0, bytes[previous - 1] != UInt8(ascii: "\n") { previous -= 1 }
      lineStart = previous
      linesUp += 1
      if isBlankLine(at: lineStart) { continue }
      guard indentation(at: lineStart) < problemIndent else { return nil }
      start = valueStart(onLineAt: lineStart, before: lineEnd(from: lineStart))
      if start == nil { return nil }
    }
    guard let start, start < bytes.count else { return nil }
    switch bytes[start] {
    case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "|"),
      UInt8(ascii: ">"), UInt8(ascii: "#"):
      return nil
    default:
      break
    }
    return (start, foldedText(from: start, toEndOfLineAt: problemLineStart))
  }

  /// Where the value starts on the line at `lineStart`: after the first `: ` before `limit`, or after
  /// leading `- ` entries; `nil` when the line has neither or the value is empty.
  private func valueStart(onLineAt lineStart: Int, before limit: Int) -> Int? {
    let end = lineEnd(from: lineStart)
    var i = lineStart
    while i < end, bytes[i] == UInt8(ascii: " ") { i += 1 }
    var afterDash: Int?
    while i + 1 < end, bytes[i] == UInt8(ascii: "-"), bytes[i + 1] == UInt8(ascii: " ") {
      i += 2
      while i < end, bytes[i] == UInt8(ascii: " ") { i += 1 }
      afterDash = i
    }
    var colon = i
    while colon + 1 < end, !(bytes[colon] == UInt8(ascii: ":") && bytes[colon + 1] == UInt8(ascii: " ")) {
      colon += 1
    }
    var start: Int
    if colon + 1 < end, colon < limit {
      start = colon + 1
      while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }
    } else if let afterDash {
      start = afterDash
    } else {
      return nil
    }
    return start < end ? start : nil
  }

  /// The text from `start` to the end of the line at `lastLineStart`, lines joined with one space,
  /// a trailing ` #` comment and trailing blanks dropped.
  private func foldedText(from start: Int, toEndOfLineAt lastLineStart: Int) -> String {
    let lastLineEnd = lineEnd(from: lastLineStart)
    var out: [UInt8] = []
    var i = start
    while true {
      let end = lineEnd(from: i)
      var stop = i
      while stop < end, !(bytes[stop] == UInt8(ascii: "#") && stop > i && YAMLScalarLocator.isBlank(bytes[stop - 1])) {
        stop += 1
      }
      while stop > i, YAMLScalarLocator.isBlank(bytes[stop - 1]) { stop -= 1 }
      if !out.isEmpty, stop > i { out.append(UInt8(ascii: " ")) }
      out.append(contentsOf: bytes[i..<stop])
      guard end < lastLineEnd else { break }
      i = end
      while i < lastLineEnd, YAMLScalarLocator.isWhitespace(bytes[i]) { i += 1 }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The entry of a flow collection around the colon at `colon`: from after the previous `: `, `{`,
  /// `[` or `,` to before the next `,`, `}` or `]` on the same line, trimmed.
  private func flowValue(around colon: Int) -> String? {
    var start = colon
    while start > 0 {
      let c = bytes[start - 1]
      if c == UInt8(ascii: "\n") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[") || c == UInt8(ascii: ",") { break }
      if c == UInt8(ascii: ":"), start < colon, bytes[start] == UInt8(ascii: " ") { break }
      start -= 1
    }
    var end = colon + 1
    let lineEnd = lineEnd(from: colon)
    while end < lineEnd, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "}"), bytes[end] != UInt8(ascii: "]") {
      end += 1
    }
    while start < end, YAMLScalarLocator.isBlank(bytes[start]) { start += 1 }
    while end > start, YAMLScalarLocator.isBlank(bytes[end - 1]) { end -= 1 }
    guard start < colon else { return nil }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  private func lineStart(of offset: Int) -> Int {
    var start = offset
    while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
    return start
  }

  private func lineEnd(from offset: Int) -> Int {
    var end = offset
    while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
    return end
  }

  private func indentation(at lineStart: Int) -> Int {
    var i = lineStart
    while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
    return i - lineStart
  }

  private func isBlankLine(at lineStart: Int) -> Bool {
    var i = lineStart
    while i < bytes.count, YAMLScalarLocator.isBlank(bytes[i]) { i += 1 }
    return i >= bytes.count || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r")
      || bytes[i] == UInt8(ascii: "#")
  }
}

extension Collection where Element: Equatable {
  /// Whether `subsequence` occurs contiguously in the collection.
  func contains(subsequence: [Element]) -> Bool {
    guard !subsequence.isEmpty else { return true }
    var i = startIndex
    while i != endIndex {
      if self[i...].starts(with: subsequence) { return true }
      i = index(after: i)
    }
    return false
  }
}
