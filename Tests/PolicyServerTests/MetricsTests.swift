import Dispatch
import XCTest
@testable import PolicyServer

final class MetricsTests: XCTestCase {
  func testExpositionFormatWithEscapingAndCumulativeBuckets() {
    let requests = MetricFamily<Counter>(counter: "t_requests_total", help: "Requests, with a \\ and a\nnewline.",
                                         labelNames: ["policy", "status"])
    requests.labels("b", "200").increment(by: 2)
    requests.labels("a\"quoted\\\n", "404").increment()
    requests.labels("b", "200").increment()
    let depth = MetricFamily<Gauge>(gauge: "t_depth", help: "Depth.")
    depth.labels().set(7)
    let latency = MetricFamily<Histogram>(histogram: "t_seconds", help: "Latency.", labelNames: ["policy"],
                                          upperBounds: [0.00005, 0.001, 0.5])
    let histogram = latency.labels("p")
    histogram.observe(seconds: 0.00002)
    histogram.observe(seconds: 0.001)
    histogram.observe(seconds: 0.0015)
    histogram.observe(seconds: 2)
    var exposition = PrometheusExposition()
    exposition.write(requests)
    exposition.write(depth)
    exposition.write(latency)
    XCTAssertEqual(exposition.text, """
      # HELP t_requests_total Requests, with a \\\\ and a\\nnewline.
      # TYPE t_requests_total counter
      t_requests_total{policy="a\\"quoted\\\\\\n",status="404"} 1
      t_requests_total{policy="b",status="200"} 3
      # HELP t_depth Depth.
      # TYPE t_depth gauge
      t_depth 7
      # HELP t_seconds Latency.
      # TYPE t_seconds histogram
      t_seconds_bucket{policy="p",le="0.00005"} 1
      t_seconds_bucket{policy="p",le="0.001"} 2
      t_seconds_bucket{policy="p",le="0.5"} 3
      t_seconds_bucket{policy="p",le="+Inf"} 4
      t_seconds_sum{policy="p"} 2.00252
      t_seconds_count{policy="p"} 4

      """)
  }

  func testServiceMetricsRenderEveryFamilyFromZero() {
    let metrics = ServiceMetrics()
    let text = metrics.render()
    for line in ["# TYPE proviso_http_requests_total counter", "# TYPE proviso_decision_duration_seconds histogram",
                 "# TYPE proviso_decisions_total counter", "# TYPE proviso_reloads_total counter",
                 "proviso_decision_log_queue_depth 0", "proviso_decision_log_write_errors_total 0"] {
      XCTAssertTrue(text.contains(line + "\n"), line)
    }
  }

  func testConcurrentIncrementsAreAllCounted() {
    let family = MetricFamily<Counter>(counter: "c", help: "C.", labelNames: ["k"])
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for index in 0..<10_000 { family.labels(index % 2 == 0 ? "even" : "odd").increment() }
    }
    XCTAssertEqual(family.labels("even").value, 40_000)
    XCTAssertEqual(family.labels("odd").value, 40_000)
  }
}
