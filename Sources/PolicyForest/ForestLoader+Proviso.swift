import PolicySource
/// The metadata of a Proviso model, shared by the JSON and the compact form.
struct ProvisoHeader {
  var format = ""
  var formatVersion = -1
  var contentHash = ""
  var kind = ""
  var library = ""
  var libraryVersion = ""
  var estimator = ""
  var featureNames: [String] = []
  var classes: [String] = []
  var outputCount = -1

  /// Reads one header key; returns `false` when `key` is not a header key.
  mutating func read(_ key: String, _ r: inout ModelJSONReader) throws(ForestError) -> Bool {
    switch key {
    case "format": format = try r.readString()
    case "format_version":
      let v = try r.readDouble()
      formatVersion = v == v.rounded() && abs(v) < 1e9 ? Int(v) : -2
    case "content_hash": contentHash = try r.readString()
    case "kind": kind = try r.readString()
    case "library": library = try r.readString()
    case "library_version": libraryVersion = try r.readString()
    case "estimator": estimator = try r.readString()
    case "feature_names": featureNames = try r.readStringArray()
    case "classes": classes = try r.readStringArray()
    case "n_outputs": outputCount = Int(try r.readInt32())
    default: return false
    }
    return true
  }

  /// Checks the format and version keys read so far (before the bulk of the file is parsed).
  func checkFormatSoFar() throws(ForestError) {
    if !format.isEmpty, format != "proviso-forest" {
      throw .init(code: "model_unknown_format", message: "format '\(format)' is not 'proviso-forest'")
    }
    if formatVersion != -1, formatVersion != 1 {
      throw .init(
        code: "model_unknown_version",
        message: "format_version \(formatVersion) is not supported (this build reads version 1)")
    }
  }

  /// Checks the format, version, kind and output count; returns the kind.
  func validated() throws(ForestError) -> ForestKind {
    try checkFormatSoFar()
    guard format == "proviso-forest" else {
      throw .init(code: "model_unknown_format", message: "format '\(format)' is not 'proviso-forest'")
    }
    guard formatVersion == 1 else { throw .inconsistent("model has no format_version") }
    guard let kind = ForestKind(rawValue: self.kind) else {
      throw .inconsistent("kind '\(self.kind)' is neither 'classifier' nor 'regressor'")
    }
    guard !featureNames.isEmpty else { throw .inconsistent("model has no feature_names") }
    switch kind {
    case .classifier:
      guard classes.count >= 2, outputCount == classes.count else {
        throw .inconsistent("n_outputs \(outputCount) does not match \(classes.count) classes")
      }
    case .regressor:
      guard outputCount == 1 else { throw .inconsistent("a regressor has n_outputs \(outputCount), not 1") }
    }
    guard contentHash.hasPrefix("sha256:"), contentHash.utf8.count == 71 else {
      throw .inconsistent("content_hash '\(contentHash)' is not 'sha256:' and 64 hex digits")
    }
    return kind
  }
}

extension ForestLoader {
  /// Reads a `proviso-forest` JSON document (docs/models.md) and verifies its content hash.
  static func loadProvisoJSON(_ r: inout ModelJSONReader, path: String) throws(ForestError) -> Forest {
    var header = ProvisoHeader()
    var trees: [FlatTree] = []
    var sawTrees = false
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      if try header.read(key, &r) { continue }
      if key == "trees" {
        // The header keys come first in exported files; check the version before the bulk.
        try header.checkFormatSoFar()
        sawTrees = true
        try r.beginArray()
        var firstTree = true
        while try r.nextElement(&firstTree) {
          trees.append(try readTree(&r, index: trees.count, width: max(header.outputCount, 1)))
        }
      } else {
        try r.skipValue()
      }
    }
    try r.expectEnd()
    let kind = try header.validated()
    guard sawTrees, !trees.isEmpty else { throw .inconsistent("model has no trees") }
    var hasher = CanonicalHasher(header: header)
    var builder = ForestBuilder(width: header.outputCount, featureCount: header.featureNames.count, rule: .sklearn)
    for (i, tree) in trees.enumerated() {
      try builder.add(tree, index: i)
      hasher.add(tree)
    }
    let computed = hasher.finalize()
    guard "sha256:" + computed == header.contentHash else {
      throw .hashMismatch(declared: header.contentHash, computed: computed)
    }
    return Forest(
      featureNames: header.featureNames, classes: kind == .classifier ? header.classes : [], kind: kind,
      contentHash: header.contentHash,
      source: ForestSource(
        format: "proviso-forest/1", library: header.library, libraryVersion: header.libraryVersion,
        estimator: header.estimator, path: path),
      storage: builder.storage(treeGroups: [Int32](repeating: 0, count: trees.count), groupCount: 1),
      combiner: .average)
  }

  private static func readTree(_ r: inout ModelJSONReader, index: Int, width: Int) throws(ForestError) -> FlatTree {
    var tree = FlatTree(left: [], right: [], feature: [], threshold: [], flags: [], leafValues: [])
    var seen = Set<String>()
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      seen.insert(key)
      switch key {
      case "children_left": tree.left = try r.readInt32Array()
      case "children_right": tree.right = try r.readInt32Array()
      case "feature": tree.feature = try r.readInt32Array()
      case "threshold": tree.threshold = try r.readDoubleArray()
      case "missing_go_to_left": tree.flags = try r.readInt32Array().map { $0 != 0 ? 1 : 0 }
      case "value": tree.leafValues = try r.readDoubleArray()
      default: try r.skipValue()
      }
    }
    for required in ["children_left", "children_right", "feature", "threshold", "missing_go_to_left", "value"]
    where !seen.contains(required) {
      throw .inconsistent("tree \(index) has no '\(required)' array")
    }
    return tree
  }
}

/// SHA-256 over a model's canonical content (docs/models.md, "Content hash").
struct CanonicalHasher {
  private var sha = SHA256()

  init(header: ProvisoHeader) {
    sha.update(Array("proviso-forest/1".utf8) + [0])
    text(header.kind)
    u32(header.featureNames.count)
    for name in header.featureNames { text(name) }
    u32(header.classes.count)
    for c in header.classes { text(c) }
    u32(header.outputCount)
  }

  private var pendingTrees: [FlatTree] = []

  mutating func add(_ tree: FlatTree) { pendingTrees.append(tree) }

  mutating func finalize() -> String {
    u32(pendingTrees.count)
    for tree in pendingTrees {
      u32(tree.left.count)
      tree.left.withUnsafeBytes { sha.update($0) }
      tree.right.withUnsafeBytes { sha.update($0) }
      tree.feature.withUnsafeBytes { sha.update($0) }
      tree.threshold.withUnsafeBytes { sha.update($0) }
      sha.update(tree.flags.map { UInt8($0 & 1) })
      tree.leafValues.withUnsafeBytes { sha.update($0) }
    }
    return sha.finalizeHex()
  }

  private mutating func u32(_ v: Int) {
    let x = UInt32(truncatingIfNeeded: v).littleEndian
    withUnsafeBytes(of: x) { sha.update($0) }
  }

  private mutating func text(_ s: String) {
    let bytes = Array(s.utf8)
    u32(bytes.count)
    sha.update(bytes)
  }
}
