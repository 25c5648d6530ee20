import PolicyExpr

/// The watcher's bounds: what a hostile or broken stream can make it hold.
public struct StreamLimits: Sendable {
  /// The most devices tracked at once; a message from one more device is rejected (`too_many_devices`).
  public var maxDevices = 1_000_000
  /// The largest message payload, in bytes (`too_large`).
  public var maxPayloadBytes = 64 * 1024
  /// How far a message's event time may be ahead of the clock when the policy sets no `max_future` (`future`).
  public var defaultMaxFuture = DurationValue(seconds: 24 * 3600)
  /// The most timer ticks one message may make due (a gap of 69 days at 1-minute ticks); a message
  /// further ahead is rejected (`future`), so a corrupt timestamp cannot make the watcher sweep for years.
  public var maxTicksPerMessage = 100_000

  /// The default limits.
  public init() {}
}

/// A message the watcher refused: never applied to state.
public struct Rejection: Error, Sendable, Hashable {
  /// Why.
  public var reason: Reason
  /// What was wrong, as a lowercase phrase.
  public var message: String
  /// The message's topic, when known.
  public var topic: String?
  /// The device, when known.
  public var device: String?

  /// Creates a rejection.
  public init(_ reason: Reason, _ message: String, topic: String?, device: String? = nil) {
    self.reason = reason; self.message = message; self.topic = topic; self.device = device
  }

  /// Rejection reasons, as counted in the metrics.
  public enum Reason: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Not JSON, or not the envelope shape.
    case malformed
    /// A field is missing, unknown or of the wrong type.
    case wrongType = "wrong_type"
    /// The payload's device differs from the topic's.
    case topicMismatch = "topic_mismatch"
    /// The same event time as the device's last message.
    case duplicate
    /// Older than the device's last message.
    case outOfOrder = "out_of_order"
    /// Too far ahead of the clock.
    case future
    /// Over ``StreamLimits/maxPayloadBytes``.
    case tooLarge = "too_large"
    /// Over ``StreamLimits/maxDevices``.
    case tooManyDevices = "too_many_devices"
    /// A check of the policy failed.
    case failedCheck = "failed_check"
    /// A kept value could not be computed.
    case stateError = "state_error"

    /// Orders by name.
    public static func < (a: Reason, b: Reason) -> Bool { a.rawValue < b.rawValue }
  }

  /// One log line: `rejected <reason> topic=<topic> device=<device>: <message>`.
  public var logLine: String {
    "rejected \(reason.rawValue)" + (topic.map { " topic=\($0)" } ?? "") + (device.map { " device=\($0)" } ?? "") + ": \(message)"
  }
}
