import Synchronization

/// A monotonically increasing count, updated with one relaxed atomic add.
public final class Counter: Sendable {
  private let storage = Atomic<Int>(0)

  /// Creates a counter at zero.
  public init() {}

  /// Adds `amount` (1 by default).
  @inline(__always)
  public func increment(by amount: Int = 1) { storage.add(amount, ordering: .relaxed) }

  /// The current count.
  public var value: Int { storage.load(ordering: .relaxed) }
}

/// A value that goes up and down (a queue depth), updated atomically.
public final class Gauge: Sendable {
  private let storage = Atomic<Int>(0)

  /// Creates a gauge at zero.
  public init() {}

  /// Sets the value.
  public func set(_ value: Int) { storage.store(value, ordering: .relaxed) }

  /// Adds `amount`, which may be negative.
  public func add(_ amount: Int) { storage.add(amount, ordering: .relaxed) }

  /// The current value.
  public var value: Int { storage.load(ordering: .relaxed) }
}

/// A latency histogram over fixed bucket bounds, in seconds; each observation costs three relaxed atomic adds.
public final class Histogram: Sendable {
  /// The default bucket upper bounds, in seconds: 50 µs to 1 s.
  public static let defaultBounds: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

  /// The inclusive upper bound of each bucket, in seconds, ascending; `+Inf` is implicit.
  public let upperBounds: [Double]
  /// Per-bucket (not cumulative) counts; one more than `upperBounds` for `+Inf`.
  private let buckets: [Counter]
  private let sumMicros = Counter()
  private let total = Counter()

  /// Creates an empty histogram with `upperBounds` (seconds, ascending).
  public init(upperBounds: [Double] = Histogram.defaultBounds) {
    self.upperBounds = upperBounds
    buckets = (0...upperBounds.count).map { _ in Counter() }
  }

  /// Records one observation of `seconds`.
  public func observe(seconds: Double) {
    var index = 0
    while index < upperBounds.count, seconds > upperBounds[index] { index += 1 }
    buckets[index].increment()
    sumMicros.increment(by: Int((seconds * 1_000_000).rounded()))
    total.increment()
  }

  /// The number of observations.
  public var count: Int { total.value }

  /// The cumulative counts per bucket (the last is `+Inf`, equal to ``count``) and the sum in microseconds.
  public var snapshot: (cumulative: [Int], sumMicros: Int) {
    var running = 0
    let cumulative = buckets.map { bucket in
      running += bucket.value
      return running
    }
    return (cumulative, sumMicros.value)
  }
}

/// What kind of metric a family holds, as Prometheus names it in its `# TYPE` line.
public enum MetricKind: String, Sendable {
  /// Only goes up.
  case counter
  /// Goes up and down.
  case gauge
  /// Bucketed observations.
  case histogram
}

/// A named metric with one child per label set, created on first use.
///
/// Looking a child up takes a `Mutex` and hashes the label values; callers on hot paths keep the
/// child they got (for example one per loaded policy) and update it without the lock.
public final class MetricFamily<Metric: Sendable & AnyObject>: Sendable {
  /// The metric name (`proviso_http_requests_total`).
  public let name: String
  /// The one-line help text.
  public let help: String
  /// The Prometheus type.
  public let kind: MetricKind
  /// The label names, in the order values are given.
  public let labelNames: [String]
  private let children = Mutex<[[String]: Metric]>([:])
  private let make: @Sendable () -> Metric

  /// Creates an empty family; an unlabeled family gets its single child at once so it renders as 0.
  public init(name: String, help: String, kind: MetricKind, labelNames: [String] = [], make: @escaping @Sendable () -> Metric) {
    self.name = name
    self.help = help
    self.kind = kind
    self.labelNames = labelNames
    self.make = make
    if labelNames.isEmpty { children.withLock { $0[[]] = make() } }
  }

  /// The child for `values` (one per label name, in order), created on first use.
  public func labels(_ values: String...) -> Metric { child(values) }

  /// The child for `values` (one per label name, in order), created on first use.
  public func child(_ values: [String]) -> Metric {
    precondition(values.count == labelNames.count, "metric '\(name)' takes \(labelNames.count) label values")
    return children.withLock { children in
      if let existing = children[values] { return existing }
      let created = make()
      children[values] = created
      return created
    }
  }

  /// Every child with its label values, sorted by label values so the exposition is stable.
  public var allChildren: [(labels: [String], metric: Metric)] {
    children.withLock { $0.map { ($0.key, $0.value) } }.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
  }
}

extension MetricFamily where Metric == Counter {
  /// Creates a counter family.
  public convenience init(counter name: String, help: String, labelNames: [String] = []) {
    self.init(name: name, help: help, kind: .counter, labelNames: labelNames) { Counter() }
  }
}

extension MetricFamily where Metric == Gauge {
  /// Creates a gauge family.
  public convenience init(gauge name: String, help: String, labelNames: [String] = []) {
    self.init(name: name, help: help, kind: .gauge, labelNames: labelNames) { Gauge() }
  }
}

extension MetricFamily where Metric == Histogram {
  /// Creates a histogram family whose children share `upperBounds` (seconds).
  public convenience init(histogram name: String, help: String, labelNames: [String] = [],
                          upperBounds: [Double] = Histogram.defaultBounds) {
    self.init(name: name, help: help, kind: .histogram, labelNames: labelNames) { Histogram(upperBounds: upperBounds) }
  }
}
