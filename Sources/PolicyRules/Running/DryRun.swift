import Foundation
import PolicyExpr

/// `proviso run`: evaluates a policy over many input records, writes one result per record, and
/// summarizes the run. A bad record is reported with its line number and counted; the run goes on.
public struct DryRun {
  /// How results are written.
  public enum OutputFormat: String, Sendable { case jsonl, csv, table, none }

  /// Options of a run.
  public struct Options: Sendable {
    /// The evaluation time for the test, as RFC 3339 text.
    public var now: Timestamp?
    /// Whether to build each decision's trace.
    public var explain = false
    /// How results are written.
    public var format = OutputFormat.jsonl
    /// Creates a value from its parts.
    public init() {}
  }

  /// What a run counted.
  public struct Summary: Sendable {
    /// Decisions made.
    public var records = 0
    /// Records that did not fit the input schema.
    public var badRecords = 0
    /// Decisions by outcome.
    public var outcomes: [String: Int] = [:]
    /// Decline reasons by check or rule id.
    public var reasons: [String: Int] = [:]
    /// Alerts by id.
    public var alerts: [String: Int] = [:]
    /// Numeric output values by output name (for min / median / p90 / max).
    public var numeric: [String: [Double]] = [:]
    /// The largest number of decimal places seen per decimal output, so money prints as money.
    public var scales: [String: Int] = [:]
    /// The numeric outputs, in declaration order.
    public var outputNames: [String] = []
    /// Wall time of the run.
    public var seconds = 0.0

    mutating func add(_ d: Decision) {
      records += 1
      outcomes[d.outcome.rawValue, default: 0] += 1
      for r in d.reasons { reasons[r.id, default: 0] += 1 }
      for a in d.alerts { alerts[a.id, default: 0] += 1 }
      for o in d.outputs {
        if let x = Self.number(o.value) { numeric[o.name, default: []].append(x) }
        if case .decimal(let v) = o.value, v.scale > scales[o.name, default: -1] { scales[o.name] = v.scale }
      }
    }

    static func number(_ v: Value) -> Double? {
      switch v {
      case .int(let i): Double(i)
      case .uint(let u): Double(u)
      case .double(let d): d.isFinite ? d : nil
      case .decimal(let d): d.doubleValue
      default: nil
      }
    }

    /// The summary as the text printed at the end of a run.
    public func render() -> String {
      var lines: [String] = []
      let rate = seconds > 0 ? String(format: " in %.2f s (%.0f records/s)", seconds, Double(records + badRecords) / seconds) : ""
      lines.append("summary: \(records) decisions, \(badRecords) bad records\(rate)")
      for k in outcomes.keys.sorted() { lines.append("  \(k): \(outcomes[k]!)") }
      if !reasons.isEmpty {
        lines.append("top decline reasons:")
        for (k, v) in reasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(10) {
          lines.append("  \(k): \(v)")
        }
      }
      if !alerts.isEmpty {
        lines.append("alerts:")
        for k in alerts.keys.sorted() { lines.append("  \(k): \(alerts[k]!)") }
      }
      let names = outputNames.filter { numeric[$0] != nil }
      if !names.isEmpty {
        lines.append("numeric outputs (min / median / p90 / max):")
        for n in names {
          let xs = numeric[n]!.sorted()
          let scale = scales[n]
          func f(_ x: Double) -> String { scale.map { String(format: "%.\($0)f", x) } ?? Self.format(x) }
          func q(_ p: Double) -> String { f(xs[min(xs.count - 1, Int(p * Double(xs.count - 1)))]) }
          lines.append("  \(n): \(f(xs.first!)) / \(q(0.5)) / \(q(0.9)) / \(f(xs.last!))  (n=\(xs.count))")
        }
      }
      return lines.joined(separator: "\n")
    }

    static func format(_ x: Double) -> String {
      x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%.4f", x)
    }
  }

  /// Runs `policy` over `bytes`. Results go to `emit` in chunks; bad records to `problem`.
  public static func run(
    _ policy: CompiledPolicy, input bytes: [UInt8], format: InputRecords.Format, options: Options,
    emit: ([UInt8]) -> Void, problem: (String) -> Void, progress: ((Int) -> Void)? = nil
  ) -> Summary {
    var summary = Summary()
    summary.outputNames = policy.outputs.map(\.name)
    let start = DispatchTime.now().uptimeNanoseconds
    var w = JSONWriter(capacity: 1 << 16)
    if options.format == .csv {
      w.raw("line,decision,reasons")
      for n in summary.outputNames { w.raw(","); w.raw(n) }
      w.raw("\n")
    }
    func handle(_ line: Int, _ result: Result<ObjectValue, InputErrors>) {
      switch result {
      case .failure(let errors):
        summary.badRecords += 1
        problem("line \(line): " + errors.errors.prefix(5).map(\.message).joined(separator: "; "))
      case .success(let input):
        let d = policy.decide(input, now: options.now, explain: options.explain)
        summary.add(d)
        write(d, line: line, options.format, explain: options.explain, names: summary.outputNames, &w)
      }
      if w.bytes.count > 1 << 16 { emit(w.bytes); w.bytes.removeAll(keepingCapacity: true) }
      if let progress, (summary.records + summary.badRecords) % 100_000 == 0 { progress(summary.records + summary.badRecords) }
    }
    if format == .jsonl {
      // Stream straight from the buffer: no copy per line.
      bytes.withUnsafeBytes { buffer in
        var line = 1, startIndex = 0
        for i in 0...buffer.count {
          if i == buffer.count || buffer[i] == 10 {
            var end = i
            if end > startIndex, buffer[end - 1] == 13 { end -= 1 }
            if end > startIndex {
              handle(line, policy.decodeInput(UnsafeRawBufferPointer(rebasing: buffer[startIndex..<end])))
            }
            line += 1
            startIndex = i + 1
          }
        }
      }
    } else {
      for r in InputRecords.records(bytes, format: format, schema: policy.inputType) {
        if let p = r.problem {
          summary.badRecords += 1
          problem("line \(r.line): \(p)")
          continue
        }
        handle(r.line, policy.decodeInput(r.json))
      }
    }
    if !w.bytes.isEmpty { emit(w.bytes) }
    summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return summary
  }

  static func write(_ d: Decision, line: Int, _ format: OutputFormat, explain: Bool, names: [String], _ w: inout JSONWriter) {
    switch format {
    case .none: return
    case .jsonl:
      d.writeJSON(to: &w, extra: [("line", .int(Int64(line)))])
      w.raw("\n")
    case .table:
      w.raw("line \(line): " + d.humanText(explain: explain) + "\n")
    case .csv:
      w.raw("\(line),\(d.outcome.rawValue),")
      w.raw(csvField(d.reasons.map(\.id).joined(separator: ";")))
      for n in names { w.raw(","); w.raw(csvField(d.output(n)?.displayText ?? "")) }
      w.raw("\n")
    }
  }

  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
