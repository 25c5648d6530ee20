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
    /// Numeric output values by output name (for min / median / p90 / max), kept exactly.
    public var numeric: [String: NumericColumn] = [:]
    /// The numeric outputs, in declaration order.
    public var outputNames: [String] = []
    /// Wall time of the run.
    public var seconds = 0.0

    mutating func add(_ d: Decision) {
      records += 1
      outcomes[d.outcome.rawValue, default: 0] += 1
      for r in d.reasons { reasons[r.id, default: 0] += 1 }
      for a in d.alerts { alerts[a.id, default: 0] += 1 }
      for o in d.outputs where OutputNumber(o.value) != nil { numeric[o.name, default: NumericColumn()].append(o.value) }
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
          let column = numeric[n]!
          let xs = column.quantiles([0, 0.5, 0.9, 1]).map(column.text)
          lines.append("  \(n): \(xs.joined(separator: " / "))  (n=\(column.count))")
        }
      }
      return lines.joined(separator: "\n")
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

/// A numeric output value as run statistics keep it: ints, uints and decimals exactly, as a
/// decimal (every int fits its 38 digits), and doubles as doubles.
public enum OutputNumber: Sendable, Equatable {
  /// An int, uint or decimal, exactly.
  case exact(DecimalNumber)
  /// A finite double.
  case double(Double)

  /// The number an output value is, or `nil` for other values and non-finite doubles.
  public init?(_ v: Value) {
    switch v {
    case .int(let i): self = .exact(DecimalNumber(i))
    case .uint(let u): self = .exact(DecimalNumber(u))
    case .decimal(let d): self = .exact(d)
    case .double(let d):
      guard d.isFinite else { return nil }
      self = .double(d)
    default: return nil
    }
  }

  /// The nearest double.
  public var doubleValue: Double {
    switch self {
    case .exact(let d): d.doubleValue
    case .double(let d): d
    }
  }

  /// -1, 0 or 1 as `a` is below, equal to or above `b`: exactly when both are exact.
  static func compare(_ a: OutputNumber, _ b: OutputNumber) -> Int {
    if case .exact(let x) = a, case .exact(let y) = b { return DecimalNumber.compare(x, y) }
    let x = a.doubleValue, y = b.doubleValue
    return x < y ? -1 : (x == y ? 0 : 1)
  }
}

/// The values of one numeric output over a run, for its min / median / p90 / max.
///
/// Ints and decimals stay exact: they are ordered exactly and printed exactly, padded with zeros
/// to the most places any of them has, so money prints as money (`0.15 / 1.50 / 7.50`). Doubles
/// print as whole numbers when they are, else with 4 places. A column that holds a double as well
/// as exact values is ordered as doubles (its statistics cannot be exact).
public struct NumericColumn: Sendable {
  /// The int and decimal values, exactly, in the order they came.
  public private(set) var exact: [DecimalNumber] = []
  /// The double values, in the order they came.
  public private(set) var doubles: [Double] = []
  /// The most places of a decimal value, or `nil` before the first decimal.
  public private(set) var scale: Int? = nil

  /// An empty column.
  public init() {}

  /// The number of values.
  public var count: Int { exact.count + doubles.count }

  /// Adds an output value when it is a number; decimals decide the places.
  mutating func append(_ v: Value) {
    switch OutputNumber(v) {
    case .exact(let d)?:
      exact.append(d)
      if case .decimal = v { scale = Swift.max(scale ?? 0, d.scale) }
    case .double(let d)?: doubles.append(d)
    case nil: break
    }
  }

  /// The values at the fractions `ps` (0 is the min, 1 the max) of the sorted column: the
  /// element at index ⌊p × (n − 1)⌋, never an interpolation, so exact values stay exact.
  public func quantiles(_ ps: [Double]) -> [OutputNumber] {
    let n = count
    guard n > 0 else { return [] }
    func index(_ p: Double) -> Int { min(n - 1, Int(p * Double(n - 1))) }
    if doubles.isEmpty {
      let sorted = exact.sorted()
      return ps.map { .exact(sorted[index($0)]) }
    }
    if exact.isEmpty {
      let sorted = doubles.sorted()
      return ps.map { .double(sorted[index($0)]) }
    }
    let sorted = (exact.map(OutputNumber.exact) + doubles.map(OutputNumber.double)).sorted { $0.doubleValue < $1.doubleValue }
    return ps.map { sorted[index($0)] }
  }

  /// A value as the summary prints it.
  public func text(_ x: OutputNumber) -> String {
    switch x {
    case .exact(let d):
      // Padding never rounds (the column's places are at least the value's); a value too wide to
      // pad prints with its own places.
      guard let places = scale, let padded = try? d.rounded(places: places) else { return d.description }
      return padded.description
    case .double(let d):
      if let places = scale { return String(format: "%.\(places)f", d) }
      return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.4f", d)
    }
  }
}
