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
  /// `learner.attributes.best_iteration`, written by early stopping (0-based).
  var bestIteration: Int?
  /// `gbtree_model_param.num_parallel_tree` and `num_trees`, when present.
  var parallelTrees: Int?
  var declaredTreeCount: Int?
  /// `iteration_indptr` (XGBoost 2.0 and later): the first tree of each boosting round, then the tree count.
  var iterationStarts: [Int32]?
  /// The number of classes `softmax_multiclass_param` declares, when present.
  var objectiveClassCount: Int?
}

/// Keys whose values do not change predictions: training statistics and parameters.
private let xgboostIgnoredTreeKeys: Set<String> = [
  "base_weights", "loss_changes", "parents", "sum_hessian", "leaf_child_cnt",
]

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
        while try r.nextElement(&f) {
          guard let part = Int(exactly: try r.readDouble()) else { throw .inconsistent("XGBoost model has a bad version") }
          parts.append(String(part))
        }
        m.version = parts.joined(separator: ".")
      default: throw unknownKey(key, in: "the model")
      }
    }
    try r.expectEnd()
    guard m.booster == "gbtree" else {
      throw .unsupported("XGBoost booster '\(m.booster)' is not supported (only 'gbtree')")
    }
    guard m.targetCount <= 1 else { throw .unsupported("multi-target XGBoost models are not supported") }
    guard m.featureCount > 0 else { throw .inconsistent("XGBoost model has num_feature 0") }
    guard m.featureCount <= ForestLoader.maxFeatures else {
      throw .unsupported("XGBoost model has num_feature \(m.featureCount) (at most \(ForestLoader.maxFeatures))")
    }
    if m.featureNames.isEmpty { m.featureNames = (0..<m.featureCount).map { "f\($0)" } }
    guard m.featureNames.count == m.featureCount else {
      throw .inconsistent("XGBoost model has \(m.featureNames.count) feature names for num_feature \(m.featureCount)")
    }
    let (objective, kind, groups, classes) = try xgboostObjective(m)
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
    if let n = m.declaredTreeCount, n != m.trees.count {
      throw .inconsistent("XGBoost model declares num_trees \(n) but has \(m.trees.count) trees")
    }
    try keepBestIteration(&m, groups: groups)
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

  /// The transform, kind, output-group count and class labels of the supported objectives.
  private static func xgboostObjective(_ m: XGBoostModel) throws(ForestError)
    -> (Combiner.Objective, ForestKind, Int, [String])
  {
    switch m.objective {
    case "binary:logistic":
      return (.logistic(scale: 1), .classifier, 1, ["0", "1"])
    case "multi:softprob", "multi:softmax":
      let groups = m.classCount
      guard groups >= 2, groups <= m.trees.count else {
        throw .inconsistent("XGBoost model '\(m.objective)' has num_class \(groups) and \(m.trees.count) trees")
      }
      if let n = m.objectiveClassCount, n != groups {
        throw .inconsistent("XGBoost objective declares \(n) classes, learner_model_param \(groups)")
      }
      return (.softmax, .classifier, groups, (0..<groups).map(String.init))
    case "reg:squarederror", "reg:linear":
      return (.identity, .regressor, 1, [])
    default:
      throw .unsupported(
        "XGBoost objective '\(m.objective)' is not supported (binary:logistic, multi:softprob, reg:squarederror)")
    }
  }

  private static func readLearner(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    var seen = Set<String>()
    while let key = try r.nextKey(&first) {
      guard seen.insert(key).inserted else { throw .inconsistent("XGBoost learner repeats '\(key)'") }
      switch key {
      case "feature_names": m.featureNames = try r.readStringArray()
      case "feature_types":
        if try r.readStringArray().contains("c") {
          throw .unsupported("XGBoost model has categorical features (feature_types 'c')")
        }
      case "attributes": try readAttributes(&r, &m)
      case "learner_model_param":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          switch k {
          case "base_score": m.baseScore = try parseNumberList(try r.readString(), what: "base_score")
          case "num_class": m.classCount = try parseCount(try r.readString(), what: k)
          case "num_feature": m.featureCount = try parseCount(try r.readString(), what: k)
          case "num_target": m.targetCount = try parseCount(try r.readString(), what: k)
          case "boost_from_average": try r.skipValue()  // how base_score was chosen in training
          default: throw unknownKey(k, in: "learner_model_param")
          }
        }
      case "objective": try readObjective(&r, &m)
      case "gradient_booster": try readBooster(&r, &m)
      default: throw unknownKey(key, in: "the learner")
      }
    }
  }

  /// `learner.attributes`: string values set by training or by the user (`Booster.set_attr`).
  /// Only `best_iteration` changes predictions (see ``keepBestIteration(_:groups:)``).
  private static func readAttributes(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      guard key == "best_iteration" else {
        try r.skipValue()
        continue
      }
      let text = try r.readString()
      guard let v = Int(text), v >= 0 else { throw .inconsistent("XGBoost best_iteration '\(text)' is not a round") }
      m.bestIteration = v
    }
  }

  /// `learner.objective`: the name and the parameter block of the supported objectives, none of
  /// which changes predictions except `softmax_multiclass_param.num_class`, checked against the model.
  private static func readObjective(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    while let k = try r.nextKey(&first) {
      switch k {
      case "name": m.objective = try r.readString()
      case "reg_loss_param": try r.skipValue()  // scale_pos_weight: a training weight
      case "softmax_multiclass_param":
        try r.beginObject()
        var f = true
        while let p = try r.nextKey(&f) {
          guard p == "num_class" else { throw unknownKey(p, in: "softmax_multiclass_param") }
          m.objectiveClassCount = try parseCount(try r.readString(), what: p)
        }
      default: throw unknownKey(k, in: "the objective")
      }
    }
  }

  /// Drops the trees after round `best_iteration` (when the model has one), as XGBoost's
  /// scikit-learn API predicts with `iteration_range=(0, best_iteration + 1)`. A round holds
  /// `num_class × num_parallel_tree` trees, or as `iteration_indptr` says.
  private static func keepBestIteration(_ m: inout XGBoostModel, groups: Int) throws(ForestError) {
    var starts: [Int32]
    if let given = m.iterationStarts {
      guard given.first == 0, Int(given.last ?? -1) == m.trees.count, zip(given, given.dropFirst()).allSatisfy({ $0 <= $1 })
      else { throw .inconsistent("XGBoost iteration_indptr does not cover the \(m.trees.count) trees in order") }
      starts = given
    } else if let parallel = m.parallelTrees, parallel >= 1 {
      guard parallel <= m.trees.count else {
        throw .inconsistent("XGBoost num_parallel_tree \(parallel) exceeds the \(m.trees.count) trees")
      }
      let perRound = groups * parallel
      guard m.trees.count % perRound == 0 else {
        throw .inconsistent("XGBoost model has \(m.trees.count) trees, not a multiple of \(perRound) per round")
      }
      starts = stride(from: 0, through: m.trees.count, by: perRound).map { Int32($0) }
    } else {
      guard m.bestIteration == nil else {
        throw .unsupported("XGBoost model has best_iteration but neither iteration_indptr nor num_parallel_tree")
      }
      return
    }
    guard let best = m.bestIteration else { return }
    guard best < starts.count - 1 else {
      throw .inconsistent("XGBoost best_iteration \(best) is beyond the model's \(starts.count - 1) rounds")
    }
    let end = Int(starts[best + 1])
    m.trees.removeLast(m.trees.count - end)
    m.treeInfo.removeLast(m.treeInfo.count - end)
    guard !m.trees.isEmpty else { throw .inconsistent("XGBoost model keeps no trees at best_iteration \(best)") }
  }

  static func unknownKey(_ key: String, in place: String) -> ForestError {
    .unsupported("XGBoost model has an unknown key '\(key)' in \(place)")
  }

  /// Parses a non-negative count written as a string (`"3"`, or `"[3]"`).
  static func parseCount(_ text: String, what: String) throws(ForestError) -> Int {
    let values = try parseNumberList(text, what: what)
    guard values.count == 1, let v = Int(exactly: values[0]), v >= 0 else {
      throw .inconsistent("XGBoost \(what) '\(text)' is not a count")
    }
    return v
  }

  private static func readBooster(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    while let key = try r.nextKey(&first) {
      switch key {
      case "name": m.booster = try r.readString()
      case "model": try readGBTree(&r, &m)  // XGBoost sorts keys: "model" comes before "name"
      case "gbtree", "weight_drop": try r.skipValue()  // dart, refused once the name is known
      default: throw unknownKey(key, in: "gradient_booster")
      }
    }
  }

  /// `gradient_booster.model` of a `gbtree` booster.
  private static func readGBTree(_ r: inout JSONReader, _ m: inout XGBoostModel) throws(ForestError) {
    try r.beginObject()
    var first = true
    var seen = Set<String>()
    while let k = try r.nextKey(&first) {
      guard seen.insert(k).inserted else { throw .inconsistent("XGBoost model repeats '\(k)'") }
      switch k {
      case "trees":
        try r.beginArray()
        var ft = true
        while try r.nextElement(&ft) { m.trees.append(try readXGBoostTree(&r, index: m.trees.count)) }
      case "tree_info": m.treeInfo = try r.readInt32Array()
      case "iteration_indptr": m.iterationStarts = try r.readInt32Array()
      case "gbtree_model_param":
        try r.beginObject()
        var f = true
        while let p = try r.nextKey(&f) {
          switch p {
          case "num_parallel_tree": m.parallelTrees = try parseCount(try r.readString(), what: p)
          case "num_trees": m.declaredTreeCount = try parseCount(try r.readString(), what: p)
          case "size_leaf_vector":
            if try parseCount(try r.readString(), what: p) > 1 { throw .unsupported("XGBoost model has vector leaves") }
          default: throw unknownKey(p, in: "gbtree_model_param")
          }
        }
      case "cats":  // XGBoost 3.x category encodings: empty unless trained on categorical features
        try r.beginObject()
        var f = true
        while let p = try r.nextKey(&f) {
          try r.beginArray()
          var fa = true
          if try r.nextElement(&fa) { throw .unsupported("XGBoost model has categorical features ('cats.\(p)')") }
        }
      case "weights", "param", "boosted_rounds":
        throw .unsupported("XGBoost booster 'gblinear' is not supported (only 'gbtree')")
      default: throw unknownKey(k, in: "the gbtree model")
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
      case "id":  // XGBoost places each tree by its id; Proviso requires them in order
        let id = try r.readDouble()
        guard id == Double(index) else {
          throw .inconsistent("XGBoost tree \(index) has id \(Int(exactly: id).map(String.init) ?? "\(id)")")
        }
      case "categories", "categories_nodes", "categories_segments", "categories_sizes":
        if !(try r.readInt32Array()).isEmpty { throw .unsupported("XGBoost tree \(index) has categorical splits") }
      case "tree_param":
        try r.beginObject()
        var f = true
        while let k = try r.nextKey(&f) {
          switch k {
          case "size_leaf_vector":
            if try parseCount(try r.readString(), what: k) > 1 { throw .unsupported("XGBoost tree \(index) has vector leaves") }
          case "num_deleted", "num_feature", "num_nodes": try r.skipValue()  // checked through the arrays
          default: throw unknownKey(k, in: "tree \(index) tree_param")
          }
        }
      default:
        guard xgboostIgnoredTreeKeys.contains(key) else { throw unknownKey(key, in: "tree \(index)") }
        try r.skipValue()
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
