import PolicySource
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The parts of an XGBoost JSON model the scorer needs.
private struct XGBoostModel {
  var featureNames: [String] = []
  var baseScore: [Double] = []
  var classCount = 0
  var featureCount = 0
  var targetCount = 1
  var objective = ""
  var booster = ""
  var trees: [FlatTree] = []
  var treeInfo: [Int32] = []
  var version = ""
}

extension ForestLoader {
  /// Reads an XGBoost JSON model (`Booster.save_model("m.json")`, XGBoost 1.x to 3.x).
  ///
  /// A row goes left when `Float(x) < split_condition`; a NaN follows `default_left`. Margins are
  /// summed in `Float` from `base_score` (a probability for `binary:logistic`, turned into a margin).
  static func loadXGBoost(_ r: inout JSONReader, raw: UnsafeRawBufferPointer, path: String) throws(ForestError)
    -> Forest
  {
    var m = XGBoostModel()
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      switch key {
      case "learner": try readLearner(&r, &m)
      case "version":
        var parts: [String] = []
        try r.beginArray()
        var f = true
        while try r.nextElement(&f) { parts.append(String(Int(try r.readDouble()))) }
        m.version = parts.joined(separator: ".")
      default: try r.skipValue()
      }
    }
    try r.expectEnd()
    guard m.booster == "gbtree" else {
      throw .unsupported("XGBoost booster '\(m.booster)' is not supported (only 'gbtree')")
    }
    guard m.targetCount <= 1 else { throw .unsupported("multi-target XGBoost models are not supported") }
    guard m.featureCount > 0 else { throw .inconsistent("XGBoost model has num_feature 0") }
    if m.featureNames.isEmpty { m.featureNames = (0..<m.featureCount).map { "f\($0)" } }
    guard m.featureNames.count == m.featureCount else {
      throw .inconsistent("XGBoost model has \(m.featureNames.count) feature names for num_feature \(m.featureCount)")
    }
    let objective: Combiner.Objective
    let kind: ForestKind
    var groups = 1
    var classes: [String] = []
    switch m.objective {
    case "binary:logistic":
      objective = .logistic(scale: 1)
      kind = .classifier
      classes = ["0", "1"]
    case "multi:softprob", "multi:softmax":
      objective = .softmax
      kind = .classifier
      groups = m.classCount
      guard groups >= 2 else { throw .inconsistent("XGBoost model '\(m.objective)' has num_class \(groups)") }
      classes = (0..<groups).map(String.init)
    case "reg:squarederror", "reg:linear":
      objective = .identity
      kind = .regressor
    default:
      throw .unsupported(
        "XGBoost objective '\(m.objective)' is not supported (binary:logistic, multi:softprob, reg:squarederror)")
    }
    guard m.trees.count == m.treeInfo.count else {
      throw .inconsistent("XGBoost model has \(m.trees.count) trees but \(m.treeInfo.count) tree_info entries")
    }
    for (t, g) in m.treeInfo.enumerated() where g < 0 || Int(g) >= groups {
      throw .inconsistent("XGBoost tree \(t) belongs to output group \(g) of \(groups)")
    }
    var base = m.baseScore.isEmpty ? [0.5] : m.baseScore
    if base.count == 1 { base = [Double](repeating: base[0], count: groups) }
    guard base.count == groups else {
      throw .inconsistent("XGBoost base_score has \(base.count) values for \(groups) output groups")
    }
    var margins = base.map { Float($0) }
    if case .logistic = objective {
      let p = margins[0]
      guard p > 0, p < 1 else { throw .inconsistent("XGBoost base_score \(p) is not a probability") }
      margins[0] = -logf(1.0 / p - 1.0)
    }
    var builder = ForestBuilder(width: 1, featureCount: m.featureCount, rule: .xgboost)
    for (i, tree) in m.trees.enumerated() { try builder.add(tree, index: i) }
    return Forest(
      featureNames: m.featureNames, classes: classes, kind: kind,
      contentHash: "sha256:" + SHA256.hex(raw),
      source: ForestSource(
        format: "xgboost-json", library: "xgboost", libraryVersion: m.version, estimator: m.objective, path: path),
      storage: builder.storage(treeGroups: m.treeInfo, groupCount: groups),
      combiner: .xgboost(objective, baseMargins: margins))
  }

  private static func readLearner(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      switch key {
      case "feature_names": m.featureNames = try r.readStringArray()
      case "learner_model_param":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          switch k {
          case "base_score": m.baseScore = try parseNumberList(try r.readString(), what: "base_score")
          case "num_class": m.classCount = Int(try parseNumberList(try r.readString(), what: k).first ?? 0)
          case "num_feature": m.featureCount = Int(try parseNumberList(try r.readString(), what: k).first ?? 0)
          case "num_target": m.targetCount = Int(try parseNumberList(try r.readString(), what: k).first ?? 1)
          default: try r.skipValue()
          }
        }
      case "objective":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          if k == "name" { m.objective = try r.readString() } else { try r.skipValue() }
        }
      case "gradient_booster": try readBooster(&r, &m)
      default: try r.skipValue()
      }
    }
  }

  private static func readBooster(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      switch key {
      case "name": m.booster = try r.readString()
      case "model":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          switch k {
          case "trees":
            try r.beginArray()
            var ft = true
            while try r.nextElement(&ft) { m.trees.append(try readXGBoostTree(&r, index: m.trees.count)) }
          case "tree_info": m.treeInfo = try r.readInt32Array()
          default: try r.skipValue()
          }
        }
      default: try r.skipValue()
      }
    }
  }

  private static func readXGBoostTree(_ r: inout JSONReader, index: Int) throws(ForestError) -> FlatTree {
    var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], conditions: [Double] = []
    var defaultLeft: [Int32] = [], splitType: [Int32] = []
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      switch key {
      case "left_children": left = try r.readInt32Array()
      case "right_children": right = try r.readInt32Array()
      case "split_indices": feature = try r.readInt32Array()
      case "split_conditions": conditions = try r.readDoubleArray()
      case "default_left": defaultLeft = try r.readInt32Array()
      case "split_type": splitType = try r.readInt32Array()
      case "tree_param":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          if k == "size_leaf_vector", let v = try parseNumberList(try r.readString(), what: k).first, v > 1 {
            throw .unsupported("XGBoost tree \(index) has vector leaves")
          } else if k != "size_leaf_vector" {
            try r.skipValue()
          }
        }
      default: try r.skipValue()
      }
    }
    if splitType.contains(where: { $0 != 0 }) {
      throw .unsupported("XGBoost tree \(index) has categorical splits")
    }
    let n = left.count
    guard conditions.count == n, defaultLeft.count == n, feature.count == n else {
      throw .inconsistent("XGBoost tree \(index) has arrays of different lengths")
    }
    var leafValues: [Double] = []
    var threshold = [Double](repeating: 0, count: n)
    for i in 0..<n {
      // split_conditions are float32 values; parse as Double, round once to Float.
      let c = Double(Float(conditions[i]))
      if left[i] == -1 { leafValues.append(c) } else { threshold[i] = c }
    }
    return FlatTree(
      left: left, right: right, feature: feature, threshold: threshold, flags: defaultLeft.map { $0 != 0 ? 1 : 0 },
      leafValues: leafValues)
  }

  /// Parses `"5E-1"` or `"[1E0,2E0]"` (how XGBoost writes numbers inside strings).
  static func parseNumberList(_ text: String, what: String) throws(ForestError) -> [Double] {
    var body = Substring(text)
    if body.hasPrefix("["), body.hasSuffix("]") { body = body.dropFirst().dropLast() }
    if body.isEmpty { return [] }
    var out: [Double] = []
    for part in body.split(separator: ",") {
      guard let v = Double(part.trimmingSpaces()) else {
        throw .inconsistent("XGBoost \(what) '\(text)' is not a number")
      }
      out.append(v)
    }
    return out
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    var s = self
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return s
  }
}
