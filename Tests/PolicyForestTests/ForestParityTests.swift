import XCTest

@testable import PolicyForest

/// Parity with the training libraries on the fixtures made by `tools/make_forest_fixtures.py`:
/// scikit-learn bit for bit, XGBoost and LightGBM within 1e-6 (bit for bit for the newer fixtures).
final class ForestParityTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  struct Expected {
    var header: [String]
    var rows: [[String]]
  }

  static func load(_ name: String, model: String = "model.json") throws -> (Forest, ForestCSV.Rows, Expected) {
    let dir = fixtures.appendingPathComponent(name)
    let forest = try ForestLoader.load(path: dir.appendingPathComponent(model).path)
    let input = try Array(Data(contentsOf: dir.appendingPathComponent("input.csv")))
    let rows = try ForestCSV.read(input, featureNames: forest.featureNames)
    let text = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
    var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines.removeFirst()
    return (forest, rows, Expected(header: header, rows: lines))
  }

  /// Asserts single-row, batch and multi-threaded scores against the library's predictions.
  func assertParity(_ name: String, model: String = "model.json", tolerance: Double = 0, file: StaticString = #filePath, line: UInt = #line) throws {
    let (forest, rows, expected) = try Self.load(name, model: model)
    XCTAssertEqual(rows.count, expected.rows.count, file: file, line: line)
    let nf = forest.featureNames.count
    let width = forest.outputCount
    let batch1 = try forest.scoreBatch(rows.values, threads: 1)
    let batch2 = try forest.scoreBatch(rows.values, threads: 2)
    var mismatches = 0
    for r in 0..<rows.count {
      let single = try forest.score(Array(rows.values[r * nf..<(r + 1) * nf]))
      XCTAssertEqual(single.map(\.bitPattern), batch1[r * width..<(r + 1) * width].map(\.bitPattern), "row \(r)", file: file, line: line)
      XCTAssertEqual(batch1[r * width..<(r + 1) * width].map(\.bitPattern), batch2[r * width..<(r + 1) * width].map(\.bitPattern), file: file, line: line)
      for (c, column) in expected.header.enumerated() {
        let cell = expected.rows[r][c]
        if column == "predict" {
          XCTAssertEqual(try forest.predict(Array(rows.values[r * nf..<(r + 1) * nf])), cell, "row \(r)", file: file, line: line)
          continue
        }
        let want = Double(cell)!
        // Binary XGBoost/LightGBM files hold P(class 1) only, under "value".
        let index = column == "value" && forest.kind == .classifier ? 1 : (forest.outputNames.firstIndex(of: column) ?? c)
        let got = single[index]
        if tolerance == 0 ? got.bitPattern != want.bitPattern : abs(got - want) > tolerance {
          mismatches += 1
          if mismatches <= 5 { XCTFail("\(name) row \(r) \(column): got \(got), expected \(want)", file: file, line: line) }
        }
      }
    }
    XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) mismatching values", file: file, line: line)
  }

  func testSklearnBinaryIsBitExact() throws { try assertParity("sklearn_binary") }
  func testSklearnThreeClassStringLabelsIsBitExact() throws { try assertParity("sklearn_three_class") }
  func testSklearnTrainedWithNaNIsBitExact() throws { try assertParity("sklearn_nan_trained") }
  func testSklearnFractionalLeavesIsBitExact() throws { try assertParity("sklearn_min_leaf5") }
  func testSklearnExtraTreesIsBitExact() throws { try assertParity("sklearn_extra_trees") }
  func testSklearnRegressorIsBitExact() throws { try assertParity("sklearn_regressor") }

  func testCompactFormsAreBitExact() throws {
    for name in ["sklearn_binary", "sklearn_nan_trained", "sklearn_min_leaf5"] {
      try assertParity(name, model: "model.forest")
    }
  }

  func testXGBoostBinaryWithinTolerance() throws { try assertParity("xgboost_binary", tolerance: 1e-6) }
  func testXGBoostMulticlassWithinTolerance() throws { try assertParity("xgboost_multiclass", tolerance: 1e-6) }
  func testXGBoostRegressionWithinTolerance() throws { try assertParity("xgboost_regression", tolerance: 1e-6) }
  func testLightGBMBinaryWithinTolerance() throws { try assertParity("lightgbm_binary", model: "model.txt", tolerance: 1e-6) }
  func testLightGBMMulticlassWithinTolerance() throws { try assertParity("lightgbm_multiclass", model: "model.txt", tolerance: 1e-6) }
  func testLightGBMRegressionWithinTolerance() throws { try assertParity("lightgbm_regression", model: "model.txt", tolerance: 1e-6) }

  // Linear leaves (`linear_tree=True`): leaf_const + coefficients × features, the plain leaf value
  // when a used feature is NaN. Bit-identical to `Booster.predict` on every row.
  func testLightGBMLinearTreeRegressionIsBitExact() throws { try assertParity("lightgbm_linear_regression", model: "model.txt") }
  func testLightGBMLinearTreeBinaryIsBitExact() throws { try assertParity("lightgbm_linear_binary", model: "model.txt") }
  // `boosting=rf` (`average_output`): the margin is the trees' mean.
  func testLightGBMRandomForestIsBitExact() throws { try assertParity("lightgbm_rf", model: "model.txt") }
  func testLightGBMRandomForestMulticlassIsBitExact() throws { try assertParity("lightgbm_rf_multiclass", model: "model.txt") }
  func testLightGBMOneVsAllIsBitExact() throws { try assertParity("lightgbm_multiclassova", model: "model.txt") }

  // Saved after early stopping: XGBoost's scikit-learn `predict_proba` (after `load_model`) uses the
  // rounds up to `best_iteration`, not every tree in the file. Bit-identical on every row.
  func testXGBoostEarlyStoppingUsesBestIteration() throws {
    try assertParity("xgboost_early_stopping")
    let (forest, _, _) = try Self.load("xgboost_early_stopping")
    XCTAssertEqual(forest.treeCount, 36)  // best_iteration 35 of 41 rounds
  }
  func testXGBoostEarlyStoppingMulticlassUsesBestIteration() throws {
    try assertParity("xgboost_early_stopping_multiclass")
    let (forest, _, _) = try Self.load("xgboost_early_stopping_multiclass")
    XCTAssertEqual(forest.treeCount, 42)  // 7 rounds of 3 classes × 2 parallel trees, of 72 trees
  }
}
