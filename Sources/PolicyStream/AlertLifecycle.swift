import PolicyExpr

/// One alert's lifecycle on one device: inactive, pending (the condition holds, `for:` not yet
/// elapsed), firing; each change to or from firing is one ``AlertLifecycle/Transition``.
///
/// The alert fires once when its condition has held for `holdNanos`, stays firing without repeating
/// while it holds, and resolves once when it no longer holds. An unevaluable condition changes nothing.
public struct AlertLifecycle: Sendable, Hashable {
  /// Where the alert is.
  public enum Phase: Sendable, Hashable {
    /// The condition does not hold.
    case inactive
    /// The condition has held since this time, not yet for the `for:` duration.
    case pending(since: Timestamp)
    /// Firing since this time, with the message it fired with.
    case firing(since: Timestamp, message: String)
  }

  /// A change that is an event.
  public enum Transition: Sendable, Hashable {
    /// The alert starts firing.
    case fire
    /// The alert stops firing; `since` is when it fired and `message` its firing message.
    case resolve(since: Timestamp, message: String)
  }

  /// The current phase.
  public var phase: Phase = .inactive

  /// Creates an inactive alert.
  public init() {}

  /// Whether the alert is firing.
  public var isFiring: Bool { if case .firing = phase { true } else { false } }

  /// Whether the condition held at the last observation but has not yet fired.
  public var isPending: Bool { if case .pending = phase { true } else { false } }

  /// Observes the condition at `now`; `message` is rendered only if the alert fires.
  public mutating func observe(_ holds: Bool, at now: Timestamp, holdNanos: Int64, message: () -> String) -> Transition? {
    switch (phase, holds) {
    case (.inactive, true):
      phase = .pending(since: now)
      return fireIfHeld(since: now, at: now, holdNanos: holdNanos, message: message)
    case (.pending(let since), true):
      return fireIfHeld(since: since, at: now, holdNanos: holdNanos, message: message)
    case (.pending, false):
      phase = .inactive
      return nil
    case (.firing(let since, let text), false):
      phase = .inactive
      return .resolve(since: since, message: text)
    case (.firing, true), (.inactive, false):
      return nil
    }
  }

  private mutating func fireIfHeld(since: Timestamp, at now: Timestamp, holdNanos: Int64, message: () -> String) -> Transition? {
    guard Self.nanos(from: since, to: now) >= holdNanos else { return nil }
    phase = .firing(since: now, message: message())
    return .fire
  }

  /// Nanoseconds from `a` to `b`, saturating.
  static func nanos(from a: Timestamp, to b: Timestamp) -> Int64 {
    let s = b.seconds &- a.seconds
    if s > 9_000_000_000 { return .max }
    if s < -9_000_000_000 { return .min }
    return s * 1_000_000_000 + Int64(b.nanos) - Int64(a.nanos)
  }
}
