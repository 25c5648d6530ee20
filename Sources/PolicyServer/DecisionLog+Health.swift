import Foundation
import Synchronization

/// Whether the decision log's writes are succeeding, and the two stderr lines that bound a failure
/// episode: one when writes start failing (what failed, SQLite's error, how many records), one when
/// they succeed again (how many records the episode cost). Nothing is printed in between, however
/// many batches fail. Only the writer thread reports; anyone may read ``isWritable``.
final class DecisionLogHealth: Sendable {
  private struct Episode {
    var failing = false
    var records = 0
  }

  private let episode = Mutex(Episode())
  private let writable = Atomic<Bool>(true)
  private let path: String
  private let report: @Sendable (String) -> Void

  init(path: String, report: @escaping @Sendable (String) -> Void) {
    self.path = path
    self.report = report
  }

  /// Whether the last write succeeded (`true` until one fails).
  var isWritable: Bool { writable.load(ordering: .acquiring) }

  /// A write of `records` records failed with SQLite's `reason`; prints the episode's first line.
  func failed(reason: String, records: Int) {
    let first = episode.withLock { episode -> Bool in
      defer {
        episode.failing = true
        episode.records += records
      }
      return !episode.failing
    }
    writable.store(false, ordering: .releasing)
    if first {
      report("proviso: decision log '\(path)': write failed: \(reason); \(records) record\(records == 1 ? "" : "s") not written; decisions answer 503 and /ready is not ready until writes succeed")
    }
  }

  /// A write succeeded; ends an episode with its second line.
  func succeeded() {
    if writable.load(ordering: .relaxed) { return }
    let lost = episode.withLock { episode -> Int in
      defer { episode = Episode() }
      return episode.records
    }
    writable.store(true, ordering: .releasing)
    report("proviso: decision log '\(path)': writes succeed again; \(lost) record\(lost == 1 ? " was" : "s were") not written during the failure")
  }

}

/// Makes the log's writes fail on demand, for tests of failure handling: while ``failWrites`` is
/// set the writer's connection is switched to `PRAGMA query_only`, so SQLite itself refuses every
/// write ("attempt to write a readonly database") through the same path a full disk takes.
public final class DecisionLogFaults: Sendable {
  private let failing = Atomic<Bool>(false)

  /// Creates a switch, off.
  public init() {}

  /// Whether writes are to fail.
  public var failWrites: Bool {
    get { failing.load(ordering: .acquiring) }
    set { failing.store(newValue, ordering: .releasing) }
  }
}

extension DecisionLog {
  /// Writes `line` and a newline to standard error in one `write` call (the default
  /// ``Configuration/report``).
  public static func printToStandardError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
  }
}
