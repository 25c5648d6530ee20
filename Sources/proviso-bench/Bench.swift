import Dispatch
import Foundation

/// One measured workload.
struct BenchResult {
  var name: String
  var nsPerOp: Double
  var baselineNs: Double?
  var extra: [(String, String)] = []
  var ratio: Double? { baselineNs.map { nsPerOp / max($0, 0.001) } }
}

/// Times `body` (run `batch` times per sample) and returns the median ns per call over samples.
func measure(samples: Int = 15, batch: Int, _ body: () -> Void) -> Double {
  for _ in 0..<max(1, batch / 10) { body() }
  var times: [Double] = []
  for _ in 0..<samples {
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<batch { body() }
    let t1 = DispatchTime.now().uptimeNanoseconds
    times.append(Double(t1 - t0) / Double(batch))
  }
  times.sort()
  return times[times.count / 2]
}

/// Keeps a value alive so the optimizer cannot drop the work.
@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func report(_ results: [BenchResult]) {
  for r in results {
    var fields = ["\"name\": \"\(r.name)\"", String(format: "\"ns_per_op\": %.1f", r.nsPerOp)]
    if let b = r.baselineNs { fields.append(String(format: "\"baseline_ns\": %.1f", b)) }
    if let q = r.ratio { fields.append(String(format: "\"ratio\": %.2f", q)) }
    for (k, v) in r.extra { fields.append("\"\(k)\": \(v)") }
    print("{" + fields.joined(separator: ", ") + "}")
  }
  print("")
  print("workload                         ns/op     hand-written   ratio   notes")
  for r in results {
    let base = r.baselineNs.map { String(format: "%10.1f", $0) } ?? "         -"
    let ratio = r.ratio.map { String(format: "%6.2fx", $0) } ?? "      -"
    let notes = r.extra.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    print(String(format: "%-30@ %10.1f   %@   %@   %@", r.name as NSString, r.nsPerOp, base, ratio, notes))
  }
}

/// Hides a value from the optimizer so a hand-written baseline is not folded to a constant.
@_optimize(none) @inline(never) func opaque<T>(_ x: T) -> T { x }
