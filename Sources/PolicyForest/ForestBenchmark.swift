#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch

/// The forest workloads of `proviso-bench`, runnable from any executable.
///
/// Rows come from ``merchantRows(count:seed:)``, which `tools/bench_sklearn.py` reproduces bit for
/// bit in Python, so both benchmarks score the same data.
public enum ForestBenchmark {
  /// One measured workload.
  public struct Result: Sendable, Hashable {
    /// The workload name, such as `forest.rf100.row`.
    public var name: String
    /// The measured value in ``unit``.
    public var value: Double
    /// `µs/row`, `rows/s` or `ms`.
    public var unit: String
    /// What was measured (threads, rows, repetitions) and a checksum of the scores.
    public var detail: String
  }

  /// `count` synthetic merchant rows (five features, row-major) from the generator in
  /// `examples/make_merchants.py` (`merchant_rows`): splitmix64 uniforms, Box-Muller normals.
  public static func merchantRows(count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(state: seed)
    var out: [Double] = []
    out.reserveCapacity(count * 5)
    for _ in 0..<count {
      let n1 = rng.normal(), n2 = rng.normal(), n3 = rng.normal(), n4 = rng.normal(), n5 = rng.normal()
      _ = rng.normal()  // the label's noise
      _ = rng.uniform()  // the label's draw
      let amount = floor(exp(7.2 + 1.2 * n1) * 100.0) / 100.0
      let count = floor(exp(3.5 + 0.9 * n2)) + 1
      let rating = min(max(floor((4.1 + 0.5 * n3) * 100.0), 100.0), 500.0) / 100.0
      let turnover = (floor(exp(2.0 + 0.6 * n4) * 1000.0) + 1.0) / 1000.0
      let growth = 0.01 + 0.12 * n5
      out += [amount, count, rating, turnover, growth]
    }
    return out
  }

  /// Runs every workload: model load, one row of the full-depth model, batch rows/s on one thread
  /// and on `threads`, and one row of the small (`max_depth=8`) model.
  /// - Parameters:
  ///   - modelPath: the 100-tree full-depth model (`examples/models/merchant-risk.forest`).
  ///   - smallModelPath: the `max_depth=8` model (`examples/models/merchant-risk-small.json`).
  ///   - rowCount: rows scored in batch (100,000) and cycled through for single-row latency.
  ///   - jsonModelPath: the same model as JSON (`make_merchants.py --json`, not committed); when
  ///     given and readable, `forest.load.json` times parsing and hashing it.
  public static func run(
    modelPath: String, smallModelPath: String, rowCount: Int = 100_000, seed: UInt64 = 8,
    threads: Int = System.coreCount, jsonModelPath: String? = nil
  ) throws(ForestError) -> [Result] {
    var results: [Result] = []
    if let jsonModelPath, access(jsonModelPath, R_OK) == 0 {
      var times: [Double] = []
      var nodes = 0
      for _ in 0..<3 {
        let start = now()
        nodes = try ForestLoader.load(path: jsonModelPath).splitNodeCount
        times.append(now() - start)
      }
      results.append(
        Result(
          name: "forest.load.json", value: median(times) * 1e3, unit: "ms",
          detail: "parse + content hash check, \(nodes) split nodes, median of 3"))
    }
    var loadTimes: [Double] = []
    var forest: Forest? = nil
    for _ in 0..<5 {
      let start = now()
      forest = try ForestLoader.load(path: modelPath)
      loadTimes.append(now() - start)
    }
    guard let forest else { return [] }
    results.append(
      Result(
        name: "forest.load", value: median(loadTimes) * 1e3, unit: "ms",
        detail: "\(forest.source.format), \(forest.treeCount) trees, \(forest.splitNodeCount) split nodes, median of 5"))
    let rows = merchantRows(count: rowCount, seed: seed)
    results.append(try rowLatency("forest.rf100.row", forest, rows, calls: 20_000))
    for t in [1, threads] where t == 1 || threads > 1 {
      var best = Double.infinity
      var checksum = 0.0
      for _ in 0..<3 {
        let start = now()
        let scores = try forest.scoreBatch(rows, threads: t)
        best = min(best, now() - start)
        checksum = scores.reduce(0, +)
      }
      results.append(
        Result(
          name: "forest.rf100.batch.\(t == 1 ? "1t" : "\(t)t")", value: Double(rowCount) / best, unit: "rows/s",
          detail: "\(rowCount) rows, \(t) thread(s), best of 3, checksum \(checksum)"))
    }
    let small = try ForestLoader.load(path: smallModelPath)
    results.append(try rowLatency("forest.small.row", small, rows, calls: 200_000))
    return results
  }

  private static func rowLatency(_ name: String, _ forest: Forest, _ rows: [Double], calls: Int) throws(ForestError)
    -> Result
  {
    let nf = forest.featureNames.count
    let rowCount = rows.count / nf
    var out = [Double](repeating: 0, count: forest.outputCount)
    var checksum = 0.0
    var best = Double.infinity
    try rows.withUnsafeBufferPointer { (r) throws(ForestError) in
      try out.withUnsafeMutableBufferPointer { (o) throws(ForestError) in
        for _ in 0..<3 {
          let start = now()
          for i in 0..<calls {
            let row = UnsafeBufferPointer(rebasing: r[(i % rowCount) * nf..<(i % rowCount + 1) * nf])
            try forest.score(row, into: o)
            checksum += o[o.count - 1]
          }
          best = min(best, now() - start)
        }
      }
    }
    return Result(
      name: name, value: best / Double(calls) * 1e6, unit: "µs/row",
      detail: "\(calls) calls on distinct rows, best of 3, checksum \(checksum)")
  }

  private static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  private static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
  }

  /// Facts about the machine.
  public enum System {
    /// The number of online processors.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
  }
}

/// splitmix64, the generator `examples/make_merchants.py` uses.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// In (0, 1).
  mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0) }

  mutating func normal() -> Double {
    let u1 = uniform(), u2 = uniform()
    return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
  }
}
