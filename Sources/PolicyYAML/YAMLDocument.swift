import PolicySource

/// A loaded YAML document: its root node (if the file is not empty) and the file it came from.
public struct YAMLDocument: Sendable {
  /// The root node, or `nil` when the file holds no document (empty, or only comments).
  public var root: YAMLNode?
  /// The file the document was loaded from; node ranges are UTF-8 byte offsets into it.
  public var file: SourceFile

  /// Creates a document.
  public init(root: YAMLNode?, file: SourceFile) {
    self.root = root
    self.file = file
  }
}

extension YAMLDocument {
  /// The node's text exactly as written in the file, including quotes, tag and anchor
  /// (`"0.90"`, `!!str 42`, a whole `|` block with its indicator).
  public func sourceText(of node: YAMLNode) -> String {
    let start = max(0, min(Int(node.range.start), file.bytes.count))
    let end = max(start, min(Int(node.range.end), file.bytes.count))
    return String(decoding: file.bytes[start..<end], as: UTF8.self)
  }
}
