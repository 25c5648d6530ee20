import PolicyExpr
import XCTest

@testable import PolicyStream

/// The alert state machine on its own: fire once, stay firing, resolve once, `for:` holds.
final class AlertLifecycleTests: XCTestCase {
  func t(_ s: Int64) -> Timestamp { Timestamp(seconds: s) }

  func testFiresOnceAndResolvesOnce() {
    var a = AlertLifecycle()
    XCTAssertNil(a.observe(false, at: t(0), holdNanos: 0) { "m" })
    XCTAssertEqual(a.observe(true, at: t(10), holdNanos: 0) { "m10" }, .fire)
    XCTAssertNil(a.observe(true, at: t(20), holdNanos: 0) { "m20" })
    XCTAssertEqual(a.observe(false, at: t(30), holdNanos: 0) { "m30" }, .resolve(since: t(10), message: "m10"))
    XCTAssertNil(a.observe(false, at: t(40), holdNanos: 0) { "m40" })
  }

  func testHoldForDelaysFiringAndABriefBlipNeverFires() {
    var a = AlertLifecycle()
    let hold: Int64 = 60 * 1_000_000_000
    XCTAssertNil(a.observe(true, at: t(0), holdNanos: hold) { "m" })
    XCTAssertTrue(a.isPending)
    XCTAssertNil(a.observe(true, at: t(59), holdNanos: hold) { "m" })
    XCTAssertEqual(a.observe(true, at: t(60), holdNanos: hold) { "m60" }, .fire)
    XCTAssertEqual(a.phase, .firing(since: t(60), message: "m60"))
    var b = AlertLifecycle()
    XCTAssertNil(b.observe(true, at: t(0), holdNanos: hold) { "m" })
    XCTAssertNil(b.observe(false, at: t(30), holdNanos: hold) { "m" })
    XCTAssertNil(b.observe(true, at: t(70), holdNanos: hold) { "m" }, "the hold restarts after the condition cleared")
    XCTAssertEqual(b.phase, .pending(since: t(70)))
  }
}
