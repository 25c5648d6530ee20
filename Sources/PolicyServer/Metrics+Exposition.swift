/// Writes metric families in the Prometheus text exposition format, version 0.0.4.
///
/// Each family gets `# HELP` and `# TYPE` lines; label values escape `\`, `"` and newline; help text
/// escapes `\` and newline. Histogram buckets are cumulative with `le` bounds and a `+Inf` bucket,
/// followed by `_sum` (seconds) and `_count`.
public struct PrometheusExposition: Sendable {
  /// The content type of the exposition.
  public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  /// The text written so far.
  public private(set) var text = ""

  /// Creates an empty exposition.
  public init() {}

  /// Appends a counter family.
  public mutating func write(_ family: MetricFamily<Counter>) {
    header(family.name, family.help, family.kind)
    for (labels, counter) in family.allChildren {
      sample(family.name, family.labelNames, labels, value: String(counter.value))
    }
  }

  /// Appends a gauge family.
  public mutating func write(_ family: MetricFamily<Gauge>) {
    header(family.name, family.help, family.kind)
    for (labels, gauge) in family.allChildren {
      sample(family.name, family.labelNames, labels, value: String(gauge.value))
    }
  }

  /// Appends a histogram family.
  public mutating func write(_ family: MetricFamily<Histogram>) {
    header(family.name, family.help, family.kind)
    let bucketLabelNames = family.labelNames + ["le"]
    for (labels, histogram) in family.allChildren {
      let (cumulative, sumMicros) = histogram.snapshot
      for (index, count) in cumulative.enumerated() {
        let bound = index < histogram.upperBounds.count ? Self.format(histogram.upperBounds[index]) : "+Inf"
        sample(family.name + "_bucket", bucketLabelNames, labels + [bound], value: String(count))
      }
      sample(family.name + "_sum", family.labelNames, labels, value: Self.seconds(micros: sumMicros))
      sample(family.name + "_count", family.labelNames, labels, value: String(cumulative.last ?? 0))
    }
  }

  private mutating func header(_ name: String, _ help: String, _ kind: MetricKind) {
    text += "# HELP \(name) \(Self.escape(help, quotes: false))\n# TYPE \(name) \(kind.rawValue)\n"
  }

  private mutating func sample(_ name: String, _ labelNames: [String], _ labelValues: [String], value: String) {
    text += name
    if !labelNames.isEmpty {
      text += "{"
      for (index, labelName) in labelNames.enumerated() {
        if index > 0 { text += "," }
        text += "\(labelName)=\"\(Self.escape(labelValues[index], quotes: true))\""
      }
      text += "}"
    }
    text += " \(value)\n"
  }

  /// `value` with `\` and newline escaped, and `"` too when `quotes` (label values).
  static func escape(_ value: String, quotes: Bool) -> String {
    guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x0A || (quotes && $0 == UInt8(ascii: "\"")) }) else {
      return value
    }
    var escaped = ""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\"" where quotes: escaped += "\\\""
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }

  /// A bucket bound in plain decimal (`0.00005`, `1`), never exponent notation.
  static func format(_ bound: Double) -> String {
    let micros = Int((bound * 1_000_000).rounded())
    if Double(micros) / 1_000_000 == bound { return seconds(micros: micros) }
    return "\(bound)"
  }

  /// Microseconds as seconds in plain decimal without trailing zeros (`1500` → `0.0015`).
  static func seconds(micros: Int) -> String {
    let whole = micros / 1_000_000
    var fraction = String(micros % 1_000_000)
    if fraction == "0" { return String(whole) }
    fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
    while fraction.last == "0" { fraction.removeLast() }
    return "\(whole).\(fraction)"
  }
}
