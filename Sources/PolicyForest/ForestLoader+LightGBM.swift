import PolicySource

/// Header keys of LightGBM's text model that Proviso reads, or knows not to change predictions
/// (`label_index`, `feature_infos`, `tree_sizes`, `monotone_constraints`). Any other key is
/// refused: a key we do not know might change the scores.
private let lightGBMHeaderKeys: Set<String> = [
  "version", "num_class", "num_tree_per_iteration", "label_index", "max_feature_idx", "objective",
  "feature_names", "feature_infos", "tree_sizes", "monotone_constraints",
]

/// Keys of a `Tree=` section that Proviso reads, or knows not to change predictions (the
/// training statistics, `shrinkage`, already applied to the values). Any other key is refused.
private let lightGBMTreeKeys: Set<String> = [
  "num_leaves", "num_cat", "split_feature", "split_gain", "threshold", "decision_type", "left_child",
  "right_child", "leaf_value", "leaf_weight", "leaf_count", "internal_value", "internal_weight",
  "internal_count", "cat_boundaries", "cat_threshold", "is_linear", "leaf_const", "num_features",
  "leaf_features", "leaf_coeff", "shrinkage",
]

/// The lines of a LightGBM text model, split into the header and one key table per tree.
private struct LightGBMSections {
  typealias Section = [String: (start: Int, end: Int)]
  var header: [String: Substring] = [:]
  var averageOutput = false
  var trees: [Section] = []
}

