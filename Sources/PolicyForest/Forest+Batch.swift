import Dispatch

extension Forest {
  /// Scores many rows: `rows` holds `rowCount × featureCount` values row-major; the result holds
  /// `rowCount × outputCount` values row-major (probabilities in ``classes`` order, or values).
  ///
  /// Rows are scored in blocks, tree by tree, walking eight rows together to hide memory latency;
  /// blocks are spread over `threads` threads with `DispatchQueue.concurrentPerform`. Every row
  /// still sums its trees in tree order, so results equal ``score(_:)`` bit for bit.
  /// - Throws: ``ForestError`` for a ragged buffer or a ±infinity / float32-overflowing value
  ///   (nothing is scored then).
  public func scoreBatch(_ rows: [Double], threads: Int = 1) throws(ForestError) -> [Double] {
    let nf = featureNames.count
    guard rows.count % nf == 0 else {
      throw .featureCount(expected: nf, got: rows.count % nf)
    }
    let rowCount = rows.count / nf
    let width = outputCount
    var out = [Double](repeating: 0, count: rowCount * width)
    try rows.withUnsafeBufferPointer { (input) throws(ForestError) in
      try validate(input)
      out.withUnsafeMutableBufferPointer { output in
        let job = BatchJob(input: input, output: output)
        let blocks = (rowCount + batchBlockRows - 1) / batchBlockRows
        let workers = max(1, min(threads, blocks))
        if workers == 1 {
          scoreRows(job, 0..<rowCount)
        } else {
          // Interleave blocks across workers so that uneven tails are shared.
          let chunks = min(blocks, workers * 8)
          DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let perChunk = (blocks + chunks - 1) / chunks
            let first = c * perChunk * batchBlockRows
            let last = min(rowCount, (c + 1) * perChunk * batchBlockRows)
            if first < last { scoreRows(job, first..<last) }
          }
        }
      }
    }
    return out
  }

  /// Class probabilities for each row of `batch` (see ``scoreBatch(_:threads:)``).
  public func predictProba(batch: [[Double]], threads: Int = 1) throws(ForestError) -> [[Double]] {
    guard kind == .classifier else {
      throw .wrongKind("model is a regressor; it has no class probabilities")
    }
    var flat: [Double] = []
    flat.reserveCapacity(batch.count * featureNames.count)
    for row in batch {
      guard row.count == featureNames.count else {
        throw .featureCount(expected: featureNames.count, got: row.count)
      }
      flat += row
    }
    let scores = try scoreBatch(flat, threads: threads)
    let width = outputCount
    return (0..<batch.count).map { Array(scores[$0 * width..<($0 + 1) * width]) }
  }

  private func scoreRows(_ job: BatchJob, _ range: Range<Int>) {
    let nf = featureNames.count
    let width = outputCount
    if storage.isWide {
      let margins = UnsafeMutablePointer<Double>.allocate(capacity: storage.groupCount)
      defer { margins.deallocate() }
      for r in range {
        margins.initialize(repeating: 0, count: storage.groupCount)
        accumulateWide(job.input.baseAddress! + r * nf, into: margins)
        finish(wideMargins: margins, into: job.output.baseAddress! + r * width)
      }
      return
    }
    let x = UnsafeMutablePointer<Float>.allocate(capacity: batchBlockRows * nf)
    defer { x.deallocate() }
    var start = range.lowerBound
    while start < range.upperBound {
      let n = min(batchBlockRows, range.upperBound - start)
      let src = job.input.baseAddress! + start * nf
      for i in 0..<(n * nf) { x[i] = Float(src[i]) }
      scoreBlock(x, n, job.output.baseAddress! + start * width)
      start += n
    }
  }

  /// Scores `n` Float rows tree by tree into `out` (`n × outputCount`).
  private func scoreBlock(_ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Double>) {
    let nodes = UnsafePointer(storage.nodes.baseAddress!)
    let values = UnsafePointer(storage.values.baseAddress!)
    let roots = storage.roots
    let nf = featureNames.count
    let leaves = UnsafeMutablePointer<Int32>.allocate(capacity: n)
    defer { leaves.deallocate() }
    switch combiner {
    case .average:
      let width = storage.valueWidth
      out.initialize(repeating: 0, count: n * width)
      for t in 0..<roots.count {
        walkBlock(nodes, roots[t], x, nf, n, leaves)
        for r in 0..<n {
          let row = values + Int(leaves[r]) * width
          let acc = out + r * width
          for c in 0..<width { acc[c] += row[c] }
        }
      }
      let count = Double(roots.count)
      for i in 0..<(n * width) { out[i] /= count }
    case .xgboost(let objective, let base):
      let groups = base.count
      let margins = UnsafeMutablePointer<Float>.allocate(capacity: n * groups)
      defer { margins.deallocate() }
      for r in 0..<n { for g in 0..<groups { margins[r * groups + g] = base[g] } }
      let treeGroups = storage.treeGroups
      for t in 0..<roots.count {
        walkBlock(nodes, roots[t], x, nf, n, leaves)
        let g = Int(treeGroups[t])
        for r in 0..<n { margins[r * groups + g] += Float(values[Int(leaves[r])]) }
      }
      let width = outputCount
      for r in 0..<n { Forest.transformXGBoost(objective, margins + r * groups, groups, out + r * width) }
    case .lightgbm:
      break
    }
  }

  /// Walks `n` rows through one tree, eight at a time, writing each row's leaf row.
  @inline(__always)
  private func walkBlock(
    _ nodes: UnsafePointer<CompactNode>, _ root: Int32, _ x: UnsafePointer<Float>, _ nf: Int, _ n: Int,
    _ leaves: UnsafeMutablePointer<Int32>
  ) {
    @inline(__always) func step(_ i: inout Int32, _ row: UnsafePointer<Float>) {
      if i >= 0 {
        i = nodes[Int(i)].child(row)
      }
    }
    var r = 0
    while r + 8 <= n {
      let x0 = x + r * nf, x1 = x0 + nf, x2 = x1 + nf, x3 = x2 + nf
      let x4 = x3 + nf, x5 = x4 + nf, x6 = x5 + nf, x7 = x6 + nf
      var i0 = root, i1 = root, i2 = root, i3 = root, i4 = root, i5 = root, i6 = root, i7 = root
      while (i0 & i1 & i2 & i3 & i4 & i5 & i6 & i7) >= 0 {  // until all eight reach a leaf
        step(&i0, x0)
        step(&i1, x1)
        step(&i2, x2)
        step(&i3, x3)
        step(&i4, x4)
        step(&i5, x5)
        step(&i6, x6)
        step(&i7, x7)
      }
      leaves[r] = ~i0
      leaves[r + 1] = ~i1
      leaves[r + 2] = ~i2
      leaves[r + 3] = ~i3
      leaves[r + 4] = ~i4
      leaves[r + 5] = ~i5
      leaves[r + 6] = ~i6
      leaves[r + 7] = ~i7
      r += 8
    }
    while r < n {
      leaves[r] = walk(nodes, root, x + r * nf)
      r += 1
    }
  }
}

/// Rows per block: small enough that a block's inputs and sums stay in L1.
private let batchBlockRows = 64

/// The input and output buffers of one batch, shared by the worker threads (each writes its own rows).
private struct BatchJob: @unchecked Sendable {
  let input: UnsafeBufferPointer<Double>
  let output: UnsafeMutableBufferPointer<Double>
}
