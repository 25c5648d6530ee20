import Foundation
import PolicyExpr
import PolicyRules

/// The policy benchmarks of issue #3.
enum PolicyWorkloads {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func run(decisionsOnly: Bool = false) -> [BenchResult] {
    var results: [BenchResult] = []
    let policyPath = root.appendingPathComponent("policies/receivable-financing.yaml").path
    guard let policy = PolicyLoader.load(path: policyPath).0 else { fatalError("receivable policy does not load") }
    let doc = #"{"receivable":{"id":"R-000123","debtor":"CORE-01","creditor":"SUP-0017","amount":"250000.00","due_date":"2026-12-31T00:00:00Z","financed":false,"confirmed_by_debtor":true},"request":{"applicant":"SUP-0017","at":"2026-10-01T09:30:00Z"}}"#
    guard case .success(let input) = policy.decodeInput(Array(doc.utf8)) else { fatalError("input does not decode") }
    var ok = 0
    let plain = measure(batch: 50_000) { if policy.decide(input).outcome == .approved { ok &+= 1 } }
    let traced = measure(batch: 20_000) { if policy.decide(input, explain: true).outcome == .approved { ok &+= 1 } }
    let hand = HandWrittenReceivable()
    let handNs = measure(batch: 50_000) { if hand.decide(opaque(input)).approved { ok &+= 1 } }
    results.append(BenchResult(name: "decision.receivable", nsPerOp: plain, baselineNs: handNs, extra: [("goal_ns", "1000")]))
    results.append(BenchResult(name: "decision.receivable.trace", nsPerOp: traced, baselineNs: handNs, extra: [("goal_ns", "3000")]))
    if decisionsOnly {
      // Profiling mode: many more decisions, nothing else.
      let t = measure(samples: 40, batch: 50_000) { if policy.decide(input).outcome == .approved { ok &+= 1 } }
      results.append(BenchResult(name: "decision.receivable.long", nsPerOp: t, baselineNs: handNs))
      return results
    }
    let bytes = Array(doc.utf8)
    let decodeNs = measure(batch: 50_000) { if case .success = policy.decodeInput(bytes) { ok &+= 1 } }
    results.append(BenchResult(name: "input.decode.receivable", nsPerOp: decodeNs, baselineNs: nil, extra: [("bytes", "\(bytes.count)")]))

    results.append(table10())

    // Loading every bundled policy.
    let files = PolicyLoader.policyFiles(at: root.appendingPathComponent("policies").path)
    let loadNs = measure(samples: 5, batch: 3) { for f in files { blackHole(PolicyLoader.load(path: f).0) } }
    results.append(BenchResult(name: "load.all_policies", nsPerOp: loadNs, baselineNs: nil, extra: [("policies", "\(files.count)"), ("goal_ns", "50000000")]))

    results.append(runReceivables(policy))
    blackHole(ok)
    return results
  }

  /// A 10-row x 3-input first-hit table.
  static func table10() -> BenchResult {
    let yaml = """
      policy: table-bench
      inputs: {m: {p: double, rating: double, growth: double}}
      tables:
        - id: band
          hit: first
          inputs: [m.p, m.rating, m.growth]
          outputs: [multiplier]
          rows:
            - ["< 0.01", ">= 4.8", "> 0.2", 1.50]
            - ["< 0.01", ">= 4.5", "-", 1.40]
            - ["< 0.02", ">= 4.5", "> 0.1", 1.30]
            - ["< 0.02", ">= 4.0", "-", 1.20]
            - ["[0.02..0.05)", ">= 4.5", "> 0", 1.10]
            - ["[0.02..0.05)", "-", "-", 1.00]
            - ["[0.05..0.10)", ">= 4.0", "-", 0.90]
            - ["[0.05..0.10)", "-", "< 0", 0.70]
            - ["[0.10..0.20)", "-", "-", 0.50]
            - ["-", "-", "-", 0.00]
      outputs: {multiplier: band}
      """
    let (p, d) = PolicyLoader.load(SourceFile(path: "bench.yaml", text: yaml))
    guard let p else { fatalError("table bench policy: \(d)") }
    let t = p.tables[0]
    let mType = p.inputType.fields[0].type
    guard case .object(let mo) = mType else { fatalError() }
    // Row 9 matches: eight rows fail first.
    let m = ObjectValue(type: mo, fields: [.double(0.15), .double(3.9), .double(-0.05)])
    let a = p.makeActivation()
    a.set(p.environment.slots["m"]!, .object(m))
    var matched: [Int] = []
    matched.reserveCapacity(4)
    var ok = 0
    let ns = measure(batch: 200_000) {
      matched.removeAll(keepingCapacity: true)
      if case .decimal? = try? t.evaluate(a, matched: &matched) { ok &+= 1 }
    }
    blackHole(ok)
    return BenchResult(name: "table.first10", nsPerOp: ns, baselineNs: nil, extra: [("goal_ns", "150"), ("matching_row", "9")])
  }

