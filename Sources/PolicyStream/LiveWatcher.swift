import Foundation
import PolicyExpr

/// Watches a live MQTT stream: subscribes with QoS 1 and a persistent session, feeds each message
/// to a ``StreamMonitor``, runs timer ticks on the wall clock, and publishes each alert event as
/// JSON with QoS 1. Reconnects with exponential backoff when the broker goes away.
///
/// Everything runs on the thread that calls ``run(shouldStop:)``.
public final class LiveWatcher {
  /// Where to connect and what to subscribe and publish.
  public struct Options: Sendable {
    /// The broker's host.
    public var host: String
    /// The broker's port.
    public var port: Int
    /// The subscription (`device/+/data`); its `+` names the device.
    public var topic: String
    /// Where events go; `{device}` is replaced by the device key (`alerts/{device}`).
    public var alertsTopic: String?
    /// The client id; the broker keeps the session under it.
    public var clientID: String
    /// The timer tick.
    public var tick: DurationValue
    /// The first reconnect delay, doubled after each failure up to ``maxBackoffSeconds``.
    public var initialBackoffSeconds = 0.25
    /// The longest reconnect delay.
    public var maxBackoffSeconds = 10.0

    /// Creates options.
    public init(host: String, port: Int, topic: String, alertsTopic: String?, clientID: String, tick: DurationValue) {
      self.host = host; self.port = port; self.topic = topic; self.alertsTopic = alertsTopic; self.clientID = clientID; self.tick = tick
    }
  }

  /// The monitor messages go to.
  public let monitor: StreamMonitor
  /// The options.
  public let options: Options
  let emit: (AlertEvent) -> Void
  let log: (String) -> Void
  /// How many times the broker accepted a connection.
  public private(set) var connections = 0
  /// Messages received from the broker.
  public private(set) var received = 0
  var connected = false
  var clock: () -> Timestamp
  /// Where state is kept across restarts, when given.
  let store: StreamStore?
  /// Events raised this loop turn, published after they are committed.
  var raised: [AlertEvent] = []
  /// Events to publish: (outbox id, device, JSON line); new ones also go to `emit`.
  var unpublished: [(id: String, device: String, line: String)] = []
  /// Published message ids waiting for their PUBACK, by outbox id.
  var inFlight: [Int32: String] = [:]
  /// Outbox ids acknowledged since the last commit.
  var acknowledged: [String] = []
  /// Events raised since start.
  var eventCount = 0
  /// The metrics, updated every loop turn (and the silent-device scan at each tick), for another thread to read.
  public let metrics = StreamMetricsBoard()

  /// Creates a watcher; `emit` gets each event (after it is queued for publishing), `log` each
  /// line worth logging (rejections, connection changes). `clock` is the wall clock.
  /// With `store`, the devices and the unacknowledged events it holds are restored first.
  public init(monitor: StreamMonitor, options: Options, store: StreamStore? = nil, clock: @escaping () -> Timestamp = LiveWatcher.wallClock,
              emit: @escaping (AlertEvent) -> Void, log: @escaping (String) -> Void) throws(StreamStoreError) {
    self.monitor = monitor; self.options = options; self.store = store; self.clock = clock; self.emit = emit; self.log = log
    if let store {
      unpublished = try store.restore(into: monitor)
      log("state: restored \(monitor.devices.count) devices, \(unpublished.count) unacknowledged events")
    }
  }

  /// The system clock as a timestamp (whole seconds).
  public static func wallClock() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

