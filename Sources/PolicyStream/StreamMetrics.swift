import PolicyExpr
import Synchronization

/// The watcher's counters and gauges, read by the metrics endpoint on another thread.
public struct StreamMetrics: Sendable {
  /// Messages received (applied or rejected).
  public var messages = 0
  /// Messages applied.
  public var applied = 0
  /// Rejected messages by reason.
  public var rejections: [Rejection.Reason: Int] = [:]
  /// Devices tracked.
  public var devices = 0
  /// Devices with no message for longer than ``silenceSeconds`` at the last tick.
  public var silentDevices = 0
  /// Alerts firing now, by alert id.
  public var firing: [String: Int] = [:]
  /// Alert events raised.
  public var events = 0
  /// Wall clock minus the event time of the last applied message, in seconds.
  public var lagSeconds = 0.0
  /// Broker connections accepted.
  public var connections = 0
  /// How long without a message makes a device count as silent.
  public var silenceSeconds: Int64 = 3600

  /// Creates empty metrics.
  public init() {}

  /// Updates the gauges from `monitor`; `sweep` also recounts the silent devices (a scan of every device).
  public mutating func update(from monitor: StreamMonitor, received: Int, events: Int, connections: Int, sweep: Bool) {
    messages = received
    applied = monitor.accepted
    rejections = monitor.rejections
    devices = monitor.devices.count
    self.events = events
    self.connections = connections
    if let wall = monitor.wallClock, let last = monitor.lastApplied {
      lagSeconds = Double(wall.seconds - last.seconds) + Double(Int(wall.nanos) - Int(last.nanos)) / 1e9
    }
    if sweep {
      firing = monitor.firingCounts
      if let wall = monitor.wallClock { silentDevices = monitor.devices.reduce(0) { $0 + (wall.seconds - $1.lastEventTime.seconds > silenceSeconds ? 1 : 0) } }
    }
  }

  /// Prometheus text exposition (version 0.0.4).
  public var prometheusText: String {
    var out = ""
    func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
      out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
      for (labels, value) in samples { out += "\(name)\(labels) \(value)\n" }
    }
    metric("proviso_watch_messages_total", "counter", "Messages received (applied or rejected); rate() gives messages per second.", [("", "\(messages)")])
    metric("proviso_watch_messages_applied_total", "counter", "Messages applied to device state.", [("", "\(applied)")])
    metric("proviso_watch_rejected_total", "counter", "Rejected messages by reason.",
           Rejection.Reason.allCases.map { ("{reason=\"\($0.rawValue)\"}", "\(rejections[$0] ?? 0)") })
    metric("proviso_watch_devices", "gauge", "Devices tracked.", [("", "\(devices)")])
    metric("proviso_watch_devices_silent", "gauge", "Devices with no message for more than \(silenceSeconds) s at the last tick.", [("", "\(silentDevices)")])
    metric("proviso_watch_alerts_firing", "gauge", "Alerts firing now, by alert id.",
           firing.keys.sorted().map { ("{alert=\"\($0)\"}", "\(firing[$0]!)") })
    metric("proviso_watch_alert_events_total", "counter", "Alert events raised (firing and resolved).", [("", "\(events)")])
    metric("proviso_watch_lag_seconds", "gauge", "Wall clock minus the event time of the last applied message.", [("", String(lagSeconds))])
    metric("proviso_watch_connections_total", "counter", "Broker connections accepted.", [("", "\(connections)")])
    return out
  }
}

/// The latest ``StreamMetrics``, shared between the watcher's thread and the metrics endpoint.
public final class StreamMetricsBoard: Sendable {
  private let state = Mutex(StreamMetrics())
  /// Creates a board with empty metrics.
  public init() {}
  /// A copy of the current metrics.
  public var current: StreamMetrics { state.withLock { $0 } }
  /// Changes the metrics under the lock.
  public func update(_ body: (inout StreamMetrics) -> Void) { state.withLock { body(&$0) } }
}
