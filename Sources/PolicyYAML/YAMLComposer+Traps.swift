import PolicySource

/// Turning libyaml's errors into diagnostics, recognizing the mistakes behind the confusing ones.
extension YAMLComposer {
  /// The diagnostic for a libyaml failure: a tab in indentation near the problem, an unquoted value
  /// with `: ` in it, or else libyaml's own problem and context.
  func syntaxDiagnostic(_ error: YAMLReaderError) -> Diagnostic {
    let file = self.file
    let problemLine = file.location(of: error.problemOffset).line
    // libyaml reports a tab at the tab's line or at the token after it, on the next line.
    let tabs = YAMLPreflight.tabIndents(bytes)
    if let tab = tabs.first(where: { file.location(of: $0).line == problemLine })
      ?? tabs.last(where: { file.location(of: $0).line == problemLine - 1 })
    {
      return .yamlTabIndent(offset: tab, file: file)
    }
    if error.problem == "mapping values are not allowed in this context",
      let value = unquotedValue(containing: error.problemOffset)
    {
      return .yamlColonInPlainScalar(value, offset: error.problemOffset, file: file)
    }
    return .yamlSyntax(error, file: file)
  }

  /// The unquoted value of `key: value` (or `- key: value`) on the line of `offset`, when `offset`
  /// lies inside the value, without a trailing comment.
  private func unquotedValue(containing offset: Int32) -> String? {
    let at = Int(offset)
    guard at < bytes.count else { return nil }
    var lineStart = at
    while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
    var lineEnd = at
    while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n"), bytes[lineEnd] != UInt8(ascii: "\r") {
      lineEnd += 1
    }
    // The key separator: the first ': ' on the line.
    var colon = lineStart
    while colon + 1 < lineEnd, !(bytes[colon] == UInt8(ascii: ":") && bytes[colon + 1] == UInt8(ascii: " ")) {
      colon += 1
    }
    guard colon + 1 < lineEnd, colon < at else { return nil }
    var valueStart = colon + 1
    while valueStart < lineEnd, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
    guard valueStart < at else { return nil }
    switch bytes[valueStart] {
    case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "|"),
      UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"):
      return nil
    default:
      break
    }
    var valueEnd = valueStart
    while valueEnd < lineEnd, !(bytes[valueEnd] == UInt8(ascii: "#") && YAMLScalarLocator.isBlank(bytes[valueEnd - 1])) {
      valueEnd += 1
    }
    while valueEnd > valueStart, YAMLScalarLocator.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
    return String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
  }
}
