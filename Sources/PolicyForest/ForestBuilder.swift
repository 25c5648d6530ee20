/// One tree as parallel arrays, the shape every loader produces before compaction.
///
/// Node `i` is a leaf when `left[i] == -1` (then `right[i] == -1`); leaves take their rows of
/// `leafValues` (`width` values each) in ascending node order.
struct FlatTree {
  var left: [Int32]
  var right: [Int32]
  var feature: [Int32]
  var threshold: [Double]
  /// Bit 0: missing values go left. Bits 1-2: LightGBM missing type.
  var flags: [UInt32]
  var leafValues: [Double]
  /// The leaves' linear models (LightGBM `linear_tree`), or `nil` for constant leaves.
  var linear: LinearLeaves? = nil
}

/// The linear models of one tree's leaves, in leaf order (LightGBM `leaf_const`, `num_features`,
/// `leaf_features`, `leaf_coeff`): leaf `k` outputs `constants[k] + Σ coefficients[i] * x[features[i]]`
/// over `i` in `offsets[k]..<offsets[k + 1]`.
struct LinearLeaves {
  var constants: [Double]
  var offsets: [Int32]
  var features: [Int32]
  var coefficients: [Double]
}

/// How a loader's thresholds become node thresholds.
enum ThresholdRule {
  /// scikit-learn: `Double(Float(x)) <= t`, stored as the largest `Float` not above `t`.
  case sklearn
  /// XGBoost: `Float(x) < Float(t)`, stored as `Float(t).nextDown` with `<=`.
  case xgboost
  /// LightGBM: `x <= t` in `Double`, stored as is in ``WideNode``.
  case lightgbm
}

/// Compacts ``FlatTree``s into the node, root and value arrays of a ``ForestStorage``.
///
/// Internal nodes are renumbered in depth-first preorder (left subtree first), so a walk moves
/// forward in memory and every child index is larger than its parent's, which also proves the
/// walk terminates. Leaf rows are shared through a table when the row width is at most 4.
struct ForestBuilder {
  let width: Int
  let featureCount: Int
  let rule: ThresholdRule
  /// Whether leaves carry linear models; then every leaf gets its own value row (no sharing).
  let linear: Bool
  private(set) var nodes: [CompactNode] = []
  private(set) var wideNodes: [WideNode] = []
  private(set) var roots: [Int32] = []
  private(set) var values: [Double] = []
  private var linearTable = LinearLeaves(constants: [], offsets: [0], features: [], coefficients: [])
  private var rowIndex: [LeafKey: Int32] = [:]

  init(width: Int, featureCount: Int, rule: ThresholdRule, linear: Bool = false) {
    self.width = width
    self.featureCount = featureCount
    self.rule = rule
    self.linear = linear
    precondition(!linear || width == 1, "linear leaves have one value")
  }

  /// Appends tree number `index` (used in messages).
  mutating func add(_ tree: FlatTree, index: Int) throws(ForestError) {
    let n = tree.left.count
    guard n > 0 else { throw .inconsistent("tree \(index) has no nodes") }
    guard tree.right.count == n, tree.feature.count == n, tree.threshold.count == n,
      tree.flags.count == n
    else {
      throw .inconsistent(
        "tree \(index) has arrays of different lengths (children_left \(n), children_right "
          + "\(tree.right.count), feature \(tree.feature.count), threshold \(tree.threshold.count), "
          + "missing \(tree.flags.count))")
    }
    var leafRank = [Int32](repeating: -1, count: n)
    var leaves: Int32 = 0
    for i in 0..<n {
      let l = tree.left[i], r = tree.right[i]
      if l == -1 {
        guard r == -1 else { throw .inconsistent("tree \(index) node \(i) has only one child") }
        leafRank[i] = leaves
        leaves += 1
        continue
      }
      guard l > 0, Int(l) < n, r > 0, Int(r) < n else {
        throw .inconsistent("tree \(index) node \(i) has a child outside the tree (\(l), \(r))")
      }
      let f = tree.feature[i]
      guard f >= 0, Int(f) < featureCount else {
        throw .inconsistent("tree \(index) node \(i) uses feature \(f) of \(featureCount)")
      }
      guard !tree.threshold[i].isNaN else {
        throw .inconsistent("tree \(index) node \(i) has a NaN threshold")
      }
    }
    guard tree.leafValues.count == Int(leaves) * width else {
      throw .inconsistent(
        "tree \(index) has \(leaves) leaves but \(tree.leafValues.count) leaf values "
          + "(expected \(Int(leaves) * width))")
    }
    if let models = tree.linear { try check(models, leaves: Int(leaves), index: index) }
    // Preorder over internal nodes; leaves become value-table references.
    var reference = [Int32](repeating: 0, count: n)
    var visited = [Bool](repeating: false, count: n)
    var order: [Int32] = []
    order.reserveCapacity(n / 2 + 1)
    var stack: [Int32] = [0]
    let base = rule == .lightgbm ? wideNodes.count : nodes.count
    while let i = stack.popLast() {
      let node = Int(i)
      guard !visited[node] else { throw .inconsistent("tree \(index) reaches node \(i) twice") }
      visited[node] = true
      if tree.left[node] == -1 {
        reference[node] = ~valueRow(tree, Int(leafRank[node]))
      } else {
        reference[node] = Int32(base + order.count)
        order.append(i)
        stack.append(tree.right[node])
        stack.append(tree.left[node])
      }
    }
    guard base + order.count < Int(Int32.max) else { throw .unsupported("model has too many nodes") }
    roots.append(reference[0])
    for i in order {
      let node = Int(i)
      let left = reference[Int(tree.left[node])], right = reference[Int(tree.right[node])]
      let t = tree.threshold[node]
      let f = UInt32(tree.feature[node])
      switch rule {
      case .sklearn:
        var down = Float(t)
        if Double(down) > t { down = down.nextDown }
        nodes.append(
          CompactNode(threshold: down, featureAndFlags: f | (tree.flags[node] & 1) << 31, left: left, right: right))
      case .xgboost:
        nodes.append(
          CompactNode(
            threshold: Float(t).nextDown, featureAndFlags: f | (tree.flags[node] & 1) << 31, left: left,
            right: right))
      case .lightgbm:
        wideNodes.append(
          WideNode(threshold: t, feature: Int32(f), flags: tree.flags[node], left: left, right: right))
      }
    }
  }

