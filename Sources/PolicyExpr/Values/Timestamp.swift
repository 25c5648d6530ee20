/// An instant: seconds and nanoseconds since the Unix epoch, UTC, in CEL's range
/// (0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999999999Z).
public struct Timestamp: Sendable, Hashable, Comparable {
  /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
  public var seconds: Int64
  /// Nanoseconds within the second, 0 through 999,999,999.
  public var nanos: Int32

  /// Creates a timestamp; `nanos` must be normalized.
  public init(seconds: Int64, nanos: Int32 = 0) { self.seconds = seconds; self.nanos = nanos }

  /// Seconds of 0001-01-01T00:00:00Z.
  public static let minSeconds: Int64 = -62_135_596_800
  /// Seconds of 9999-12-31T23:59:59Z.
  public static let maxSeconds: Int64 = 253_402_300_799

  /// Whether the instant lies in CEL's range.
  public var isValid: Bool { seconds >= Self.minSeconds && seconds <= Self.maxSeconds }

  public static func < (a: Timestamp, b: Timestamp) -> Bool {
    a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos
  }
}

/// A signed span of time: seconds and nanoseconds with the same sign, within ±10,000 years
/// (protobuf `Duration`'s range).
public struct DurationValue: Sendable, Hashable, Comparable {
  /// Whole seconds.
  public var seconds: Int64
  /// Nanoseconds, -999,999,999 through 999,999,999, with the sign of `seconds`.
  public var nanos: Int32

  /// Creates a duration; the parts must be normalized.
  public init(seconds: Int64, nanos: Int32 = 0) { self.seconds = seconds; self.nanos = nanos }

  /// The largest magnitude in seconds (protobuf's bound).
  public static let maxSeconds: Int64 = 315_576_000_000

  /// Whether the duration lies within protobuf's range.
  public var isValid: Bool { seconds >= -Self.maxSeconds && seconds <= Self.maxSeconds }

  /// Builds a normalized duration from total nanoseconds, or `nil` on overflow.
  public static func fromNanos(_ total: Int64) -> DurationValue {
    DurationValue(seconds: total / 1_000_000_000, nanos: Int32(total % 1_000_000_000))
  }

  /// Total nanoseconds, or `nil` when that overflows Int64.
  public var totalNanos: Int64? {
    let (m, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let (t, o2) = m.addingReportingOverflow(Int64(nanos))
    return o1 || o2 ? nil : t
  }

  public static func < (a: DurationValue, b: DurationValue) -> Bool {
    a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos
  }
}