  /// Runs until `shouldStop` returns true (checked at least every 100 ms).
  public func run(shouldStop: () -> Bool) throws(MQTTError) {
    let client = try MQTTClient(clientID: options.clientID, cleanSession: false)
    client.onConnect = { [unowned self] rc in
      guard rc == 0 else { log("mqtt: broker refused the connection (\(rc))"); return }
      connected = true
      connections += 1
      // Subscribing again is harmless with a persistent session and needed after a broker restart without persistence.
      let s = client.subscribe(options.topic, qos: 1)
      log("mqtt: connected to \(options.host):\(options.port), subscribed to '\(options.topic)'" + (s == 0 ? "" : " (subscribe failed: \(MQTTClient.describe(s)))"))
    }
    client.onDisconnect = { [unowned self] rc in
      connected = false
      if rc != 0 { log("mqtt: connection lost (\(MQTTClient.describe(rc)))") }
    }
    client.onMessage = { [unowned self] topic, payload in
      received += 1
      monitor.wallClock = clock()
      switch monitor.receive(payload: payload, topic: topic) {
      case .success(let events): raised += events; eventCount += events.count
      case .failure(let r): log(r.logLine)
      }
    }
    client.onPublish = { [unowned self] mid in
      if let id = inFlight.removeValue(forKey: mid) { acknowledged.append(id) }
    }
    var backoff = options.initialBackoffSeconds
    var rc = client.connect(host: options.host, port: options.port)
    if rc != 0 { log("mqtt: cannot connect to \(options.host):\(options.port) (\(MQTTClient.describe(rc)))") }
    monitor.startTicks(at: clock())
    while !shouldStop() {
      if rc == 0 {
        rc = client.loop(timeoutMilliseconds: 100)
        if rc == 0 && connected { backoff = options.initialBackoffSeconds }
      }
      if rc != 0 {
        connected = false
        log("mqtt: reconnecting in \(backoff) s")
        let until = Date().addingTimeInterval(backoff)
        while Date() < until && !shouldStop() { Thread.sleep(forTimeInterval: 0.05) }
        backoff = min(backoff * 2, options.maxBackoffSeconds)
        rc = client.reconnect()
      }
      let now = clock()
      monitor.wallClock = now
      let tickBefore = monitor.lastTick
      let tickEvents = monitor.advance(to: now, tick: options.tick)
      eventCount += tickEvents.count
      raised += tickEvents
      let swept = monitor.lastTick != tickBefore
      metrics.update { $0.update(from: monitor, received: received, events: eventCount, connections: connections, sweep: swept) }
      try flush(client)
    }
    client.disconnect()
    _ = client.loop(timeoutMilliseconds: 100)
    try flush(client)
  }

  /// Group commit, then publish: the changed devices and the new events are written in one
  /// transaction before any of those events leaves the process.
  func flush(_ client: MQTTClient) throws(MQTTError) {
    let changed = monitor.takeChanged()
    guard !changed.isEmpty || !raised.isEmpty || !acknowledged.isEmpty || (!unpublished.isEmpty && connected) else { return }
    if let store {
      do { try store.commit(devices: changed, events: raised, acknowledged: acknowledged, lastTick: monitor.lastTick) } catch {
        throw MQTTError("cannot write the state file: \(error)")  // stop rather than publish what is not durable
      }
    }
    acknowledged.removeAll()
    for e in raised { emit(e); unpublished.append((e.id, e.device, e.jsonLine)) }
    raised.removeAll()
    guard connected, let pattern = options.alertsTopic else {
      if options.alertsTopic == nil { acknowledged += unpublished.map(\.id); unpublished.removeAll() }
      return
    }
    var kept: [(id: String, device: String, line: String)] = []
    for item in unpublished {
      let topic = pattern.replacingOccurrences(of: "{device}", with: item.device)
      let (rc, mid) = client.publish(topic, Array(item.line.utf8), qos: 1)
      if rc == 0 { inFlight[mid] = item.id } else {
        log("mqtt: cannot publish event \(item.id) to '\(topic)' (\(MQTTClient.describe(rc)))")
        kept.append(item)
      }
    }
    unpublished = kept
  }
}

extension StreamMonitor {
  /// Starts the tick schedule at `time` when no message has started it (live watching).
  public func startTicks(at time: Timestamp) {
    if lastTick == nil { lastTick = time }
  }
}
