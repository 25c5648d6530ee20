import XCTest

@testable import PolicyForest

final class ForestCSVTests: XCTestCase {
  func testScoresByHeaderNameIgnoringExtraColumns() throws {
    let forest = try TinyModel.forest([TinyModel.stump(2.5)])
    let csv = "id,y,x\nA,0,2.5\nB,1,\"3\"\nC,,nan\nD,7,1e-7\n"
    XCTAssertEqual(
      try ForestCSV.score(forest: forest, csv: Array(csv.utf8)), "0,1\n1.0,0.0\n0.0,1.0\n0.0,1.0\n1.0,0.0\n")
  }

  func testJSONLinesAndQuotedClassNames() throws {
    let forest = try TinyModel.forest([TinyModel.stump(2.5)], classes: ["a,b", "q\"x"])
    let csv = Array("x,y\n1,0\n3,0\n".utf8)
    XCTAssertEqual(
      try ForestCSV.score(forest: forest, csv: csv, format: .jsonl), "{\"a,b\":1.0,\"q\\\"x\":0.0}\n{\"a,b\":0.0,\"q\\\"x\":1.0}\n")
    XCTAssertEqual(try ForestCSV.score(forest: forest, csv: csv), "\"a,b\",\"q\"\"x\"\n1.0,0.0\n0.0,1.0\n")
  }

  func testMissingColumnAndBadValue() throws {
    let forest = try TinyModel.forest([TinyModel.stump(2.5)])
    XCTAssertThrowsError(try ForestCSV.score(forest: forest, csv: Array("x\n1\n".utf8))) { error in
      XCTAssertEqual((error as? ForestError)?.description, "input has no column for feature 'y' [csv_missing_feature]")
    }
    XCTAssertThrowsError(try ForestCSV.score(forest: forest, csv: Array("x,y\n1,2\n1,abc\n".utf8))) { error in
      XCTAssertEqual(
        (error as? ForestError)?.description, "line 3: 'abc' is not a number for 'y' [csv_invalid_value]")
    }
    XCTAssertThrowsError(try ForestCSV.score(forest: forest, csv: Array("x,y\n1,inf\n".utf8))) { error in
      XCTAssertEqual((error as? ForestError)?.code, "invalid_feature_value")
    }
  }

  func testOutputMatchesPythonReprOnTheFixture() throws {
    let dir = ForestParityTests.fixtures.appendingPathComponent("sklearn_min_leaf5")
    let forest = try ForestLoader.load(path: dir.appendingPathComponent("model.json").path)
    let output = try ForestCSV.score(
      forest: forest, csv: Array(try Data(contentsOf: dir.appendingPathComponent("input.csv"))), threads: 2)
    let expected = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    XCTAssertEqual(output.split(separator: "\n").map(String.init), expected)
  }
}
