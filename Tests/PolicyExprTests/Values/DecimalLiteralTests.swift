import XCTest
@testable import PolicyExpr

/// The decimal a number literal spells (`DecimalNumber(literal:)`), at the edges of the 38-digit
/// rule, and the division rule at its edges.
final class DecimalLiteralTests: XCTestCase {
  private func literal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DecimalNumber? {
    do {
      return try DecimalNumber(literal: text)
    } catch {
      XCTFail("'\(text)': \(error.message(literal: text))", file: file, line: line)
      return nil
    }
  }

  private func refusal(_ text: String) -> DecimalLiteralError? {
    do {
      _ = try DecimalNumber(literal: text)
      return nil
    } catch {
      return error
    }
  }

  private let digits38 = "12345678901234567890123456789012345678"

  func testLiteralsKeepTheirWrittenPlaces() {
    let cases: [(String, String, Int)] = [
      ("0.90", "0.90", 2), (".5", "0.5", 1), ("-.5", "-0.5", 1), ("-0.5", "-0.5", 1), ("12", "12", 0),
      ("1e3", "1000", 0), ("1E3", "1000", 0), ("1.5E-7", "0.00000015", 8), ("1.50e1", "15.0", 1),
      ("5.0e-1", "0.50", 2), ("1e+2", "100", 0), ("0.000", "0.000", 3), ("-0.0", "0.0", 1), ("0e99", "0", 0),
      ("007.50", "7.50", 2), (".0012", "0.0012", 4),
    ]
    for (text, printed, scale) in cases {
      guard let d = literal(text) else { continue }
      XCTAssertEqual(d.description, printed, text)
      XCTAssertEqual(d.scale, scale, text)
    }
  }

  /// 38 significant digits fit and 39 do not; trailing zeros count (they carry the places),
  /// leading zeros do not, and an exponent's zeros count like written ones.
  func testThirtyEightDigitsIsTheLimit() {
    XCTAssertEqual(literal(digits38)?.description, digits38)
    XCTAssertEqual(literal("0." + digits38)?.scale, 38)
    XCTAssertEqual(literal("1234567890123456789.0123456789012345678")?.scale, 19)
    XCTAssertEqual(refusal(digits38 + "9"), .tooManyDigits(39))
    XCTAssertEqual(refusal("1234567890123456789.01234567890123456781"), .tooManyDigits(39))
    // Trailing zeros: 1 and 37 zeros is 38 digits; one zero more is refused, not shortened.
    let thirtySevenZeros = String(repeating: "0", count: 37)
    XCTAssertEqual(literal("1." + thirtySevenZeros)?.description, "1." + thirtySevenZeros)
    XCTAssertEqual(refusal("1." + thirtySevenZeros + "0"), .tooManyDigits(39))
    XCTAssertEqual(refusal("1." + thirtySevenZeros + "1"), .tooManyDigits(39))
    XCTAssertEqual(refusal("1" + thirtySevenZeros + "0.0"), .tooManyDigits(40))
    // Leading zeros are not significant.
    XCTAssertEqual(literal(String(repeating: "0", count: 50) + digits38)?.description, digits38)
    XCTAssertEqual(literal("0.000" + String(digits38.dropLast(3)))?.scale, 38)
    // Exponents: 1e37 has 38 digits, 1e38 has 39; places beyond 38 are refused, even for zero.
    XCTAssertEqual(literal("1e37")?.description, "1" + thirtySevenZeros)
    XCTAssertEqual(refusal("1e38"), .tooManyDigits(39))
    XCTAssertEqual(literal("1.5e37")?.description, "15" + String(repeating: "0", count: 36))
    XCTAssertEqual(refusal("1.5e38"), .tooManyDigits(39))
    XCTAssertEqual(literal("1e-38")?.scale, 38)
    XCTAssertEqual(refusal("1e-39"), .tooManyPlaces(39))
    XCTAssertEqual(refusal("1.0e-38"), .tooManyPlaces(39))
    XCTAssertEqual(refusal("0.0e-38"), .tooManyPlaces(39))
    XCTAssertEqual(refusal("1e-999999999"), .tooManyPlaces(999_999_999))
    XCTAssertEqual(refusal("1e999999999"), .tooManyDigits(1_000_000_000))
  }

