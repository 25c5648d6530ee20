import Foundation
import PolicyExpr

/// `proviso diff`: the impact of a policy edit over the same data.
public struct PolicyDiff {
  /// What changed between two versions over a data set.
  public struct Report: Sendable {
    /// Counts of (old outcome → new outcome).
    public var transitions: [String: Int] = [:]
    /// Decisions made.
    public var records = 0
    /// Records whose decision, reasons or outputs changed.
    public var changedRecords = 0
    /// Records that did not fit the input schema.
    public var badRecords = 0
    /// Checks or rules that fail in the new version but not the old, and the reverse, by id.
    public var newlyFailing: [String: Int] = [:]
    /// Checks and rules failing only in the old version, with counts.
    public var noLongerFailing: [String: Int] = [:]
    /// Table results that changed, by table id.
    public var tableChanges: [String: Int] = [:]
    /// Per numeric output: how many records changed and the sum of the changes.
    public var outputShifts: [String: (changed: Int, total: Double, increased: Int, decreased: Int)] = [:]
    /// The first changed records: line, old and new decisions.
    public var examples: [(line: Int, old: Decision, new: Decision)] = []

    /// The report as text.
    public func render() -> String {
      var out = ["diff over \(records) records: \(changedRecords) changed (\(badRecords) bad records skipped)", "decision transitions (old -> new):"]
      for k in transitions.keys.sorted() { out.append("  \(k): \(transitions[k]!)") }
      if !newlyFailing.isEmpty || !noLongerFailing.isEmpty {
        out.append("checks and rules causing the changes:")
        for (k, v) in newlyFailing.sorted(by: { $0.value > $1.value }) { out.append("  now failing \(k): \(v)") }
        for (k, v) in noLongerFailing.sorted(by: { $0.value > $1.value }) { out.append("  no longer failing \(k): \(v)") }
      }
      if !tableChanges.isEmpty {
        out.append("tables whose result changed:")
        for (k, v) in tableChanges.sorted(by: { $0.value > $1.value }) { out.append("  \(k): \(v)") }
      }
      if !outputShifts.isEmpty {
        out.append("numeric outputs that moved:")
        for k in outputShifts.keys.sorted() {
          let s = outputShifts[k]!
          out.append(String(format: "  %@: %d changed (%d up, %d down), mean shift %.4f", k, s.changed, s.increased, s.decreased, s.changed > 0 ? s.total / Double(s.changed) : 0))
        }
      }
      if !examples.isEmpty {
        out.append("first changed records:")
        for e in examples {
          out.append("  line \(e.line):")
          out.append("    old: " + e.old.humanText(explain: false).replacingOccurrences(of: "\n", with: "\n         "))
          out.append("    new: " + e.new.humanText(explain: false).replacingOccurrences(of: "\n", with: "\n         "))
        }
      }
      return out.joined(separator: "\n")
    }
  }

  /// Compares `old` and `new` over every record; at most `examples` changed records are kept.
  public static func compare(old: CompiledPolicy, new: CompiledPolicy, records: [(line: Int, json: [UInt8])], now: Timestamp?, examples: Int = 5) -> Report {
    var report = Report()
    for r in records {
      guard case .success(let a) = old.decodeInput(r.json), case .success(let b) = new.decodeInput(r.json) else {
        report.badRecords += 1
        continue
      }
      let x = old.decide(a, now: now, explain: true), y = new.decide(b, now: now, explain: true)
      report.records += 1
      var changed = x.outcome != y.outcome
      report.transitions["\(x.outcome.rawValue) -> \(y.outcome.rawValue)", default: 0] += 1
      let fx = Set(x.reasons.map(\.id)), fy = Set(y.reasons.map(\.id))
      if fx != fy { changed = true }
      for id in fy.subtracting(fx) { report.newlyFailing[id, default: 0] += 1 }
      for id in fx.subtracting(fy) { report.noLongerFailing[id, default: 0] += 1 }
      let tx = Dictionary((x.trace?.tables ?? []).map { ($0.id, $0.result) }, uniquingKeysWith: { a, _ in a })
      for t in y.trace?.tables ?? [] {
        if let before = tx[t.id], !before.sameAs(t.result) { report.tableChanges[t.id, default: 0] += 1 }
      }
      for o in y.outputs {
        guard let before = x.output(o.name) else { continue }
        if before.celEquals(o.value) { continue }
        changed = true
        if let p = DryRun.Summary.number(before), let q = DryRun.Summary.number(o.value) {
          var s = report.outputShifts[o.name] ?? (0, 0, 0, 0)
          s.changed += 1; s.total += q - p
          if q > p { s.increased += 1 } else { s.decreased += 1 }
          report.outputShifts[o.name] = s
        }
      }
      if changed {
        report.changedRecords += 1
        if report.examples.count < examples { report.examples.append((r.line, x, y)) }
      }
    }
    return report
  }
}
