/// The decision service's metrics, rendered at `GET /metrics`.
public final class ServiceMetrics: Sendable {
  /// `proviso_http_requests_total{endpoint,policy,status}`: answered requests; `policy` is empty off the decision route.
  public let requests = MetricFamily<Counter>(counter: "proviso_http_requests_total",
    help: "HTTP requests answered, by endpoint, policy and status code.", labelNames: ["endpoint", "policy", "status"])
  /// `proviso_decision_duration_seconds{policy}`: time from the request to the response, log commit included.
  public let decisionDuration = MetricFamily<Histogram>(histogram: "proviso_decision_duration_seconds",
    help: "Time to answer a decision request, decision log commit included, in seconds.", labelNames: ["policy"])
  /// `proviso_decisions_total{policy,outcome}`: decisions made, by outcome (`approved`, `declined`, …).
  public let decisions = MetricFamily<Counter>(counter: "proviso_decisions_total",
    help: "Decisions made, by policy and outcome.", labelNames: ["policy", "outcome"])
  /// `proviso_reloads_total{policy,result}`: reload attempts, `result` `ok` or `failed`.
  public let reloads = MetricFamily<Counter>(counter: "proviso_reloads_total",
    help: "Policy reload attempts, by policy and result (ok or failed).", labelNames: ["policy", "result"])
  /// `proviso_decision_log_queue_depth`: records waiting for their group commit.
  public let decisionLogQueueDepth = MetricFamily<Gauge>(gauge: "proviso_decision_log_queue_depth",
    help: "Decision records waiting for the decision log's next group commit.")
  /// `proviso_decision_log_write_errors_total`: decisions that could not be written (each answered 503).
  public let decisionLogWriteErrors = MetricFamily<Counter>(counter: "proviso_decision_log_write_errors_total",
    help: "Decisions that could not be written to the decision log, each answered 503.")

  /// `proviso_http_refusals_total{reason}`: requests refused before reaching an endpoint, by error code
  /// (`duplicate_content_length`, `payload_too_large`, `unauthorized`, `unsupported_media_type`, …).
  public let refusals = MetricFamily<Counter>(counter: "proviso_http_refusals_total",
    help: "Requests refused (bad framing, over a limit, unauthorized, wrong media type), by reason.", labelNames: ["reason"])

  /// Creates the metrics, all at zero.
  public init() {}

  /// The Prometheus text exposition of every family.
  public func render() -> String {
    var exposition = PrometheusExposition()
    exposition.write(requests)
    exposition.write(decisionDuration)
    exposition.write(decisions)
    exposition.write(reloads)
    exposition.write(decisionLogQueueDepth)
    exposition.write(decisionLogWriteErrors)
    exposition.write(refusals)
    return exposition.text
  }
}
