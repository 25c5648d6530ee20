import PolicyExpr
import XCTest

@testable import PolicyStream

/// The Prometheus text of the watcher's metrics.
final class StreamMetricsTests: XCTestCase {
  func testMetricsCountRejectionsDevicesSilenceAndFiringAlerts() throws {
    let policy = try StreamFixtures.telemetry()
    let monitor = StreamMonitor(policy: policy)
    _ = monitor.receive(StreamFixtures.report("EX-1003", 1767225600, lat: 53.585, lon: 10.033, hours: 100, fuel: 1000))
    _ = monitor.receive(StreamFixtures.report("EX-1003", 1767229200, lat: 53.585, lon: 10.033, hours: 101, fuel: 1040))
    _ = monitor.receive(StreamFixtures.report("EX-1001", 1767229200))
    _ = monitor.receive(StreamFixtures.report("EX-1001", 1767229200))
    _ = monitor.receive("{}")
    monitor.wallClock = Timestamp(seconds: 1767229200 + 7200)
    var m = StreamMetrics()
    m.update(from: monitor, received: 5, events: 1, connections: 1, sweep: true)
    let text = m.prometheusText
    for line in [
      "proviso_watch_messages_total 5", "proviso_watch_messages_applied_total 3",
      #"proviso_watch_rejected_total{reason="duplicate"} 1"#, #"proviso_watch_rejected_total{reason="wrong_type"} 1"#,
      #"proviso_watch_rejected_total{reason="future"} 0"#, "proviso_watch_devices 2", "proviso_watch_devices_silent 2",
      #"proviso_watch_alerts_firing{alert="fuel-per-hour-high"} 1"#, "proviso_watch_lag_seconds 7200.0",
      "# TYPE proviso_watch_messages_total counter",
    ] {
      XCTAssertTrue(text.contains(line + "\n"), "missing '\(line)' in\n\(text)")
    }
  }
}