/// Reads LightGBM's text model (`Booster.save_model("m.txt")`): `key=value` lines, a header, then
/// `Tree=N` sections until `end of trees`.
extension ForestLoader {
  static func loadLightGBM(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(ForestError) -> Forest {
    let text = try lightGBMSections(bytes)
    let header = text.header
    func int(_ key: String, default value: Int? = nil) throws(ForestError) -> Int {
      if let text = header[key], let v = Int(text) { return v }
      if header[key] == nil, let value { return value }
      throw .inconsistent("LightGBM model has no valid '\(key)' line")
    }
    let classCount = try int("num_class", default: 1)
    let perIteration = try int("num_tree_per_iteration", default: classCount)
    let maxFeature = try int("max_feature_idx")
    guard maxFeature >= 0, maxFeature < ForestLoader.maxFeatures else {
      throw .unsupported("LightGBM model has max_feature_idx \(maxFeature) (at most \(ForestLoader.maxFeatures) features)")
    }
    let featureCount = maxFeature + 1
    var featureNames = (header["feature_names"] ?? "").split(separator: " ").map(String.init)
    if featureNames.isEmpty { featureNames = (0..<featureCount).map { "Column_\($0)" } }
    guard featureNames.count == featureCount else {
      throw .inconsistent("LightGBM model has \(featureNames.count) feature names for max_feature_idx \(featureCount - 1)")
    }
    let (objective, kind, objectiveName) = try lightGBMObjective(header["objective"] ?? "", classCount: classCount)
    let groups = kind == .classifier && classCount > 1 ? classCount : 1
    guard perIteration == groups else {
      throw .inconsistent("LightGBM num_tree_per_iteration \(perIteration) does not match \(groups) classes")
    }
    guard !text.trees.isEmpty else { throw .inconsistent("LightGBM model has no trees") }
    guard text.trees.count % groups == 0 else {
      throw .inconsistent("LightGBM model has \(text.trees.count) trees, not a multiple of \(groups) per iteration")
    }
    var trees: [FlatTree] = []
    for (i, section) in text.trees.enumerated() { trees.append(try lightGBMTree(section, bytes: bytes, index: i)) }
    var builder = ForestBuilder(
      width: 1, featureCount: featureCount, rule: .lightgbm, linear: trees.contains { $0.linear != nil })
    for (i, tree) in trees.enumerated() { try builder.add(tree, index: i) }
    let treeGroups = (0..<trees.count).map { Int32($0 % groups) }
    var classes: [String] = []
    if kind == .classifier { classes = groups == 1 ? ["0", "1"] : (0..<groups).map(String.init) }
    return Forest(
      featureNames: featureNames, classes: classes, kind: kind,
      contentHash: "sha256:" + SHA256.hex(UnsafeRawBufferPointer(bytes)),
      source: ForestSource(
        format: "lightgbm-text", library: "lightgbm", libraryVersion: String(header["version"] ?? ""),
        estimator: objectiveName, path: path),
      storage: builder.storage(treeGroups: treeGroups, groupCount: groups),
      combiner: .lightgbm(objective, averageOutput: text.averageOutput))
  }

  /// Splits the file into header keys and tree sections, refusing unknown keys and lines, and
  /// reads the `pandas_categorical:` line after `end of trees`.
  private static func lightGBMSections(_ bytes: UnsafeBufferPointer<UInt8>) throws(ForestError) -> LightGBMSections {
    var lines = LineCursor(bytes: bytes)
    var out = LightGBMSections()
    var section: LightGBMSections.Section?
    var sawEnd = false
    var first = true
    while let (start, end) = lines.next() {
      let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
      defer { first = false }
      if line.isEmpty { continue }
      if line.elementsEqual("end of trees".utf8) {
        sawEnd = true
        break
      }
      guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else {
        if first, line.elementsEqual("tree".utf8) { continue }
        if section == nil, line.elementsEqual("average_output".utf8) {
          out.averageOutput = true
          continue
        }
        throw .unsupported("LightGBM model has an unknown line '\(String(decoding: line.prefix(60), as: UTF8.self))'")
      }
      let key = String(decoding: line[..<eq], as: UTF8.self)
      if key == "Tree" {
        if let section { out.trees.append(section) }
        guard Int(String(decoding: line[(eq + 1)...], as: UTF8.self)) == out.trees.count else {
          throw .inconsistent("LightGBM tree \(out.trees.count) is headed '\(String(decoding: line, as: UTF8.self))'")
        }
        section = [:]
      } else if section != nil {
        guard lightGBMTreeKeys.contains(key) else {
          throw .unsupported("LightGBM tree \(out.trees.count) has an unknown key '\(key)'")
        }
        guard section![key] == nil else { throw .inconsistent("LightGBM tree \(out.trees.count) repeats '\(key)'") }
        section![key] = (start + eq + 1 - line.startIndex, end)
      } else {
        guard lightGBMHeaderKeys.contains(key) else { throw .unsupported("LightGBM model has an unknown header key '\(key)'") }
        guard out.header[key] == nil else { throw .inconsistent("LightGBM model repeats '\(key)'") }
        out.header[key] = Substring(String(decoding: line[(eq + 1)...], as: UTF8.self))
      }
    }
    guard sawEnd else { throw .corrupt("truncated LightGBM model: no 'end of trees' line", offset: bytes.count) }
    if let section { out.trees.append(section) }
    // The Python package records pandas categorical columns here; it maps their values to codes
    // before predicting, which Proviso does not do.
    let marker = "pandas_categorical:".utf8
    while let (start, end) = lines.next() {
      let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
      guard line.starts(with: marker) else { continue }
      let value = line.dropFirst(marker.count)
      guard value.elementsEqual("null".utf8) || value.elementsEqual("[]".utf8) else {
        throw .unsupported("LightGBM model was trained on pandas categorical columns")
      }
    }
    return out
  }

  /// The objective line (`binary sigmoid:1`, `multiclass num_class:3`, `regression`, ...) as a
  /// transform, a kind and the objective's name. Parameters other than the ones that change the
  /// transform are refused.
  private static func lightGBMObjective(_ line: Substring, classCount: Int) throws(ForestError)
    -> (Combiner.Objective, ForestKind, String)
  {
    let parts = line.split(separator: " ")
    let name = parts.first.map(String.init) ?? ""
    var parameters: [String: Double] = [:]
    for part in parts.dropFirst() {
      guard let colon = part.firstIndex(of: ":"), let v = Double(part[part.index(after: colon)...]), v.isFinite,
        parameters.updateValue(v, forKey: String(part[..<colon])) == nil
      else {
        if part == "sqrt" { throw .unsupported("LightGBM regression with 'sqrt' is not supported") }
        throw .unsupported("LightGBM objective '\(line)' has an unsupported parameter '\(part)'")
      }
    }
    func expect(_ keys: Set<String>) throws(ForestError) {
      guard Set(parameters.keys) == keys else {
        let wanted = keys.isEmpty ? "no parameters" : "exactly the parameters " + keys.sorted().joined(separator: ", ")
        throw .unsupported("LightGBM objective '\(line)' is supported with \(wanted)")
      }
      if let n = parameters["num_class"], n != Double(classCount) {
        throw .inconsistent("LightGBM objective '\(line)' does not match num_class \(classCount)")
      }
      if let s = parameters["sigmoid"], !(s > 0) {
        throw .inconsistent("LightGBM objective '\(line)' has a sigmoid scale that is not positive")
      }
    }
    let multiclass = name == "multiclass" || name == "multiclassova"
    if multiclass, classCount < 2 { throw .inconsistent("LightGBM \(name) model has num_class \(classCount)") }
    switch name {
    case "binary":
      try expect(["sigmoid"])
      guard classCount == 1 else { throw .inconsistent("LightGBM binary model has num_class \(classCount)") }
      return (.logistic(scale: parameters["sigmoid"]!), .classifier, name)
    case "multiclass":
      try expect(["num_class"])
      return (.softmax, .classifier, name)
    case "multiclassova":
      try expect(["num_class", "sigmoid"])
      return (.oneVsAll(scale: parameters["sigmoid"]!), .classifier, name)
    case "regression", "regression_l1", "huber", "fair", "quantile", "mape":
      try expect([])  // these output the raw score
      guard classCount == 1 else { throw .inconsistent("LightGBM regression model has num_class \(classCount)") }
      return (.identity, .regressor, name)
    default:
      throw .unsupported(
        "LightGBM objective '\(name)' is not supported (binary, multiclass, multiclassova, regression, "
          + "regression_l1, huber, fair, quantile, mape)")
    }
  }

  /// Converts one `Tree=` section to a ``FlatTree``: internal nodes keep their indices, leaf `k`
  /// becomes node `num_leaves - 1 + k`.
  private static func lightGBMTree(
    _ section: LightGBMSections.Section, bytes: UnsafeBufferPointer<UInt8>, index: Int
  ) throws(ForestError) -> FlatTree {
    let field = LightGBMField(section: section, bytes: bytes, tree: index)
    let leafCount = Int(try field.integers("num_leaves").first ?? 0)
    guard leafCount >= 1 else { throw .inconsistent("LightGBM tree \(index) has num_leaves \(leafCount)") }
    guard try field.integers("num_cat") == [0] else { throw .unsupported("LightGBM tree \(index) has categorical splits") }
    let leafValues = try field.numbers("leaf_value")
    guard leafValues.count == leafCount else {
      throw .inconsistent("LightGBM tree \(index) has \(leafValues.count) leaf values for num_leaves \(leafCount)")
    }
    let nodes = 2 * leafCount - 1
    var tree = FlatTree(
      left: [Int32](repeating: -1, count: nodes), right: [Int32](repeating: -1, count: nodes),
      feature: [Int32](repeating: 0, count: nodes), threshold: [Double](repeating: 0, count: nodes),
      flags: [UInt32](repeating: 0, count: nodes), leafValues: leafValues)
    tree.linear = try lightGBMLinearLeaves(field, leafCount: leafCount)
    guard leafCount > 1 else { return tree }
    let splitCount = leafCount - 1
    let feature = try field.integers("split_feature"), threshold = try field.numbers("threshold")
    let decision = try field.integers("decision_type")
    let left = try field.integers("left_child"), right = try field.integers("right_child")
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

  /// The leaves' linear models of a tree with `is_linear=1` (`nil` for `is_linear=0` or none):
  /// `leaf_const` and `num_features` per leaf, then `leaf_features` and `leaf_coeff` concatenated.
  private static func lightGBMLinearLeaves(_ field: LightGBMField, leafCount: Int) throws(ForestError) -> LinearLeaves? {
    guard field.has("is_linear") else { return nil }
    let flag = try field.integers("is_linear")
    guard flag == [0] || flag == [1] else { throw .inconsistent("LightGBM tree \(field.tree) has is_linear \(flag)") }
    guard flag == [1] else { return nil }
    let constants = try field.numbers("leaf_const"), counts = try field.integers("num_features")
    let features = try field.integers("leaf_features"), coefficients = try field.numbers("leaf_coeff")
    guard constants.count == leafCount, counts.count == leafCount, counts.allSatisfy({ $0 >= 0 }),
      counts.reduce(0, { $0 + Int($1) }) == features.count, coefficients.count == features.count
    else { throw .inconsistent("LightGBM tree \(field.tree) has linear leaf arrays of the wrong lengths") }
    var offsets: [Int32] = [0]
    for c in counts { offsets.append(offsets.last! + c) }
    return LinearLeaves(constants: constants, offsets: offsets, features: features, coefficients: coefficients)
  }
}

/// Reads the space-separated numbers of one `Tree=` section's lines.
private struct LightGBMField {
  let section: LightGBMSections.Section
  let bytes: UnsafeBufferPointer<UInt8>
  let tree: Int

  func has(_ key: String) -> Bool { section[key] != nil }

  /// The numbers of line `key` (LightGBM writes `inf` and `-inf` for infinite thresholds).
  func numbers(_ key: String) throws(ForestError) -> [Double] {
    guard let (s, e) = section[key] else { throw .inconsistent("LightGBM tree \(tree) has no '\(key)' line") }
    var out: [Double] = []
    var reader = JSONReader(base: bytes.baseAddress!, count: e, position: s)
    while reader.position < e {
      while reader.position < e, bytes[reader.position] == UInt8(ascii: " ") { reader.position += 1 }
      if reader.position >= e { break }
      if bytes[reader.position] | 0x20 == UInt8(ascii: "i")
        || (bytes[reader.position] == UInt8(ascii: "-") && reader.position + 1 < e
          && bytes[reader.position + 1] | 0x20 == UInt8(ascii: "i"))
      {
        let negative = bytes[reader.position] == UInt8(ascii: "-")
        while reader.position < e, bytes[reader.position] != UInt8(ascii: " ") { reader.position += 1 }
        out.append(negative ? -.infinity : .infinity)
        continue
      }
      out.append(try reader.readDouble())
      if reader.position < e, bytes[reader.position] != UInt8(ascii: " ") {
        throw .corrupt("bad number in LightGBM tree \(tree) '\(key)'", offset: reader.position)
      }
    }
    return out
  }

  /// The integers of line `key`.
  func integers(_ key: String) throws(ForestError) -> [Int32] {
    var out: [Int32] = []
    for v in try numbers(key) {
      guard let i = Int32(exactly: v) else { throw .inconsistent("LightGBM tree \(tree) '\(key)' holds \(v)") }
      out.append(i)
    }
    return out
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
