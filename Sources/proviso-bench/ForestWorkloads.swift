import Foundation
import PolicyExpr
import PolicyForest
import PolicyRules

/// The forest benchmarks of issue #4 (the scorer's own workloads) and the whole merchant decision.
enum ForestWorkloads {
  static func run() -> [BenchResult] {
    let root = PolicyWorkloads.root
    var results: [BenchResult] = []
    do {
      let forest = try ForestBenchmark.run(
        modelPath: root.appendingPathComponent("examples/models/merchant-risk.forest").path,
        smallModelPath: root.appendingPathComponent("examples/models/merchant-risk-small.json").path, rowCount: 100_000)
      for r in forest {
        let ns: Double
        switch r.unit {
        case "µs/row": ns = r.value * 1000
        case "ms": ns = r.value * 1e6
        case "rows/s": ns = 1e9 / r.value
        default: ns = r.value
        }
        results.append(BenchResult(name: r.name, nsPerOp: ns, baselineNs: nil,
                                   extra: [(r.unit == "rows/s" ? "rows_per_s" : "value", String(format: "%.1f", r.value)), ("unit", "\"\(r.unit)\"")]))
      }
    } catch {
      print("forest workloads failed: \(error)")
    }
    // decision.merchant: the whole merchant-credit decision vs the bare forest call.
    guard let policy = PolicyLoader.load(path: root.appendingPathComponent("policies/merchant-credit.yaml").path).0,
      let forest = try? ForestLoader.load(path: root.appendingPathComponent("examples/models/merchant-risk.forest").path)
    else { return results }
    let doc = #"{"merchant":{"merchant_id":"M000004","transaction_amount":"2334.93","transaction_count":181,"avg_rating":4.33,"inventory_turnover":15.905,"monthly_growth":0.040849681956221656,"current_limit":"3500.00"}}"#
    guard case .success(let input) = policy.decodeInput(Array(doc.utf8)) else { return results }
    var ok = 0
    let decision = measure(samples: 9, batch: 2_000) { if policy.decide(input).outcome == .approved { ok &+= 1 } }
    let row = [2334.93, 181, 4.33, 15.905, 0.040849681956221656]
    let bare = measure(samples: 9, batch: 2_000) { if let p = try? forest.score(opaque(row)), p[1] < 0.5 { ok &+= 1 } }
    results.append(BenchResult(name: "decision.merchant", nsPerOp: decision, baselineNs: bare,
                               extra: [("rules_overhead_ns", String(format: "%.0f", decision - bare)), ("goal_overhead_ns", "1000")]))
    blackHole(ok)
    return results
  }
}
