/// Renders diagnostics as `file:line:col: error[code]: message`, the source line, and a caret.
///
/// Diagnostics are sorted by file and position and capped at ``Limits/maxDiagnostics``; past the cap
/// one line says how many were left out.
public struct DiagnosticRenderer: Sendable {
  /// Whether to color the output with ANSI escapes (only on a terminal).
  public var colors: Bool
  /// The most diagnostics printed before the rest are summarized.
  public var limit: Int

  /// Creates a renderer.
  public init(colors: Bool = false, limit: Int = Limits.default.maxDiagnostics) {
    self.colors = colors
    self.limit = limit
  }

  /// Renders one diagnostic with its snippet.
  public func render(_ d: Diagnostic) -> String {
    var head = ""
    if let file = d.file {
      let loc = file.location(of: d.range.start)
      head = "\(file.path):\(loc.line):\(loc.column): "
    }
    let sev = d.severity.rawValue
    let label = colors ? (d.severity == .error ? "\u{1B}[1;31m\(sev)\u{1B}[0m" : "\u{1B}[1;33m\(sev)\u{1B}[0m") : sev
    var out = "\(head)\(label)[\(d.code)]: \(d.message)"
    if let file = d.file {
      let loc = file.location(of: d.range.start)
      let line = file.lineText(loc.line)
      let endLoc = file.location(of: max(d.range.start, d.range.end - 1))
      let width = endLoc.line == loc.line && d.range.end > d.range.start ? max(1, endLoc.column - loc.column + 1) : 1
      let prefix = String(line.unicodeScalars.prefix(loc.column - 1).map { $0 == "\t" ? "\t" : " " })
      let marker = "^" + String(repeating: "~", count: width - 1)
      out += "\n   | \(line)\n   | \(prefix)\(colors ? "\u{1B}[1;32m\(marker)\u{1B}[0m" : marker)"
    }
    if let hint = d.hint { out += "\n   = hint: \(hint)" }
    return out
  }

  /// Renders a list: sorted, capped, one block per diagnostic, separated by newlines.
  public func render(_ diagnostics: [Diagnostic]) -> String {
    let sorted = Self.sorted(diagnostics)
    var blocks = sorted.prefix(limit).map(render)
    if sorted.count > limit { blocks.append("\(sorted.count - limit) more errors were truncated") }
    return blocks.joined(separator: "\n")
  }

  /// Diagnostics in file order, then by position, then by severity.
  public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted { a, b in
      let (x, y) = (a.element, b.element)
      if (x.file?.path ?? "") != (y.file?.path ?? "") { return (x.file?.path ?? "") < (y.file?.path ?? "") }
      if x.range.start != y.range.start { return x.range.start < y.range.start }
      return a.offset < b.offset
    }.map(\.element)
  }
}
