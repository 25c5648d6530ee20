import XCTest
@testable import PolicyExpr

final class DecimalNumberTests: XCTestCase {
  /// Parses `text`, failing the test (and returning zero) when it does not parse.
  private func d(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DecimalNumber {
    guard let v = DecimalNumber(parsing: text) else {
      XCTFail("'\(text)' does not parse", file: file, line: line)
      return .zero
    }
    return v
  }

  private let max38 = "99999999999999999999999999999999999999"

  // MARK: - Parsing and printing

  func testParsingKeepsTheWrittenScale() {
    let cases: [(String, String, Int)] = [
      ("-12.50", "-12.50", 2), ("1e3", "1000", 0), ("+0.1", "0.1", 1), ("1.5E-7", "0.00000015", 8),
      ("225000.00", "225000.00", 2), ("0.000001", "0.000001", 6), ("-0.5", "-0.5", 1), ("42", "42", 0),
      ("007.50", "7.50", 2), ("-0.0", "0.0", 1), ("0", "0", 0), ("1.25e1", "12.5", 1), ("1.250e+2", "125.0", 1),
      ("12e-1", "1.2", 1), ("0e5", "0", 0), (max38, max38, 0), ("-" + max38, "-" + max38, 0),
      ("0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001", 38),
      ("1234567890123456789.0123456789012345678", "1234567890123456789.0123456789012345678", 19),
    ]
    for (text, printed, scale) in cases {
      let v = d(text)
      XCTAssertEqual(v.description, printed, text)
      XCTAssertEqual(v.scale, scale, text)
    }
  }

  func testParsingRejectsEverythingElse() {
    let bad = ["", "-", "+", " 1", "1 ", "NaN", "nan", "inf", "0x10", ".5", "5.", "1e", "1e+", "1.2.3", "--1",
               "1,5", "1_000", "e5", "1.e5", "١", max38 + "0", "1e38", "1e-39", "0.1e-38",
               "123456789012345678901234567890123456789"]
    for text in bad { XCTAssertNil(DecimalNumber(parsing: text), "'\(text)' parsed") }
  }

  func testParsingShedsTrailingZerosOnlyWhenTheyDoNotFit() {
    let v = d("1." + String(repeating: "0", count: 41))
    XCTAssertEqual(v.scale, 37)
    XCTAssertEqual(v, d("1"))
    XCTAssertEqual(d("1" + String(repeating: "0", count: 37)).description, "1" + String(repeating: "0", count: 37))
  }

  func testParsingSubstrings() {
    let text = "x=12.50;"
    let slice = text.dropFirst(2).dropLast()
    XCTAssertEqual(DecimalNumber(parsing: slice)?.description, "12.50")
  }

  // MARK: - Arithmetic

  func testSumsAreExact() throws {
    XCTAssertEqual(try d("0.1").adding(d("0.2")), d("0.3"))
    XCTAssertEqual(try d("0.1").adding(d("0.2")).description, "0.3")
    XCTAssertEqual(try d("1.50").adding(d("1")).description, "2.50")
    XCTAssertEqual(try d("1.5").adding(d("2.25")).description, "3.75")
    XCTAssertEqual(try d("1.5").subtracting(d("2.25")).description, "-0.75")
    XCTAssertEqual(try d("10.00").subtracting(d("10")).description, "0.00")
  }

  func testMoney() throws {
    let principal = d("250000")
    let financed = try principal.multiplying(d("0.90"))
    XCTAssertEqual(financed.description, "225000.00")
    let interest = try d("225000.00").multiplying(d("0.045")).multiplying(d("90")).dividing(d("360"))
    XCTAssertEqual(interest, d("2531.25"))
    XCTAssertEqual(interest.description, "2531.25000")
    XCTAssertEqual(try interest.rounded(places: 2).description, "2531.25")
    let month = try d("225000.00").multiplying(d("0.045")).multiplying(d("31")).dividing(d("360"))
    XCTAssertEqual(month.description, "871.87500")
    XCTAssertEqual(try month.rounded(places: 2, mode: .halfUp).description, "871.88")
    XCTAssertEqual(try month.rounded(places: 2, mode: .halfEven).description, "871.88")
    XCTAssertEqual(try month.rounded(places: 2, mode: .down).description, "871.87")
    XCTAssertEqual(try d("2.345").rounded(places: 2, mode: .halfUp).description, "2.35")
    XCTAssertEqual(try d("2.345").rounded(places: 2, mode: .halfEven).description, "2.34")
  }

  func testRoundingModesAtTiesAndForNegatives() throws {
    let inputs = ["2.5", "-2.5", "1.5", "-1.5", "2.4", "-2.6", "0.5", "-0.5"]
    let expected: [DecimalNumber.RoundingMode: [String]] = [
      .halfUp: ["3", "-3", "2", "-2", "2", "-3", "1", "-1"],
      .halfEven: ["2", "-2", "2", "-2", "2", "-3", "0", "0"],
      .down: ["2", "-2", "1", "-1", "2", "-2", "0", "0"],
      .up: ["3", "-3", "2", "-2", "3", "-3", "1", "-1"],
      .floor: ["2", "-3", "1", "-2", "2", "-3", "0", "-1"],
      .ceiling: ["3", "-2", "2", "-1", "3", "-2", "1", "0"],
    ]
    for mode in DecimalNumber.RoundingMode.allCases {
      let got = try inputs.map { try d($0).rounded(places: 0, mode: mode).description }
      XCTAssertEqual(got, expected[mode], mode.rawValue)
    }
  }

  func testRoundingToPlaces() throws {
    XCTAssertEqual(try d("2.3").rounded(places: 2).description, "2.30")
    XCTAssertEqual(try d("2.30").rounded(places: 2).description, "2.30")
    XCTAssertEqual(try d("1234.5").rounded(places: -2).description, "1200")
    XCTAssertEqual(try d("1250").rounded(places: -2, mode: .halfUp).description, "1300")
    XCTAssertEqual(try d("1250").rounded(places: -2, mode: .halfEven).description, "1200")
    XCTAssertEqual(try d("-1250").rounded(places: -2, mode: .halfUp).description, "-1300")
    XCTAssertEqual(try d("0.001").rounded(places: -50, mode: .down).description, "0")
    XCTAssertThrowsError(try d("0.001").rounded(places: -50, mode: .up)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertEqual(try d("0.001").rounded(places: -5, mode: .up).description, "100000")
    XCTAssertEqual(try d("0.004").rounded(places: 0, mode: .ceiling).description, "1")
    XCTAssertEqual(try d("0.00000000000000000000000000000000000001").rounded(places: 0, mode: .up).description, "1")
    XCTAssertEqual(try d("123.4").rounded(places: Int.min, mode: .halfUp).description, "0")
    XCTAssertThrowsError(try d("123.4").rounded(places: Int.min, mode: .up)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try d("1").rounded(places: Int.max)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try d("1").rounded(places: 39)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try d(max38).rounded(places: 1)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try d(max38).rounded(places: -1, mode: .halfUp)) { XCTAssertEqual($0 as? DecimalError, .overflow) }
  }

  func testDivision() throws {
    let cases: [(String, String, String)] = [
      ("10", "4", "2.5"), ("225000.00", "2", "112500.00"), ("1", "0.5", "2"), ("100", "0.25", "400"),
      ("1", "8", "0.125"), ("1", "1024", "0.0009765625"), ("-7", "2", "-3.5"), ("0.00", "3", "0.00"),
      ("1", "3", "0.3333333333333333333333333333"), ("2", "3", "0.6666666666666666666666666667"),
      ("-2", "3", "-0.6666666666666666666666666667"), ("1", "7", "0.1428571428571428571428571429"),
      ("100", "3", "33.33333333333333333333333333"),
      ("10000000000000000000000000000000000000", "3", "3333333333333333333333333333333333333"),
      ("6", "2", "3"), ("6.0", "2", "3.0"), ("1", "0.001", "1000"),
    ]
    for (a, b, q) in cases { XCTAssertEqual(try d(a).dividing(d(b)).description, q, "\(a) / \(b)") }
    // A divisor wider than 64 bits; the quotient stops at 38 fractional digits.
    XCTAssertEqual(try d("862727343.5665125609").dividing(d("-58564545340534575934293423140338857.882")).description,
                   "-0.00000000000000000000000001473122242391")
    XCTAssertThrowsError(try d("1").dividing(d("0.00"))) { XCTAssertEqual($0 as? DecimalError, .divisionByZero) }
    XCTAssertThrowsError(try d(max38).dividing(d("0.1"))) { XCTAssertEqual($0 as? DecimalError, .overflow) }
  }

  func testRemainder() throws {
    XCTAssertEqual(try d("7.5").remainder(d("2")).description, "1.5")
    XCTAssertEqual(try d("-7.5").remainder(d("2")).description, "-1.5")
    XCTAssertEqual(try d("7.5").remainder(d("-2")).description, "1.5")
    XCTAssertEqual(try d("7").remainder(d("0.3")).description, "0.1")
    let tiny = "0.0000000000000000000000000000000000003"
    XCTAssertEqual(try d("10000000000000000000000000000000000000").remainder(d(tiny)),
                   d("0.0000000000000000000000000000000000001"))
    XCTAssertEqual(try d("0.00000000000000000000000000000000000001").remainder(d(max38)),
                   d("0.00000000000000000000000000000000000001"))
    XCTAssertEqual(try d("1").remainder(d("0.58564545340534575934293423140338857882")).description,
                   "0.41435454659465424065706576859661142118")
    XCTAssertThrowsError(try d("1").remainder(.zero)) { XCTAssertEqual($0 as? DecimalError, .divisionByZero) }
  }

  func testOverflowAt38Digits() throws {
    let max = d(max38)
    XCTAssertThrowsError(try max.adding(d("1"))) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try max.negated.subtracting(d("1"))) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try max.multiplying(d("10"))) { XCTAssertEqual($0 as? DecimalError, .overflow) }
    XCTAssertThrowsError(try d("12345678901234567890.123").multiplying(d("98765432109876543210.9"))) {
      XCTAssertEqual($0 as? DecimalError, .overflow)
    }
    XCTAssertEqual(try max.multiplying(d("0.1")).description, "9999999999999999999999999999999999999.9")
    XCTAssertEqual(try max.subtracting(d("1")).description, "99999999999999999999999999999999999998")
  }

