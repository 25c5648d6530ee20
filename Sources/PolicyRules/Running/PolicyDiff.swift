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
    public var outputShifts: [String: OutputShift] = [:]
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
          out.append("  \(k): \(s.changed) changed (\(s.increased) up, \(s.decreased) down), mean shift \(s.meanText)")
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
        if let p = OutputNumber(before), let q = OutputNumber(o.value) {
          report.outputShifts[o.name, default: OutputShift()].add(old: p, new: q)
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

/// How one numeric output moved between the two versions over the records where it changed.
public struct OutputShift: Sendable, Equatable {
  /// Records whose value changed.
  public var changed = 0
  /// Records whose value went up.
  public var increased = 0
  /// Records whose value went down.
  public var decreased = 0
  /// The sum of the changes (new − old).
  public var total = Total.exact(.zero)

  /// A sum of changes.
  public enum Total: Sendable, Equatable {
    /// Ints and decimals: the exact sum.
    case exact(DecimalNumber)
    /// Once a double is involved: the sum in doubles.
    case double(Double)
    /// An exact sum that needed more than 38 digits: reported, never wrapped or rounded.
    case overflow
  }

  /// Creates an empty shift.
  public init() {}

  /// Counts one changed value.
  mutating func add(old p: OutputNumber, new q: OutputNumber) {
    changed += 1
    let order = OutputNumber.compare(q, p)
    if order > 0 { increased += 1 } else if order < 0 { decreased += 1 }
    switch (total, p, q) {
    case (.overflow, _, _): break
    case (.exact(let t), .exact(let a), .exact(let b)):
      if let change = b.subtractingExactly(a), let sum = t.addingExactly(change) {
        total = .exact(sum)
      } else {
        total = .overflow
      }
    case (.exact(let t), _, _): total = .double(t.doubleValue + (q.doubleValue - p.doubleValue))
    case (.double(let t), _, _): total = .double(t + (q.doubleValue - p.doubleValue))
    }
  }

  /// The mean change as the report prints it.
  ///
  /// An exact total is divided by the count with decimal division (exact when the quotient fits
  /// 38 digits, else rounded half-even to 28 significant digits: `docs/language.md`, §4) and
  /// printed with at least 4 places, padding with zeros only: `53100.00` over 5 records is
  /// `10620.0000`, `0.00001` over 2 is `0.000005`. A double mean prints with 4 places. An
  /// overflowed total prints `overflow (the sum of the changes needs more than 38 digits)`.
  public var meanText: String {
    switch total {
    case .overflow:
      return "overflow (the sum of the changes needs more than 38 digits)"
    case .double(let t):
      return String(format: "%.4f", changed > 0 ? t / Double(changed) : 0)
    case .exact(let t):
      // Dividing by a count of at least 1 never outgrows the total, so it cannot overflow.
      guard changed > 0, let mean = try? t.dividing(DecimalNumber(Int64(changed))) else { return t.description }
      guard mean.scale < 4, let padded = try? mean.rounded(places: 4) else { return mean.description }
      return padded.description
    }
  }
}
