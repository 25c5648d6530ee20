#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Forest {
  /// The class probabilities of one row, in ``classes`` order.
  ///
  /// For scikit-learn models this equals `predict_proba` bit for bit: each value is cast to
  /// `Float`, trees are summed in order in `Double`, and the sum is divided by the tree count.
  /// - Parameter row: one value per feature, in ``featureNames`` order; NaN means missing.
  /// - Throws: ``ForestError`` when the row has the wrong length, holds ±infinity or a value too
  ///   large for `Float` (as scikit-learn rejects them), or the model is a regressor.
  public func predictProba(_ row: [Double]) throws(ForestError) -> [Double] {
    guard kind == .classifier else {
      throw .wrongKind("model is a regressor; it has no class probabilities")
    }
    return try score(row)
  }

  /// The predicted value of one row for a regressor (scikit-learn: the mean of the trees).
  public func predictValue(_ row: [Double]) throws(ForestError) -> Double {
    guard kind == .regressor else { throw .wrongKind("model is a classifier; it predicts classes") }
    return try score(row)[0]
  }

  /// The predicted class label of one row: the first class with the highest probability.
  ///
  /// Ties go to the lowest class index, as numpy's `argmax` does, so a 50/50 binary vote is class 0.
  public func predict(_ row: [Double]) throws(ForestError) -> String {
    let proba = try predictProba(row)
    return classes[Forest.argmax(proba)]
  }

  /// The index of the first maximum of `values` (0 for an empty array).
  public static func argmax(_ values: [Double]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
  }

  /// The outputs of one row: class probabilities for a classifier, `[value]` for a regressor.
  public func score(_ row: [Double]) throws(ForestError) -> [Double] {
    guard row.count == featureNames.count else {
      throw .featureCount(expected: featureNames.count, got: row.count)
    }
    var out = [Double](repeating: 0, count: outputCount)
    try row.withUnsafeBufferPointer { (r) throws(ForestError) in
      try out.withUnsafeMutableBufferPointer { (o) throws(ForestError) in try score(r, into: o) }
    }
    return out
  }

  /// Scores one row into `output` (``outputCount`` values) without allocating on the heap.
  public func score(
    _ row: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>
  ) throws(ForestError) {
    let nf = featureNames.count
    guard row.count == nf else { throw .featureCount(expected: nf, got: row.count) }
    guard output.count >= outputCount else {
      throw .init(
        code: "invalid_output_buffer",
        message: "output buffer holds \(output.count) values; the model scores \(outputCount)")
    }
    try validate(row)
    if storage.isWide {
      withUnsafeTemporaryAllocation(of: Double.self, capacity: storage.groupCount) { margins in
        margins.initialize(repeating: 0)
        accumulateWide(row.baseAddress!, into: margins.baseAddress!)
        finish(wideMargins: margins.baseAddress!, into: output.baseAddress!)
      }
      return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(nf, 1)) { x in
      for j in 0..<nf { x[j] = Float(row[j]) }
      finishOne(x.baseAddress!, into: output.baseAddress!)
    }
  }

  /// Throws when a value is ±infinity or overflows `Float` (LightGBM models, scored in `Double`,
  /// reject only ±infinity). `values` holds whole rows, row-major.
  func validate(_ values: UnsafeBufferPointer<Double>) throws(ForestError) {
    let nf = featureNames.count
    for j in 0..<values.count {
      let v = values[j]
      if v.isNaN { continue }
      if storage.isWide ? v.isInfinite : Float(v).isInfinite {
        throw .invalidValue(feature: featureNames[j % nf], value: v)
      }
    }
  }

  /// Scores one row already cast to `Float` (scikit-learn and XGBoost).
  @inline(__always)
  func finishOne(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Double>) {
    let nodes = UnsafePointer(storage.nodes.baseAddress!)
    let values = UnsafePointer(storage.values.baseAddress!)
    let roots = storage.roots
    switch combiner {
    case .average:
      let width = storage.valueWidth
      for c in 0..<width { out[c] = 0 }
      walkTrees(nodes, x) { leaf in
        let row = values + Int(leaf) * width
        for c in 0..<width { out[c] += row[c] }
      }
      let n = Double(roots.count)
      for c in 0..<width { out[c] /= n }
    case .xgboost(let objective, let base):
      withUnsafeTemporaryAllocation(of: Float.self, capacity: base.count) { margins in
        for g in 0..<base.count { margins[g] = base[g] }
        let groups = storage.treeGroups
        var t = 0
        walkTrees(nodes, x) { leaf in
          margins[Int(groups[t])] += Float(values[Int(leaf)])
          t += 1
        }
        Forest.transformXGBoost(objective, margins.baseAddress!, base.count, out)
      }
    case .lightgbm:
      break  // LightGBM models use the wide path.
    }
  }

  /// Walks one row through every tree, eight trees at a time (independent walks overlap their
  /// memory latency), and calls `visit` with each tree's leaf row in tree order.
  @inline(__always)
  func walkTrees(_ nodes: UnsafePointer<CompactNode>, _ x: UnsafePointer<Float>, _ visit: (Int32) -> Void) {
    let roots = storage.roots
    let count = roots.count
    @inline(__always) func step(_ i: inout Int32) {
      if i >= 0 {
        i = nodes[Int(i)].child(x)
      }
    }
    var t = 0
    while t + 8 <= count {
      var i0 = roots[t], i1 = roots[t + 1], i2 = roots[t + 2], i3 = roots[t + 3]
      var i4 = roots[t + 4], i5 = roots[t + 5], i6 = roots[t + 6], i7 = roots[t + 7]
      while (i0 & i1 & i2 & i3 & i4 & i5 & i6 & i7) >= 0 {  // until all eight reach a leaf (negative reference)
        step(&i0)
        step(&i1)
        step(&i2)
        step(&i3)
        step(&i4)
        step(&i5)
        step(&i6)
        step(&i7)
      }
      visit(~i0)
      visit(~i1)
      visit(~i2)
      visit(~i3)
      visit(~i4)
      visit(~i5)
      visit(~i6)
      visit(~i7)
      t += 8
    }
    while t < count {
      visit(walk(nodes, roots[t], x))
      t += 1
    }
  }

  /// Follows one tree from `root` to its leaf and returns the leaf's value-table row.
  @inline(__always)
  func walk(_ nodes: UnsafePointer<CompactNode>, _ root: Int32, _ x: UnsafePointer<Float>) -> Int32 {
    var i = root
    while i >= 0 {
      i = nodes[Int(i)].child(x)
    }
    return ~i
  }

  /// Adds every LightGBM tree's leaf value to its class margin.
  func accumulateWide(_ x: UnsafePointer<Double>, into margins: UnsafeMutablePointer<Double>) {
    let nodes = UnsafePointer(storage.wideNodes.baseAddress!)
    let values = storage.values
    let groups = storage.treeGroups
    let roots = storage.roots
    if storage.isLinear {
      for t in 0..<roots.count {
        let row = Int(Forest.walkWide(nodes, roots[t], x))
        margins[Int(groups[t])] += linearLeafValue(row, x)
      }
      return
    }
    var t = 0
    while t + 4 <= roots.count {  // four trees at a time, as in walkTrees(_:_:_:)
      var i0 = roots[t], i1 = roots[t + 1], i2 = roots[t + 2], i3 = roots[t + 3]
      while (i0 & i1 & i2 & i3) >= 0 {
        if i0 >= 0 { i0 = nodes[Int(i0)].child(x) }
        if i1 >= 0 { i1 = nodes[Int(i1)].child(x) }
        if i2 >= 0 { i2 = nodes[Int(i2)].child(x) }
        if i3 >= 0 { i3 = nodes[Int(i3)].child(x) }
      }
      margins[Int(groups[t])] += values[Int(~i0)]
      margins[Int(groups[t + 1])] += values[Int(~i1)]
      margins[Int(groups[t + 2])] += values[Int(~i2)]
      margins[Int(groups[t + 3])] += values[Int(~i3)]
      t += 4
    }
    while t < roots.count {
      margins[Int(groups[t])] += values[Int(Forest.walkWide(nodes, roots[t], x))]
      t += 1
    }
  }

  /// The output of linear leaf row `row` for `x`, as LightGBM's `Tree::Predict` computes it:
  /// `leaf_const` plus each coefficient times its feature, in order, in `Double` (values with
  /// `|x| <= 1e-35` read as 0, as LightGBM's row reader drops them); the plain leaf value when any
  /// of the leaf's features is NaN.
  @inline(__always)
  func linearLeafValue(_ row: Int, _ x: UnsafePointer<Double>) -> Double {
    var output = storage.linearConstants[row]
    for i in Int(storage.linearOffsets[row])..<Int(storage.linearOffsets[row + 1]) {
      let v = x[Int(storage.linearFeatures[i])]
      if v.isNaN { return storage.values[row] }
      output += storage.linearCoefficients[i] * (abs(v) > lightGBMZero ? v : 0)
    }
    return output
  }

  /// LightGBM's numerical decision (`Tree::NumericalDecision`), see ``WideNode/child(_:)``.
  @inline(__always)
  static func walkWide(_ nodes: UnsafePointer<WideNode>, _ root: Int32, _ x: UnsafePointer<Double>) -> Int32 {
    var i = root
    while i >= 0 { i = nodes[Int(i)].child(x) }
    return ~i
  }

  /// Turns LightGBM class margins into outputs.
  func finish(wideMargins m: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
    guard case .lightgbm(let objective, let average) = combiner else { return }
    let groups = storage.groupCount
    if average {
      let iterations = Double(max(1, storage.roots.count / groups))
      for g in 0..<groups { m[g] /= iterations }
    }
    switch objective {
    case .logistic(let scale):
      let p = 1.0 / (1.0 + exp(-scale * m[0]))
      out[0] = 1.0 - p
      out[1] = p
    case .softmax:
      var maximum = m[0]
      for g in 1..<groups { maximum = max(maximum, m[g]) }
      var sum = 0.0
      for g in 0..<groups {
        out[g] = exp(m[g] - maximum)
        sum += out[g]
      }
      for g in 0..<groups { out[g] /= sum }
    case .oneVsAll(let scale):
      for g in 0..<groups { out[g] = 1.0 / (1.0 + exp(-scale * m[g])) }
    case .identity:
      out[0] = m[0]
    }
  }

  /// Turns XGBoost Float margins into outputs, in Float as XGBoost does.
  @inline(__always)
  static func transformXGBoost(
    _ objective: Combiner.Objective, _ m: UnsafeMutablePointer<Float>, _ groups: Int,
    _ out: UnsafeMutablePointer<Double>
  ) {
    switch objective {
    case .logistic:
      let p: Float = 1.0 / (1.0 + expf(-m[0]))
      out[0] = Double(1.0 - p)
      out[1] = Double(p)
    case .softmax:
      var maximum = m[0]
      for g in 1..<groups { maximum = max(maximum, m[g]) }
      var sum = 0.0  // XGBoost's common::Softmax sums in double, then divides by Float(sum)
      for g in 0..<groups {
        m[g] = expf(m[g] - maximum)
        sum += Double(m[g])
      }
      let total = Float(sum)
      for g in 0..<groups { out[g] = Double(m[g] / total) }
    case .oneVsAll:
      preconditionFailure("XGBoost models have no one-vs-all objective")
    case .identity:
      out[0] = Double(m[0])
    }
  }
}

/// LightGBM's `kZeroThreshold` (`1e-35f`), widened to `Double` as LightGBM compares it.
let lightGBMZero = Double(Float(1e-35))
