import PolicyExpr

/// Replays a recorded stream (JSON Lines of `{"topic": ..., "payload": {...}}`) in event time.
///
/// Timer ticks run at each multiple of `tick` between messages and, after the last message, up to
/// `until`. Events are emitted in processing order, which is time order for a file in time order.
public struct StreamReplay {
  /// The monitor the stream is fed to.
  public let monitor: StreamMonitor
  /// The tick interval.
  public var tick: DurationValue
  let envelope: JSONSchemaDecoder

  /// Creates a replay over `monitor`, ticking every `tick`.
  public init(monitor: StreamMonitor, tick: DurationValue) {
    self.monitor = monitor
    self.tick = tick
    let type = ObjectType(name: "record", fields: [
      ObjectType.Field(name: "topic", type: .string, optional: true, allowed: nil),
      ObjectType.Field(name: "payload", type: .object(monitor.policy.messageType), optional: false, allowed: nil),
    ])
    envelope = JSONSchemaDecoder(.object(type))
  }

  /// Feeds every line of `bytes`; `emit` gets each event, `rejected` each refused line with its number.
  public func run(_ bytes: UnsafeRawBufferPointer, until: Timestamp?, emit: (AlertEvent) -> Void, rejected: (Int, Rejection) -> Void) {
    for line in JSONLines(bytes) {
      let record = UnsafeRawBufferPointer(rebasing: bytes[line.range])
      guard record.count <= monitor.limits.maxPayloadBytes + 4096 else {
        rejected(line.number, monitor.count(Rejection(.tooLarge, "record of \(record.count) bytes is over the limit", topic: nil)))
        continue
      }
      switch envelope.decode(record) {
      case .success(.object(let o)):
        var topic: String?
        if case .string(let t)? = o.fields[0] { topic = t }
        guard case .object(let message)? = o.fields[1] else { continue }
        switch monitor.receive(message, topic: topic, tick: tick) {
        case .success(let events): events.forEach(emit)
        case .failure(let r): rejected(line.number, r)
        }
      case .success: continue
      case .failure(let errors):
        let reason: Rejection.Reason = errors.errors.contains { $0.code == .malformed } ? .malformed : .wrongType
        rejected(line.number, monitor.count(Rejection(reason, errors.errors.first?.message ?? "invalid record", topic: nil)))
      }
    }
    if let until { monitor.advance(to: until, tick: tick).forEach(emit) }
  }
}

extension StreamMonitor {
  /// Counts a rejection found before the monitor saw the message, and returns it.
  public func count(_ r: Rejection) -> Rejection {
    _ = reject(r)
    return r
  }
}
