import PolicyExpr
import PolicyRules

/// The watcher's per-device state and alert lifecycles, driven by messages and clock ticks.
///
/// Deterministic: the same messages and ticks in the same order give the same events. The clock is
/// only what the caller passes (a message's event time, a tick's time); nothing reads the wall clock.
/// Not thread-safe: one monitor is driven by one thread.
public final class StreamMonitor {
  /// The policy.
  public let policy: StreamPolicy
  /// The limits.
  public let limits: StreamLimits
  /// The topic pattern whose `+` segment names the device (`device/+/data`); `nil` skips the check.
  public let topicPattern: [Substring]?
  /// Devices in the order first seen.
  public private(set) var devices: [DeviceState] = []
  var index: [String: Int] = [:]
  /// The latest event time applied (the watermark); `nil` before the first message.
  public private(set) var clock: Timestamp?
  /// The watcher's clock, when it has one (live: the wall clock; a test: its last tick); messages
  /// more than `max_future` ahead of it are rejected. A replay has none: it runs in event time.
  public var wallClock: Timestamp?
  /// The last tick boundary swept.
  public internal(set) var lastTick: Timestamp?
  /// Rejected messages by reason.
  public private(set) var rejections: [Rejection.Reason: Int] = [:]
  /// Messages applied.
  public private(set) var accepted = 0
  /// The event time of the last applied message.
  public private(set) var lastApplied: Timestamp?

  /// Whether ticks evaluate the whole policy instead of ``StreamPolicy/tickCompiled`` (the general
  /// twin of the tick policy, for tests: both must give the same events).
  public let generalTicks: Bool

  /// Creates a monitor with no devices.
  public init(policy: StreamPolicy, limits: StreamLimits = .init(), topicPattern: String? = "device/+/data", generalTicks: Bool = false) {
    self.policy = policy
    self.generalTicks = generalTicks
    self.limits = limits
    self.topicPattern = topicPattern.map { $0.split(separator: "/", omittingEmptySubsequences: false) }
  }

  /// Devices changed since the last ``takeChanged()``, by index.
  var changed = Set<Int>()

  /// The devices changed (a message applied, an alert's phase changed) since the last call, in order.
  public func takeChanged() -> [DeviceState] {
    defer { changed.removeAll(keepingCapacity: true) }
    return changed.sorted().map { devices[$0] }
  }

  /// Adds a device restored from a ``StreamStore``.
  func restore(_ d: DeviceState) {
    index[d.key] = devices.count
    devices.append(d)
    if clock == nil || clock! < d.lastEventTime { clock = d.lastEventTime }
  }

  /// The state of one device.
  public func device(_ key: String) -> DeviceState? { index[key].map { devices[$0] } }

  /// Alerts firing now, by alert id.
  public var firingCounts: [String: Int] {
    var out: [String: Int] = [:]
    for d in devices { for (i, a) in d.alerts.enumerated() where a.isFiring { out[policy.alerts[i].id, default: 0] += 1 } }
    return out
  }

  // MARK: Messages

  /// Decodes and applies one message payload (JSON bytes); a rejected message changes nothing.
  ///
  /// With `tick`, timer ticks due up to the message's event time run first and their events come first.
  public func receive(payload: UnsafeRawBufferPointer, topic: String?, tick: DurationValue? = nil) -> Result<[AlertEvent], Rejection> {
    guard payload.count <= limits.maxPayloadBytes else {
      return reject(.init(.tooLarge, "payload of \(payload.count) bytes is over the limit of \(limits.maxPayloadBytes)", topic: topic))
    }
    switch policy.payloadDecoder.decode(payload) {
    case .success(.object(let message)): return receive(message, topic: topic, tick: tick)
    case .success(let v): return reject(.init(.malformed, "payload is a \(v.kindName), not an object", topic: topic))
    case .failure(let errors):
      let first = errors.errors.first
      let reason: Rejection.Reason = errors.errors.contains { $0.code == .malformed } ? .malformed : .wrongType
      return reject(.init(reason, first?.message ?? "invalid payload", topic: topic))
    }
  }

