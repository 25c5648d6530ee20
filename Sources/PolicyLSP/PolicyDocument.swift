import Foundation
import PolicyExpr
import PolicyRules
import PolicyYAML

/// One open document: its text as the editor holds it, and what the loader made of it.
///
/// The text is never read from disk; only files the policy references (models, GeoJSON regions)
/// are, relative to the document's folder, exactly as `proviso check` reads them.
struct PolicyDocument {
  /// The document's URI as the client sent it.
  let uri: String
  /// The client's version number.
  var version: Int
  /// The UTF-8 text (empty when over the size limit).
  let bytes: [UInt8]
  /// Positions, for converting to and from LSP.
  let index: LineIndex
  /// The diagnostics of loading it, the same as `proviso check`'s.
  let diagnostics: [Diagnostic]
  /// The YAML tree, when the text is YAML.
  let root: YAMLNode?
  /// The names, from this text or (when it does not decode) from the last text that did.
  let symbols: SymbolTable
  /// Whether ``symbols`` come from this text, so their declarations are positions in it. Borrowed
  /// names serve completion only.
  let symbolsAreCurrent: Bool

  /// Loads `text` of the document `uri`; `previous` lends its names while the text is broken.
  init(uri: String, version: Int, text: String, limits: Limits, previous: SymbolTable?) {
    self.uri = uri
    self.version = version
    let (path, directory) = Self.location(of: uri)
    let bytes = Array(text.utf8)
    guard bytes.count <= limits.maxPolicyBytes else {
      // The loader refuses it by its size alone; the text is not kept.
      diagnostics = YAMLLoader.load(SourceFile(path: path, bytes: bytes), limits: limits).1
      self.bytes = []
      index = LineIndex([])
      root = nil
      symbols = previous ?? SymbolTable()
      symbolsAreCurrent = false
      return
    }
    self.bytes = bytes
    index = LineIndex(bytes)
    let file = SourceFile(path: path, bytes: bytes)
    let (compiled, diagnostics) = PolicyLoader.load(file, limits: limits, directory: directory)
    self.diagnostics = diagnostics
    let (document, _) = YAMLLoader.load(file, limits: limits)
    root = document?.root
    if let compiled {
      symbols = SymbolTable(policy: compiled.policy, root: root, document: document, environment: compiled.environment)
      symbolsAreCurrent = true
    } else if let document, let policy = PolicyDecoder.decode(document).0 {
      symbols = SymbolTable(policy: policy, root: root, document: document, environment: nil)
      symbolsAreCurrent = true
    } else {
      symbols = previous ?? SymbolTable()
      symbolsAreCurrent = false
    }
  }

  /// The path shown in messages and the folder referenced files are read from. A `file:` URI gives
  /// its path and folder; any other URI (an unsaved buffer) gets a folder that does not exist, so
  /// it references no files.
  static func location(of uri: String) -> (path: String, directory: String) {
    if uri.hasPrefix("file:"), let url = URL(string: uri), url.isFileURL, !url.path.isEmpty {
      return (url.path, url.deletingLastPathComponent().path)
    }
    return (uri, "/nonexistent/proviso-lsp-unsaved-document")
  }
}
