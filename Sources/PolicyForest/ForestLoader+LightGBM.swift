import PolicySource
/// Reads LightGBM's text model (`Booster.save_model("m.txt")`): `key=value` lines, a header, then
/// `Tree=N` sections until `end of trees`.
extension ForestLoader {
  static func loadLightGBM(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(ForestError) -> Forest {
    var lines = LineCursor(bytes: bytes)
    var header: [String: Substring] = [:]
    var averageOutput = false
    var trees: [FlatTree] = []
    var section: [String: (start: Int, end: Int)] = [:]
    var inTree = false
    var treeStart = 0
    var sawEnd = false

    func finishTree() throws(ForestError) {
      trees.append(try lightGBMTree(section, bytes: bytes, index: trees.count, start: treeStart))
      section = [:]
    }

    while let (start, end) = lines.next() {
      let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
      if line.isEmpty { continue }
      if line.starts(with: "end of trees".utf8) {
        sawEnd = true
        break
      }
      guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else {
        if !inTree, line.elementsEqual("average_output".utf8) { averageOutput = true }
        continue
      }
      let key = String(decoding: line[..<eq], as: UTF8.self)
      if key == "Tree" {
        if inTree { try finishTree() }
        inTree = true
        treeStart = start
        continue
      }
      if inTree {
        section[key] = (start + eq + 1 - line.startIndex, end)
      } else {
        header[key] = Substring(String(decoding: line[(eq + 1)...], as: UTF8.self))
      }
    }
    guard sawEnd else { throw .corrupt("truncated LightGBM model: no 'end of trees' line", offset: bytes.count) }
    if inTree { try finishTree() }
    guard !trees.isEmpty else { throw .inconsistent("LightGBM model has no trees") }

    func int(_ key: String, default value: Int? = nil) throws(ForestError) -> Int {
      if let text = header[key], let v = Int(text) { return v }
      if let value { return value }
      throw .inconsistent("LightGBM model has no valid '\(key)' line")
    }
    let classCount = try int("num_class", default: 1)
    let perIteration = try int("num_tree_per_iteration", default: classCount)
    let featureCount = try int("max_feature_idx") + 1
    var featureNames = (header["feature_names"] ?? "").split(separator: " ").map(String.init)
    if featureNames.isEmpty { featureNames = (0..<featureCount).map { "Column_\($0)" } }
    guard featureNames.count == featureCount else {
      throw .inconsistent("LightGBM model has \(featureNames.count) feature names for max_feature_idx \(featureCount - 1)")
    }
    let objectiveParts = (header["objective"] ?? "").split(separator: " ")
    let objectiveName = objectiveParts.first.map(String.init) ?? ""
    let objective: Combiner.Objective
    let kind: ForestKind
    var classes: [String] = []
    switch objectiveName {
    case "binary":
      var scale = 1.0
      for part in objectiveParts.dropFirst() where part.hasPrefix("sigmoid:") {
        guard let v = Double(part.dropFirst(8)) else { throw .inconsistent("LightGBM objective has a bad '\(part)'") }
        scale = v
      }
      objective = .logistic(scale: scale)
      kind = .classifier
      classes = ["0", "1"]
    case "multiclass", "softmax":
      objective = .softmax
      kind = .classifier
      classes = (0..<classCount).map(String.init)
    case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1", "l1",
      "mean_absolute_error", "mae", "huber", "fair", "quantile", "mape":
      if objectiveParts.contains("sqrt") { throw .unsupported("LightGBM regression with 'sqrt' is not supported") }
      objective = .identity
      kind = .regressor
    default:
      throw .unsupported(
        "LightGBM objective '\(objectiveName)' is not supported (binary, multiclass, regression)")
    }
    let groups = kind == .classifier && classCount > 1 ? classCount : 1
    guard perIteration == groups else {
      throw .inconsistent("LightGBM num_tree_per_iteration \(perIteration) does not match \(groups) classes")
    }
    var builder = ForestBuilder(width: 1, featureCount: featureCount, rule: .lightgbm)
    for (i, tree) in trees.enumerated() { try builder.add(tree, index: i) }
    let treeGroups = (0..<trees.count).map { Int32($0 % groups) }
    return Forest(
      featureNames: featureNames, classes: classes, kind: kind,
      contentHash: "sha256:" + SHA256.hex(UnsafeRawBufferPointer(bytes)),
      source: ForestSource(
        format: "lightgbm-text", library: "lightgbm", libraryVersion: String(header["version"] ?? ""),
        estimator: objectiveName, path: path),
      storage: builder.storage(treeGroups: treeGroups, groupCount: groups),
      combiner: .lightgbm(objective, averageOutput: averageOutput))
  }

  /// Converts one `Tree=` section to a ``FlatTree``: internal nodes keep their indices, leaf `k`
  /// becomes node `num_leaves - 1 + k`.
  private static func lightGBMTree(
    _ section: [String: (start: Int, end: Int)], bytes: UnsafeBufferPointer<UInt8>, index: Int, start: Int
  ) throws(ForestError) -> FlatTree {
    func numbers(_ key: String) throws(ForestError) -> [Double] {
      guard let (s, e) = section[key] else { throw .inconsistent("LightGBM tree \(index) has no '\(key)' line") }
      var out: [Double] = []
      var reader = JSONReader(base: bytes.baseAddress!, count: e, position: s)
      while reader.position < e {
        while reader.position < e, bytes[reader.position] == UInt8(ascii: " ") { reader.position += 1 }
        if reader.position >= e { break }
        if bytes[reader.position] | 0x20 == UInt8(ascii: "i") || (bytes[reader.position] == UInt8(ascii: "-")
          && reader.position + 1 < e && bytes[reader.position + 1] | 0x20 == UInt8(ascii: "i"))
        {
          let negative = bytes[reader.position] == UInt8(ascii: "-")
          while reader.position < e, bytes[reader.position] != UInt8(ascii: " ") { reader.position += 1 }
          out.append(negative ? -.infinity : .infinity)
          continue
        }
        out.append(try reader.readDouble())
        if reader.position < e, bytes[reader.position] != UInt8(ascii: " ") {
          throw .corrupt("bad number in LightGBM tree \(index) '\(key)'", offset: reader.position)
        }
      }
      return out
    }
    func integers(_ key: String) throws(ForestError) -> [Int32] {
      var out: [Int32] = []
      for v in try numbers(key) {
        guard let i = Int32(exactly: v) else { throw .inconsistent("LightGBM tree \(index) '\(key)' holds \(v)") }
        out.append(i)
      }
      return out
    }
    let leafCount = Int(try integers("num_leaves").first ?? 0)
    guard leafCount >= 1 else { throw .inconsistent("LightGBM tree \(index) has num_leaves \(leafCount)") }
    if let cats = try? integers("num_cat"), let c = cats.first, c > 0 {
      throw .unsupported("LightGBM tree \(index) has categorical splits")
    }
    let leafValues = try numbers("leaf_value")
    guard leafValues.count == leafCount else {
      throw .inconsistent("LightGBM tree \(index) has \(leafValues.count) leaf values for num_leaves \(leafCount)")
    }
    let nodes = 2 * leafCount - 1
    var tree = FlatTree(
      left: [Int32](repeating: -1, count: nodes), right: [Int32](repeating: -1, count: nodes),
      feature: [Int32](repeating: 0, count: nodes), threshold: [Double](repeating: 0, count: nodes),
      flags: [UInt32](repeating: 0, count: nodes), leafValues: leafValues)
    guard leafCount > 1 else { return tree }
    let splitCount = leafCount - 1
    let feature = try integers("split_feature"), threshold = try numbers("threshold")
    let decision = try integers("decision_type"), left = try integers("left_child"), right = try integers("right_child")
    guard feature.count == splitCount, threshold.count == splitCount, decision.count == splitCount,
      left.count == splitCount, right.count == splitCount
    else { throw .inconsistent("LightGBM tree \(index) has split arrays of different lengths") }
    func node(_ child: Int32) throws(ForestError) -> Int32 {
      let n = child >= 0 ? Int(child) : splitCount + Int(~child)
      guard n >= 0, n < nodes, child < Int32(splitCount) else {
        throw .inconsistent("LightGBM tree \(index) has a child \(child) outside the tree")
      }
      return Int32(n)
    }
    for i in 0..<splitCount {
      if decision[i] & 1 != 0 { throw .unsupported("LightGBM tree \(index) has categorical splits") }
      tree.left[i] = try node(left[i])
      tree.right[i] = try node(right[i])
      tree.feature[i] = feature[i]
      tree.threshold[i] = threshold[i]
      tree.flags[i] = UInt32(truncatingIfNeeded: decision[i] >> 1) & 7
    }
    return tree
  }
}

/// Splits bytes into lines (without `\n` or `\r\n`), as (start, end) offsets.
private struct LineCursor {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0

  mutating func next() -> (Int, Int)? {
    guard position < bytes.count else { return nil }
    let start = position
    while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
    var end = position
    if position < bytes.count { position += 1 }
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return (start, end)
  }
}