  /// Applies one decoded message (after the ticks due before it, with `tick`).
  public func receive(_ message: ObjectValue, topic: String?, tick: DurationValue? = nil) -> Result<[AlertEvent], Rejection> {
    let key: String, time: Timestamp
    do throws(EvalError) {
      guard case .string(let k) = try policy.evaluate(policy.key, on: message) else { return reject(.init(.wrongType, "stream key is not a string", topic: topic)) }
      guard case .timestamp(let t) = try policy.evaluate(policy.time, on: message) else { return reject(.init(.wrongType, "stream time is not a timestamp", topic: topic)) }
      key = k; time = t
    } catch {
      return reject(.init(.wrongType, "cannot key or time the message: \(error.message)", topic: topic))
    }
    if let topic, let pattern = topicPattern, let named = Self.device(in: topic, pattern: pattern), named != key {
      return reject(.init(.topicMismatch, "device '\(key)' in the payload, '\(named)' in the topic", topic: topic, device: key))
    }
    let existing = index[key].map { devices[$0] }
    if let d = existing, time <= d.lastEventTime {
      let reason: Rejection.Reason = time == d.lastEventTime ? .duplicate : .outOfOrder
      return reject(.init(reason, "event time \(time.rfc3339) is not after the device's last \(d.lastEventTime.rfc3339)", topic: topic, device: key))
    }
    let maxFuture = policy.spec.maxFuture ?? limits.defaultMaxFuture
    if let wallClock, let ahead = try? wallClock.adding(maxFuture), ahead < time {
      return reject(.init(.future, "event time \(time.rfc3339) is more than \(maxFuture.secondsText) after the clock \(wallClock.rfc3339)", topic: topic, device: key))
    }
    if let tick, let last = lastTick, let step = tick.totalNanos, step > 0,
      (time.seconds - last.seconds) / max(1, step / 1_000_000_000) > Int64(limits.maxTicksPerMessage)
    {
      return reject(.init(.future, "event time \(time.rfc3339) is more than \(limits.maxTicksPerMessage) ticks after the last tick \(last.rfc3339)", topic: topic, device: key))
    }
    if existing == nil && devices.count >= limits.maxDevices {
      return reject(.init(.tooManyDevices, "already tracking \(limits.maxDevices) devices", topic: topic, device: key))
    }
    let stateBefore: ObjectValue
    if let d = existing {
      stateBefore = d.stateAfter
    } else {
      var values: [Value?] = []
      for p in policy.initial {
        do throws(EvalError) { values.append(try policy.evaluate(p, on: message)) } catch {
          return reject(.init(.stateError, "initial state: \(error.message)", topic: topic, device: key))
        }
      }
      stateBefore = ObjectValue(type: policy.stateType, fields: values)
    }
    let previous = existing?.message ?? message
    let decision = policy.compiled.decide(policy.input(message: message, previous: previous, state: stateBefore), now: time)
    if decision.outcome == .declined {
      let ids = decision.reasons.map(\.id).joined(separator: ", ")
      return reject(.init(.failedCheck, "failed \(ids): \(decision.reasons.first?.message ?? "")", topic: topic, device: key))
    }
    var after: [Value?] = []
    for v in policy.spec.state {
      guard let value = decision.output(v.name) else {
        let why = decision.errors.first { $0.source == "output \(v.name)" }?.message ?? "not computed"
        return reject(.init(.stateError, "state value '\(v.name)': \(why)", topic: topic, device: key))
      }
      after.append(value)
    }
    // The ticks due before this message run now that it is known to apply: a rejected message
    // never moves the clock. Ticks change only alert lifecycles, never what the decision read.
    var tickEvents: [AlertEvent] = []
    if let tick { tickEvents = advance(to: time, tick: tick) }
    let d: DeviceState
    if let existing { d = existing } else {
      d = DeviceState(key: key, alertCount: policy.alerts.count, message: message, time: time, state: stateBefore)
      index[key] = devices.count
      devices.append(d)
    }
    d.previous = previous
    d.message = message
    d.stateBefore = stateBefore
    d.stateAfter = ObjectValue(type: policy.stateType, fields: after)
    d.lastEventTime = time
    changed.insert(index[key]!)
    accepted += 1
    lastApplied = time
    if clock == nil || clock! < time { clock = time }
    if lastTick == nil { lastTick = time }
    return .success(tickEvents + apply(decision, to: d, at: time, onTick: false))
  }

  func reject(_ r: Rejection) -> Result<[AlertEvent], Rejection> {
    rejections[r.reason, default: 0] += 1
    return .failure(r)
  }

  /// The topic's segment at the pattern's `+`, or `nil` when the topic does not match the pattern.
  static func device(in topic: String, pattern: [Substring]) -> String? {
    let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == pattern.count || pattern.last == "#" else { return nil }
    var found: String?
    for (i, p) in pattern.enumerated() {
      if p == "#" { break }
      guard i < parts.count else { return nil }
      if p == "+" { if found == nil { found = String(parts[i]) } } else if p != parts[i] { return nil }
    }
    return found
  }

  // MARK: Ticks

