import PolicyExpr
import XCTest

@testable import PolicyRules

/// Table cells compare with the language's one ordering: the result of a cell is the result of
/// the equivalent CEL expression, on the double-band fast path and on the general cell path alike.
/// Any ordering comparison with NaN is false (never an error), and numbers of different kinds
/// compare by value (issue 8, part 2).
final class CellComparisonTests: XCTestCase {
  /// Cells every one of which is a band (the fast path applies), with the equivalent expression.
  static let bandCells: [(cell: String, cel: String)] = [
    ("< 0.5", "x < 0.5"), ("<= 0.5", "x <= 0.5"), ("> 0.5", "x > 0.5"), (">= 0.5", "x >= 0.5"), ("= 0.5", "x == 0.5"),
    ("[0..1)", "x >= 0 && x < 1"), ("(0..1]", "x > 0 && x <= 1"), ("[0.0..0.5]", "x >= 0.0 && x <= 0.5"),
    ("[-0.0..0.0]", "x >= -0.0 && x <= 0.0"), ("-", "true"), ("< 1", "x < 1"), (">= 0", "x >= 0"), ("= 0", "x == 0"),
    ("> -1e308", "x > -1e308"), ("< 1e308", "x < 1e308"),
  ]
  /// Cells of the general path only.
  static let generalCells: [(cell: String, cel: String)] = [
    ("!= 0.5", "x != 0.5"), ("not(< 0.5)", "!(x < 0.5)"), ("not([0..1))", "!(x >= 0 && x < 1)"), ("0.5, 1", "x == 0.5 || x == 1"),
    ("!= 0", "x != 0"), ("? < 0.5", "x < 0.5"),
  ]

  static let probes: [Value] = [
    .double(.nan), .double(-.nan), .double(-0.0), .double(0), .double(0.5), .double(0.49999999999999994), .double(1), .double(-1),
    .double(.infinity), .double(-.infinity), .double(1e308), .double(-1e308), .double(9007199254740993),
    .int(0), .int(1), .int(-1), .int(Int64.max), .int(Int64.min), .int(9007199254740993), .uint(0), .uint(1), .uint(UInt64.max),
    .decimal(DecimalNumber(parsing: "0.5")!), .decimal(DecimalNumber(parsing: "1.00")!), .decimal(DecimalNumber(parsing: "-0.0")!),
  ]

  /// A policy with one `collect` table over `dyn` column `r.x`, one row per cell, each row's output
  /// its 0-based index.
  static func policy(_ cells: [(cell: String, cel: String)]) -> String {
    let rows = cells.enumerated().map { "      - [\"\($0.element.cell.replacingOccurrences(of: "\"", with: "\\\""))\", \($0.offset)]" }
    return """
      policy: cells
      inputs:
        r: {x: dyn}
      tables:
        - id: t
          hit: collect
          inputs: [r.x]
          outputs: [row]
          rows:
      \(rows.joined(separator: "\n"))
      outputs:
        rows: t
      """
  }

  /// The value of the CEL expression `cel` over `x` (a `dyn` variable), or `nil` when it is an
  /// error: as in the expression, a decimal is not ordered against a double.
  func cel(_ cel: String, _ x: Value) throws -> Bool? {
    var env = Environment()
    env.declare("x", .dyn)
    let (program, diagnostics) = Compiler(environment: env).compile(cel)
    let p = try XCTUnwrap(program, "\(cel): \(diagnostics)")
    guard case .bool(let b)? = try? p.evaluate(["x": x], in: env) else { return nil }
    return b
  }

  /// The rows of the table that match `x`, through a whole decision.
  func matchedRows(_ p: CompiledPolicy, _ x: Value) throws -> [Int]? {
    guard case .object(let r) = p.inputType.fields[0].type else {
      XCTFail("the fixture's first input is not a record")
      return nil
    }
    var fields = [Value?](repeating: nil, count: p.inputType.fields.count)
    fields[0] = .object(ObjectValue(type: r, fields: [x]))
    let d = p.decide(ObjectValue(type: p.inputType, fields: fields))
    guard case .list(let xs)? = d.output("rows") else { return nil }
    return xs.compactMap { if case .int(let i) = $0 { return Int(i) } else { return nil } }
  }

  /// Every probe through a whole decision: the matching rows are those whose expression is true.
  func checkDecisions(_ cells: [(cell: String, cel: String)]) throws {
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.policy(cells)))
    for x in Self.probes {
      let wants = try cells.map { try cel($0.cel, x) }
      XCTAssertEqual(try matchedRows(p, x), Self.rows(wants), "table at \(x.debugText)")
    }
  }

  func testBandTablesAgreeWithTheExpressions() throws { try checkDecisions(Self.bandCells) }

  func testGeneralTablesAgreeWithTheExpressions() throws { try checkDecisions(Self.generalCells) }

  func check(_ cells: [(cell: String, cel: String)], bands expectBands: Bool) throws {
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.policy(cells)))
    let table = try XCTUnwrap(p.tables.first)
    XCTAssertEqual(table.bands != nil, expectBands)
    let a = p.makeActivation()
    for x in Self.probes {
      let wants = try cells.map { try cel($0.cel, x) }
      for (i, c) in cells.enumerated() {
        let want = wants[i]
        // The general path and the specialized cell agree with the expression (`nil`: both an error).
        XCTAssertEqual(try? table.cells[i].general.matches(x, a, table: table), want, "general \(c.cell) at \(x.debugText)")
        XCTAssertEqual(try? table.cells[i].matches(x, a, table: table), want, "specialized \(c.cell) at \(x.debugText)")
        // The band fast path, for the values it takes.
        if let bands = table.bands, let d = NumericBands.operand(x) {
          XCTAssertEqual(bands.accepts(i, d), want, "band \(c.cell) at \(x.debugText)")
        }
      }
      XCTAssertEqual(try matchedRows(p, x), Self.rows(wants), "table at \(x.debugText)")
    }
  }

  /// The rows a `collect` table matches given each row's expression value; `nil` (an error
  /// decision) when any is an error, since every cell of a one-column table is tested.
  static func rows(_ wants: [Bool?]) -> [Int]? {
    if wants.contains(nil) { return nil }
    return wants.indices.filter { wants[$0] == true }
  }

  func testBandCellsAgreeWithTheExpressions() throws { try check(Self.bandCells, bands: true) }

  func testGeneralCellsAgreeWithTheExpressions() throws { try check(Self.generalCells, bands: false) }

  /// A comparison of values of kinds that have no order stays an error, on every path.
  func testIncomparableKindsAreStillAnError() throws {
    let p = try XCTUnwrap(PolicyFixtures.compile(Self.policy([("< 0.5", "x < 0.5"), ("[0.0..1.0]", "x >= 0.0 && x <= 1.0")])))
    let a = p.makeActivation()
    let table = try XCTUnwrap(p.tables.first)
    for x: Value in [.string("abc"), .decimal(DecimalNumber(parsing: "0.25")!)] {
      XCTAssertNil(try cel("x < 0.5", x), "the expression is an error")
      for cell in table.cells {
        XCTAssertThrowsError(try cell.matches(x, a, table: table))
        XCTAssertThrowsError(try cell.general.matches(x, a, table: table))
      }
      XCTAssertNil(try matchedRows(p, x))
    }
  }
}