  func testMalformedLiterals() {
    for text in ["", "-", ".", "5.", "1e", "1e+", "e5", "1.2.3", "--1", "+1", "0x10", "1 ", " 1", "1_0", "1.5u"] {
      XCTAssertEqual(refusal(text), .malformed, "'\(text)'")
    }
  }

  func testMessagesQuoteTheLiteral() {
    XCTAssertEqual(DecimalLiteralError.tooManyDigits(39).message(literal: "1e38"),
                   "number literal '1e38' needs 39 digits as a decimal; a decimal holds at most 38 significant digits (trailing zeros count: they carry the places)")
    XCTAssertEqual(DecimalLiteralError.tooManyPlaces(39).message(literal: "1e-39"),
                   "number literal '1e-39' has 39 decimal places; a decimal holds at most 38")
  }

  // MARK: - Division at the edges of its rule

  private func d(_ text: String) -> DecimalNumber { DecimalNumber(parsing: text)! }

  /// A quotient that fits a decimal exactly is exact, however many digits (up to 38) it needs.
  func testExactQuotientsUpToThirtyEightDigits() throws {
    // 29 significant digits: not cut to 28.
    XCTAssertEqual(try d("1.0000000000000000000000000001").dividing(d("2")).description, "0.50000000000000000000000000005")
    // 38 significant digits.
    XCTAssertEqual(try d("2469135780246913578024691357802469135.6").dividing(d("2")).description,
                   "1234567890123456789012345678901234567.8")
    XCTAssertEqual(try d("1.0000000000000000000000000000000000001").dividing(d("2")).description,
                   "0.50000000000000000000000000000000000005")
  }

  /// A quotient that does not fit exactly (it does not terminate, or it terminates beyond 38
  /// digits or 38 places) is rounded half-even to 28 significant digits, keeping the integer
  /// part whole and stopping at 38 places.
  func testOtherQuotientsRoundToTwentyEightDigits() throws {
    // Terminates at 39 digits (1666666666666666666666666666.66666666665): rounded to 28.
    XCTAssertEqual(try d("9999999999999999999999999999.9999999999").dividing(d("6")).description,
                   "1666666666666666666666666667")
    // An integer part of 35 digits is kept whole; the fraction .9995 rounds it up.
    XCTAssertEqual(try d("99999999999999999999999999999999999.999").dividing(d("2")).description,
                   "50000000000000000000000000000000000")
    // Terminates at 40 places (2^-40 = 0.0000000000009094947017729282379150390625): 38 places.
    XCTAssertEqual(try d("1").dividing(d("1099511627776")).description, "0.00000000000090949470177292823791503906")
    // Does not terminate: 28 significant digits, half-even.
    XCTAssertEqual(try d("1").dividing(d("3")).description, "0.3333333333333333333333333333")
    XCTAssertEqual(try d("2").dividing(d("3")).description, "0.6666666666666666666666666667")
    XCTAssertEqual(try d("-2").dividing(d("3")).description, "-0.6666666666666666666666666667")
    XCTAssertEqual(try d("1234567890123456789012345678.5").dividing(d("3")).description,
                   "411522630041152263004115226.2")
  }

  func testExactSumsReportOverflow() {
    XCTAssertEqual(d("1.50").addingExactly(d("2.5"))?.description, "4.00")
    XCTAssertEqual(d("0.01").subtractingExactly(d("0.02"))?.description, "-0.01")
    let big = "1234567890123456789.012", small = "0.3333333333333333333333333333"
    // The exact sum needs 47 digits: `adding` would round, `addingExactly` refuses.
    XCTAssertNil(d(big).addingExactly(d(small)))
    XCTAssertNil(d("99999999999999999999999999999999999999").addingExactly(d("1")))
    XCTAssertEqual(d("99999999999999999999999999999999999998").addingExactly(d("1"))?.description,
                   "99999999999999999999999999999999999999")
  }
}