  /// Advances the clock to `time`, sweeping every device at each multiple of `tick` (since the
  /// Unix epoch) after the last tick and up to `time`. Returns the events in time order.
  public func advance(to time: Timestamp, tick: DurationValue) -> [AlertEvent] {
    guard let last = lastTick, let step = tick.totalNanos, step >= 1_000_000_000 else { return [] }
    let stepSeconds = step / 1_000_000_000
    var events: [AlertEvent] = []
    var next = (last.seconds / stepSeconds + 1) * stepSeconds
    while next <= time.seconds {
      let at = Timestamp(seconds: next)
      events += sweep(at: at)
      lastTick = at
      next += stepSeconds
    }
    if clock == nil || clock! < time { clock = time }
    return events
  }

  /// One timer sweep at `now`: re-evaluates the timer alerts of every device, and fires pending
  /// alerts whose `for:` has elapsed.
  public func sweep(at now: Timestamp) -> [AlertEvent] {
    var events: [AlertEvent] = []
    for d in devices {
      if let tick = policy.tickCompiled.map({ generalTicks ? policy.compiled : $0 }) {
        let decision = tick.decide(policy.input(message: d.message, previous: d.previous, state: d.stateBefore), now: now)
        events += apply(decision, to: d, at: now, onTick: true)
      } else if d.alerts.contains(where: \.isPending) {
        events += apply(nil, to: d, at: now, onTick: true)
      }
    }
    return events
  }

  /// Feeds a decision's alert conditions to the device's lifecycles; returns the transitions.
  /// A tick without a decision only fires pending alerts whose `for:` has elapsed.
  func apply(_ decision: Decision?, to d: DeviceState, at now: Timestamp, onTick: Bool) -> [AlertEvent] {
    var events: [AlertEvent] = []
    for (i, spec) in policy.alerts.enumerated() {
      let holds: Bool
      let fired = decision?.alerts.first { $0.id == spec.id }
      if onTick && !spec.onTimer || decision == nil {
        guard d.alerts[i].isPending else { continue }
        holds = true  // the last message's condition, unchanged until the next message
      } else if fired != nil {
        holds = true
      } else if let errors = decision?.errors, !errors.isEmpty, errors.contains(where: { $0.source == spec.errorSource }) {
        continue  // unevaluable: neither fires nor resolves
      } else {
        holds = false
      }
      let phaseBefore = d.alerts[i].phase
      defer { if d.alerts[i].phase != phaseBefore, let at = index[d.key] { changed.insert(at) } }
      let transition = d.alerts[i].observe(holds, at: now, holdNanos: spec.holdNanos) {
        fired?.message ?? d.lastMessage(of: i)
      }
      switch transition {
      case nil: break
      case .fire:
        let message = fired?.message ?? d.lastMessage(of: i)
        events.append(AlertEvent(at: now, device: d.key, alert: spec.id, event: .firing, severity: spec.severity, message: message,
                                 id: AlertEvent.id(policy: policy.id, device: d.key, alert: spec.id, since: now, kind: .firing)))
      case .resolve(let since, let message):
        events.append(AlertEvent(at: now, device: d.key, alert: spec.id, event: .resolved, severity: spec.severity,
                                 message: "resolved: " + message,
                                 id: AlertEvent.id(policy: policy.id, device: d.key, alert: spec.id, since: since, kind: .resolved)))
      }
      if let fired { d.lastMessages[i] = fired.message }
    }
    return events
  }
}

/// The kept state of one device.
public final class DeviceState {
  /// The device key.
  public let key: String
  /// The last applied message.
  public internal(set) var message: ObjectValue
  /// The message before it (the last message itself after the first one).
  public internal(set) var previous: ObjectValue
  /// The kept values before the last message (what ``message`` was evaluated with).
  public internal(set) var stateBefore: ObjectValue
  /// The kept values after the last message.
  public internal(set) var stateAfter: ObjectValue
  /// The last applied event time.
  public internal(set) var lastEventTime: Timestamp
  /// Each alert's lifecycle, in policy order.
  public internal(set) var alerts: [AlertLifecycle]
  /// Each alert's last rendered message (for a `for:` alert that fires on a tick).
  var lastMessages: [String]

  init(key: String, alertCount: Int, message: ObjectValue, time: Timestamp, state: ObjectValue) {
    self.key = key; self.message = message; previous = message; stateBefore = state; stateAfter = state
    lastEventTime = time
    alerts = Array(repeating: AlertLifecycle(), count: alertCount)
    lastMessages = Array(repeating: "", count: alertCount)
  }

  func lastMessage(of alert: Int) -> String { lastMessages[alert] }
}
