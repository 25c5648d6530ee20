import PolicyExpr
import XCTest

@testable import PolicyRules

/// The double-band fast path of decision tables gives exactly the general cell tests' answers.
final class NumericBandsTests: XCTestCase {
  static let policy = """
    policy: bands
    inputs: {m: {x: double}}
    tables:
      - id: t
        hit: collect
        inputs: [m.x]
        outputs: [row]
        rows:
          - ["< 0.02", 1]
          - ["<= 0.02", 2]
          - ["> 0", 3]
          - [">= 0", 4]
          - ["[0.02..0.05)", 5]
          - ["(0.02..0.05]", 6]
          - ["[1..2]", 7]
          - ["(-1..1)", 8]
          - ["-", 9]
          - ["= 0.05", 10]
          - [0.5, 11]
    outputs: {rows: t}
    """

  func testBandsAgreeWithTheGeneralCellTests() throws {
    let (policy, diagnostics) = PolicyLoader.load(SourceFile(path: "bands.yaml", text: Self.policy))
    let p = try XCTUnwrap(policy, DiagnosticRenderer().render(diagnostics))
    let table = try XCTUnwrap(p.tables.first)
    let bands = try XCTUnwrap(table.bands, "every cell of this table is a band over doubles")
    let a = p.makeActivation()
    let probes: [Double] = [-2, -1, -0.5, -0.0, 0, 0.01, 0.019999999, 0.02, 0.020000001, 0.049999, 0.05, 0.050001,
                            0.5, 0.9999, 1, 1.5, 2, 2.0000001, 1e300, -1e300, .infinity, -.infinity]
    for (i, cell) in table.cells.enumerated() {
      for x in probes {
        let general = try cell.general.matches(.double(x), a, table: table)
        XCTAssertEqual(bands.accepts(i, x), general, "cell \(i) at \(x)")
      }
    }
  }

  func testTableResultsThroughTheFastPath() throws {
    let (policy, _) = PolicyLoader.load(SourceFile(path: "bands.yaml", text: Self.policy))
    let p = try XCTUnwrap(policy)
    func rows(_ x: Double) throws -> [Int64] {
      guard case .success(let input) = p.decodeInput(Array(#"{"m": {"x": \#(x)}}"#.utf8)) else {
        XCTFail("the input for \(x) does not decode")
        return []
      }
      guard case .list(let xs)? = p.decide(input).output("rows") else { return [] }
      return xs.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
    }
    XCTAssertEqual(try rows(0.02), [2, 3, 4, 5, 8, 9])
    XCTAssertEqual(try rows(0.05), [3, 4, 6, 8, 9, 10])
    XCTAssertEqual(try rows(0), [1, 2, 4, 8, 9])
    XCTAssertEqual(try rows(1), [3, 4, 7, 9])
    XCTAssertEqual(try rows(0.5), [3, 4, 8, 9, 11])
  }
}