  /// Throws unless `models` has one well-formed model per leaf over features of the forest.
  private func check(_ models: LinearLeaves, leaves: Int, index: Int) throws(ForestError) {
    guard linear, width == 1 else { throw .inconsistent("tree \(index) has linear leaves in a constant-leaf forest") }
    let o = models.offsets
    guard models.constants.count == leaves, o.count == leaves + 1, o.first == 0, Int(o[leaves]) == models.features.count,
      models.coefficients.count == models.features.count, zip(o, o.dropFirst()).allSatisfy({ $0 <= $1 })
    else { throw .inconsistent("tree \(index) has linear leaf arrays of the wrong lengths") }
    for f in models.features where f < 0 || Int(f) >= featureCount {
      throw .inconsistent("tree \(index) has a linear leaf over feature \(f) of \(featureCount)")
    }
    guard models.constants.allSatisfy(\.isFinite), models.coefficients.allSatisfy(\.isFinite) else {
      throw .inconsistent("tree \(index) has a linear leaf constant or coefficient that is not finite")
    }
  }

  private mutating func valueRow(_ tree: FlatTree, _ rank: Int) -> Int32 {
    let leafValues = tree.leafValues
    let start = rank * width
    if linear {  // one row per leaf: leaves with equal values may have different linear models
      let row = Int32(values.count)
      values.append(leafValues[rank])
      if let models = tree.linear {
        let range = Int(models.offsets[rank])..<Int(models.offsets[rank + 1])
        linearTable.constants.append(models.constants[rank])
        linearTable.features += models.features[range]
        linearTable.coefficients += models.coefficients[range]
      } else {
        linearTable.constants.append(leafValues[rank])  // a constant leaf: no features
      }
      linearTable.offsets.append(Int32(linearTable.features.count))
      return row
    }
    if width <= 4 {
      var key = LeafKey()
      withUnsafeMutableBytes(of: &key.bits) { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for c in 0..<width { words[c] = leafValues[start + c].bitPattern }
      }
      if let row = rowIndex[key] { return row }
      let row = Int32(values.count / width)
      rowIndex[key] = row
      values.append(contentsOf: leafValues[start..<start + width])
      return row
    }
    let row = Int32(values.count / width)
    values.append(contentsOf: leafValues[start..<start + width])
    return row
  }

  /// The finished storage.
  func storage(treeGroups: [Int32], groupCount: Int) -> ForestStorage {
    ForestStorage(
      nodes: nodes, wideNodes: wideNodes, roots: roots, treeGroups: treeGroups, values: values,
      valueWidth: width, groupCount: groupCount, isWide: rule == .lightgbm, linear: linear ? linearTable : nil)
  }
}

private struct LeafKey: Hashable {
  var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  static func == (a: LeafKey, b: LeafKey) -> Bool {
    a.bits.0 == b.bits.0 && a.bits.1 == b.bits.1 && a.bits.2 == b.bits.2 && a.bits.3 == b.bits.3
  }
  func hash(into h: inout Hasher) {
    h.combine(bits.0)
    h.combine(bits.1)
    h.combine(bits.2)
    h.combine(bits.3)
  }
}
