extension DecisionLog {
  /// How a committed decision survives a crash.
  public enum Durability: String, Sendable {
    /// `synchronous=NORMAL` in WAL mode: a committed decision survives the process being killed
    /// (`kill -9`, a crash), because the commit has been written to the WAL file in the OS page cache;
    /// the last commits before a power loss or kernel panic can be lost. The default.
    case processCrash
    /// `synchronous=FULL`: every group commit also `fsync`s the WAL, so it survives power loss, at
    /// the cost of one disk flush per batch.
    case powerLoss
  }

  /// Which old decisions the log deletes. Both limits may be set; `nil` keeps everything.
  public struct Retention: Hashable, Sendable {
    /// Decisions older than this many seconds are deleted.
    public var maxAgeSeconds: Int?
    /// Only this many of the newest decisions are kept.
    public var maxRows: Int?

    /// Creates a retention policy.
    public init(maxAgeSeconds: Int? = nil, maxRows: Int? = nil) {
      self.maxAgeSeconds = maxAgeSeconds
      self.maxRows = maxRows
    }
  }

  /// Where the log lives and how it behaves.
  public struct Configuration: Sendable {
    /// The SQLite file (created when missing; its `-wal` and `-shm` files sit beside it).
    public var path: String
    /// What a commit survives.
    public var durability: Durability
    /// What the periodic clean-up deletes.
    public var retention: Retention
    /// Seconds between retention passes.
    public var retentionIntervalSeconds: Double
    /// Rows deleted per retention transaction, so a large clean-up never holds back appends for long.
    public var retentionChunkRows: Int
    /// WAL pages (4 KiB each) after which the writer restarts the WAL so it stays bounded under
    /// continuous load (the background checkpointer has copied most of it by then). The WAL file
    /// keeps its largest size and is reused, which is cheaper than growing it again.
    public var walRestartPages: Int
    /// While writes are failing, seconds between the writer's probe writes (so the log notices it
    /// is writable again even when no decision arrives, as when `/ready` has taken it out of rotation).
    public var failureProbeSeconds: Double
    /// Where the one line at the start and the one at the end of a write-failure episode go
    /// (standard error by default).
    public var report: @Sendable (String) -> Void
    /// A switch that makes writes fail, for tests; `nil` in service.
    public var faults: DecisionLogFaults?

    /// Creates a configuration; only `path` is required.
    public init(path: String, durability: Durability = .processCrash, retention: Retention = Retention(),
                retentionIntervalSeconds: Double = 60, retentionChunkRows: Int = 5_000, walRestartPages: Int = 8_192,
                failureProbeSeconds: Double = 1, report: @escaping @Sendable (String) -> Void = DecisionLog.printToStandardError,
                faults: DecisionLogFaults? = nil) {
      self.path = path
      self.durability = durability
      self.retention = retention
      self.retentionIntervalSeconds = retentionIntervalSeconds
      self.retentionChunkRows = retentionChunkRows
      self.walRestartPages = walRestartPages
      self.failureProbeSeconds = failureProbeSeconds
      self.report = report
      self.faults = faults
    }
  }
}

/// Why the decision log could not open, write or read.
public enum DecisionLogError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file cannot be opened or created.
  case cannotOpen(path: String, reason: String)
  /// The file exists but is not a decision log (not SQLite, corrupt, or another application's database).
  case notADecisionLog(path: String, reason: String)
  /// A group commit or a maintenance write failed.
  case writeFailed(reason: String)
  /// A query failed.
  case readFailed(reason: String)
  /// The log was closed.
  case closed

  /// A lowercase message quoting the offending path.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "cannot open decision log '\(path)': \(reason)"
    case .notADecisionLog(let path, let reason): "'\(path)' is not a decision log: \(reason)"
    case .writeFailed(let reason): "decision log write failed: \(reason)"
    case .readFailed(let reason): "decision log read failed: \(reason)"
    case .closed: "decision log is closed"
    }
  }
}
