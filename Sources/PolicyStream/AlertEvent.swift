import PolicyExpr

/// One alert transition of one device: what `proviso watch` prints, one JSON object a line.
public struct AlertEvent: Sendable, Hashable {
  /// When it happened: the message's event time or the timer tick.
  public var at: Timestamp
  /// The device key.
  public var device: String
  /// The alert id.
  public var alert: String
  /// Firing or resolved.
  public var event: Kind
  /// The alert's severity.
  public var severity: String
  /// The message (for `resolved`, the firing message prefixed with `resolved: `).
  public var message: String
  /// A stable id a receiver can deduplicate on: the same transition always has the same id.
  public var id: String

  /// The two transitions.
  public enum Kind: String, Sendable, Hashable { case firing, resolved }

  /// The event id: the first 128 bits of SHA-256 over policy, device, alert, firing time and kind, as hex.
  static func id(policy: String, device: String, alert: String, since: Timestamp, kind: Kind) -> String {
    let text = "\(policy)\u{1F}\(device)\u{1F}\(alert)\u{1F}\(since.seconds).\(since.nanos)\u{1F}\(kind.rawValue)"
    return String(SHA256.hex(Array(text.utf8)).prefix(32))
  }

  /// The event as one line of JSON (no newline), keys in a fixed order.
  public var jsonLine: String {
    var w = JSONWriter(capacity: 160 + message.utf8.count)
    func key(_ k: String, first: Bool = false) {
      if !first { w.bytes.append(UInt8(ascii: ",")); w.bytes.append(UInt8(ascii: " ")) }
      w.writeString(k); w.bytes.append(UInt8(ascii: ":")); w.bytes.append(UInt8(ascii: " "))
    }
    w.bytes.append(UInt8(ascii: "{"))
    key("at", first: true); w.writeString(at.rfc3339)
    key("device"); w.writeString(device)
    key("alert"); w.writeString(alert)
    key("event"); w.writeString(event.rawValue)
    key("severity"); w.writeString(severity)
    key("message"); w.writeString(message)
    key("id"); w.writeString(id)
    w.bytes.append(UInt8(ascii: "}"))
    return String(decoding: w.bytes, as: UTF8.self)
  }
}
