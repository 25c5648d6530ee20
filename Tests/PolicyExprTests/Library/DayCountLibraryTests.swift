import XCTest
@testable import PolicyExpr

/// Whole calendar days and the act/360, act/365, 30/360 (US) and 30e/360 (Eurobond) fractions.
final class DayCountLibraryTests: XCTestCase {
  func testDaysBetweenCountsCalendarDaysInUTC() {
    EvaluationSupport.check([
      EvalCase(#"daysBetween(timestamp("2026-10-01"), timestamp("2026-12-30"))"#, "90"),
      // The time of day does not matter: two hours across midnight are one day.
      EvalCase(#"daysBetween(timestamp("2026-10-01T23:00:00Z"), timestamp("2026-10-02T01:00:00Z"))"#, "1"),
      EvalCase(#"daysBetween(timestamp("2026-10-01T09:30:00Z"), timestamp("2026-11-17T15:00:00Z"))"#, "47"),
      EvalCase(#"daysBetween(timestamp("2026-12-30"), timestamp("2026-10-01"))"#, "-90"),
      // In a zone, the dates are read there: 23:00 UTC is already the next day in Paris.
      EvalCase(#"daysBetween(timestamp("2026-10-01T12:00:00Z"), timestamp("2026-10-01T23:00:00Z"), "Europe/Paris")"#, "1"),
      EvalCase(#"daysBetween(timestamp("2024-02-28"), timestamp("2024-03-01"))"#, "2"),
    ])
  }

  func testYearFractions() {
    EvaluationSupport.check([
      EvalCase(#"yearFraction(timestamp("2026-10-01"), timestamp("2026-12-30"), "act/360")"#, "0.25m"),
      EvalCase(#"yearFraction(timestamp("2026-01-01"), timestamp("2026-03-15"), "act/365")"#, "0.2m"),
      EvalCase(#"yearFraction(timestamp("2026-01-01"), timestamp("2027-01-01"), "30/360")"#, "1m"),
      EvalCase(#"yearFraction(timestamp("2026-01-01"), timestamp("2026-02-16"), "act/360")"#, "0.1277777777777777777777777778m"),
      EvalCase(#"yearFraction(timestamp("2026-01-01"), timestamp("2026-01-01"), "foo")"#,
               "compile: unknown day-count convention 'foo' (use '30/360', '30e/360', 'act/360', 'act/365')"),
    ])
  }

  /// The 31st under 30/360 US (bond basis) and 30e/360 (Eurobond); February is never adjusted.
  func testThirtyThreeSixtyAndTheThirtyFirst() {
    EvaluationSupport.check([
      // A start on the 31st counts as the 30th in both.
      EvalCase(#"dayCount(timestamp("2026-01-31"), timestamp("2026-02-28"), "30/360")"#, "28"),
      EvalCase(#"dayCount(timestamp("2026-01-31"), timestamp("2026-02-28"), "30e/360")"#, "28"),
      // An end on the 31st: US only when the start is the 30th or 31st; Eurobond always.
      EvalCase(#"dayCount(timestamp("2026-01-15"), timestamp("2026-03-31"), "30/360")"#, "76"),
      EvalCase(#"dayCount(timestamp("2026-01-15"), timestamp("2026-03-31"), "30e/360")"#, "75"),
      EvalCase(#"dayCount(timestamp("2026-01-30"), timestamp("2026-03-31"), "30/360")"#, "60"),
      EvalCase(#"dayCount(timestamp("2026-01-31"), timestamp("2026-03-31"), "30/360")"#, "60"),
      EvalCase(#"dayCount(timestamp("2026-01-15"), timestamp("2026-03-31"), "act/360")"#, "75"),
    ])
  }
}