  func testWideResultsRoundTheirFractionHalfEven() throws {
    // 40 exact digits; rounded to the 38 that fit (the carry ripples into the integer part).
    XCTAssertEqual(try d("1234567890123456789.123").multiplying(d("98765432109876543.9")).description,
                   "121932631137021796087746372445826352.00")
    // Scale 74 exceeds 38: rounded to 38 places.
    let ones = d("0.1111111111111111111111111111111111111")
    XCTAssertEqual(try ones.multiplying(ones).description, "0.01234567901234567901234567901234567901")
    // Trailing zeros are dropped exactly.
    XCTAssertEqual(try d("0.10000000000000000000").multiplying(d("0.10000000000000000000")).description,
                   "0.01000000000000000000000000000000000000")
    let big = d("10000000000000000000000000000000000000")
    XCTAssertEqual(try big.adding(d("0.1")).description, "10000000000000000000000000000000000000")
    XCTAssertEqual(try big.adding(d("0.5")).description, "10000000000000000000000000000000000000")
    XCTAssertEqual(try big.adding(d("0.6")).description, "10000000000000000000000000000000000001")
    XCTAssertEqual(try big.subtracting(d("0.6")).description, "9999999999999999999999999999999999999.4")
  }

  // MARK: - Comparison and hashing

