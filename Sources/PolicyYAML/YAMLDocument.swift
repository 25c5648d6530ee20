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