  /// Dry-run throughput over 1,000,000 JSONL receivables (the example file repeated).
  static func runReceivables(_ policy: CompiledPolicy) -> BenchResult {
    let path = root.appendingPathComponent("examples/receivables.jsonl").path
    guard let data = FileManager.default.contents(atPath: path) else { fatalError("examples/receivables.jsonl missing") }
    var lines = Array(data).split(separator: 10).map(Array.init)
    let target = 1_000_000
    var bytes: [UInt8] = []
    bytes.reserveCapacity(target * 260)
    var i = 0
    while i < target { bytes += lines[i % lines.count]; bytes.append(10); i += 1 }
    lines = []
    var options = DryRun.Options()
    options.format = .jsonl
    var outBytes = 0
    let t0 = DispatchTime.now().uptimeNanoseconds
    let summary = DryRun.run(policy, input: bytes, format: .jsonl, options: options, emit: { outBytes += $0.count }, problem: { _ in })
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    let rowsPerSecond = Double(summary.records + summary.badRecords) / seconds
    return BenchResult(name: "run.receivables", nsPerOp: seconds * 1e9 / Double(target), baselineNs: nil,
                       extra: [("rows_per_s", String(format: "%.0f", rowsPerSecond)), ("rows", "\(target)"), ("goal_rows_per_s", "250000"),
                               ("output_mb", String(format: "%.0f", Double(outBytes) / 1e6))])
  }
}

/// The receivable-financing policy written by hand in Swift, over the same decoded input.
struct HandWrittenReceivable {
  let blacklist: Set<String> = ["SUP-0013", "SUP-0666", "SUP-1024", "SUP-2718"]
  let advanceRate = DecimalNumber(parsing: "0.90")!, annualRate = DecimalNumber(parsing: "0.045")!
  let maxAmount = DecimalNumber(parsing: "5000000.00")!

  struct Result { var approved: Bool; var reasons: [String]; var advance: DecimalNumber?; var fee: DecimalNumber? }

  func decide(_ input: ObjectValue) -> Result {
    guard case .object(let r)? = input.fields[0], case .object(let q)? = input.fields[1],
      case .string(let id)? = r.fields[0], case .string(let creditor)? = r.fields[2], case .decimal(let amount)? = r.fields[3],
      case .timestamp(let due)? = r.fields[4], case .bool(let financed)? = r.fields[5], case .bool(let confirmed)? = r.fields[6],
      case .string(let applicant)? = q.fields[0], case .timestamp(let at)? = q.fields[1]
    else { return Result(approved: false, reasons: ["bad input"], advance: nil, fee: nil) }
    let days = Int64((due.seconds - at.seconds) / 3600 / 24)
    var reasons: [String] = []
    if applicant != creditor { reasons.append("Only the receivable's creditor (\(creditor)) can apply, not \(applicant).") }
    if financed { reasons.append("Receivable \(id) has already been financed.") }
    if !(due > at) { reasons.append("Receivable \(id) is past due.") }
    if !confirmed { reasons.append("Not confirmed.") }
    if due > at && days < 15 { reasons.append("Matures in \(days) days.") }
    if blacklist.contains(creditor) { reasons.append("Blacklisted.") }
    if !(amount > .zero) { reasons.append("Amount must be positive.") }
    if amount > maxAmount { reasons.append("Over the limit.") }
    let advance = try? amount.multiplying(advanceRate).rounded(places: 2, mode: .halfUp)
    let fee = try? amount.multiplying(annualRate).multiplying(DecimalNumber(days)).dividing(DecimalNumber(360 as Int64)).rounded(places: 2, mode: .halfUp)
    return Result(approved: reasons.isEmpty, reasons: reasons, advance: advance, fee: fee)
  }
}