  func testComparisonAcrossScales() {
    XCTAssertEqual(d("1.0"), d("1.00"))
    XCTAssertEqual(d("1.00"), d("1"))
    XCTAssertEqual(d("0.0"), DecimalNumber.zero)
    XCTAssertLessThan(d("1.09"), d("1.10"))
    XCTAssertLessThan(d("-1.5"), d("-1.45"))
    XCTAssertLessThan(d("-0.01"), d("0"))
    XCTAssertGreaterThan(d(max38), d("0.00000000000000000000000000000000000001"))
    XCTAssertLessThan(d("-" + max38), d("-0.00000000000000000000000000000000000001"))
    XCTAssertGreaterThan(d("12345678901234567890123456789012345678"), d("1234567890123456789012345678901234567.9"))
    XCTAssertLessThan(d("1234567890123456789012345678901234567"), d("1234567890123456789012345678901234567.1"))
    XCTAssertGreaterThan(d("99999999999999999999999999999999999990"), d("9999999999999999999999999999999999999.1"))
    XCTAssertLessThan(d("-99999999999999999999999999999999999990"), d("-9999999999999999999999999999999999999.1"))
    XCTAssertNotEqual(d("12345678901234567890123456789012345677"), d("1234567890123456789012345678901234567.7"))
    XCTAssertEqual(DecimalNumber.compare(d("2.50"), d("2.5")), 0)
  }

  func testHashingIsNumeric() {
    XCTAssertEqual(d("1.0").hashValue, d("1.00").hashValue)
    XCTAssertEqual(d("1").hashValue, d("1.000").hashValue)
    XCTAssertEqual(d("-0.50").hashValue, d("-0.5").hashValue)
    XCTAssertEqual(Set([d("1"), d("1.0"), d("1.00"), d("2.50"), d("2.5")]).count, 2)
  }

  // MARK: - Conversions

  func testFromDouble() {
    XCTAssertEqual(DecimalNumber(exactly: 0.1)?.description, "0.1")
    XCTAssertEqual(DecimalNumber(exactly: 1e-7)?.description, "0.0000001")
    XCTAssertEqual(DecimalNumber(exactly: 1e20)?.description, "100000000000000000000")
    XCTAssertEqual(DecimalNumber(exactly: 123.456)?.description, "123.456")
    XCTAssertEqual(DecimalNumber(exactly: -2.0)?.description, "-2")
    XCTAssertEqual(DecimalNumber(exactly: -0.0)?.description, "0")
    XCTAssertNil(DecimalNumber(exactly: .nan))
    XCTAssertNil(DecimalNumber(exactly: .infinity))
    XCTAssertNil(DecimalNumber(exactly: 1e300))
    XCTAssertNil(DecimalNumber(exactly: 1e-300))
  }

  func testToDoubleAndIntegers() {
    XCTAssertEqual(d("0.1").doubleValue, 0.1)
    XCTAssertEqual(d("123.456").doubleValue, 123.456)
    XCTAssertEqual(d("-2531.25000").doubleValue, -2531.25)
    XCTAssertEqual(d(max38).doubleValue, 1e38)
    XCTAssertEqual(d("0.00000000000000000000000000000000000001").doubleValue, 1e-38)
    XCTAssertEqual(d("12.00").exactInt64, 12)
    XCTAssertNil(d("12.5").exactInt64)
    XCTAssertNil(d("9223372036854775808").exactInt64)
    XCTAssertEqual(d("-9223372036854775808").exactInt64, Int64.min)
    XCTAssertEqual(DecimalNumber(UInt64.max).description, "18446744073709551615")
    XCTAssertEqual(DecimalNumber(Int64.min).description, "-9223372036854775808")
    XCTAssertTrue(d("2.00").isInteger)
    XCTAssertFalse(d("2.01").isInteger)
    XCTAssertEqual(d("-3.5").signum, -1)
    XCTAssertEqual(d("0.00").signum, 0)
    XCTAssertEqual(d("-3.50").magnitude.description, "3.50")
    XCTAssertEqual(d("3.50").negated.description, "-3.50")
    XCTAssertEqual(d("2.500").normalized.description, "2.5")
  }

  func testLayoutStaysSmall() {
    XCTAssertEqual(MemoryLayout<DecimalNumber>.stride, 24)
  }
}
