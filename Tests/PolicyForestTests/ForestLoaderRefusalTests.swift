import XCTest

@testable import PolicyForest

/// LightGBM and XGBoost files with something Proviso cannot score exactly are refused with one
/// clear error; nothing that could change a score is skipped silently.
final class ForestLoaderRefusalTests: XCTestCase {
  private func fixture(_ name: String) throws -> String {
    try String(contentsOf: ForestParityTests.fixtures.appendingPathComponent(name), encoding: .utf8)
  }

  /// Loads `fixture` with `edits` applied (each must change the text) and checks the error text.
  private func assertRefused(
    _ fixture: String, _ edits: [(String, String)], _ expected: String, regex: Bool = false,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    var text = try self.fixture(fixture)
    for (from, to) in edits {
      let edited = text.replacingOccurrences(of: from, with: to, options: regex ? .regularExpression : [])
      XCTAssertNotEqual(edited, text, "edit '\(from)' changed nothing", file: file, line: line)
      text = edited
    }
    XCTAssertThrowsError(try ForestLoader.load(bytes: Array(text.utf8), path: "m"), file: file, line: line) { error in
      XCTAssertEqual((error as? ForestError)?.description, "m: " + expected, file: file, line: line)
    }
  }

  func testLightGBMUnknownKeysAndLinesAreRefused() throws {
    try assertRefused(
      "lightgbm_binary/model.txt", [("label_index=0\n", "label_index=0\nleaf_scale=2\n")],
      "LightGBM model has an unknown header key 'leaf_scale' [model_unsupported]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("num_cat=0\n", "num_cat=0\nleaf_scale=2\n")],
      "LightGBM tree 0 has an unknown key 'leaf_scale' [model_unsupported]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("num_cat=0\n", "num_cat=0\naverage_output\n")],
      "LightGBM model has an unknown line 'average_output' [model_unsupported]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("num_cat=0\n", "num_cat=0\nnum_cat=0\n")],
      "LightGBM tree 0 repeats 'num_cat' [model_inconsistent]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("Tree=1\n", "Tree=2\n")],
      "LightGBM tree 1 is headed 'Tree=2' [model_inconsistent]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("num_cat=0\n", "")], "LightGBM tree 0 has no 'num_cat' line [model_inconsistent]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("pandas_categorical:[]", "pandas_categorical:[[\"retail\", \"online\"]]")],
      "LightGBM model was trained on pandas categorical columns [model_unsupported]")
  }

  func testFeatureCountsAreBoundedBeforeAllocating() throws {
    try assertRefused(
      "lightgbm_binary/model.txt", [("max_feature_idx=4\n", "max_feature_idx=9223372036854775807\n")],
      "LightGBM model has max_feature_idx 9223372036854775807 (at most 1048576 features) [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"num_feature\":\"5\"", "\"num_feature\":\"2000000\"")],
      "XGBoost model has num_feature 2000000 (at most 1048576) [model_unsupported]")
    try assertRefused(
      "xgboost_early_stopping/model.json", [("\"best_iteration\":\"35\"", "\"best_iteration\":\"9223372036854775807\"")],
      "XGBoost best_iteration 9223372036854775807 is beyond the model's 41 rounds [model_inconsistent]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"num_feature\":\"5\"", "\"num_feature\":\"1E30\"")],
      "XGBoost num_feature '1E30' is not a count [model_inconsistent]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"version\":[3,2,0]", "\"version\":[3,2,1e300]")],
      "XGBoost model has a bad version [model_inconsistent]")
  }

  func testLightGBMCategoricalSplitsAreRefused() throws {
    try assertRefused(
      "lightgbm_binary/model.txt", [("num_cat=0\n", "num_cat=1\n")],
      "LightGBM tree 0 has categorical splits [model_unsupported]")
  }

  func testLightGBMObjectiveParametersAreHonouredOrRefused() throws {
    try assertRefused(
      "lightgbm_binary/model.txt", [("objective=binary sigmoid:1\n", "objective=binary sigmoid:1 scale:2\n")],
      "LightGBM objective 'binary sigmoid:1 scale:2' is supported with exactly the parameters sigmoid [model_unsupported]")
    try assertRefused(
      "lightgbm_binary/model.txt", [("objective=binary sigmoid:1\n", "objective=binary\n")],
      "LightGBM objective 'binary' is supported with exactly the parameters sigmoid [model_unsupported]")
    try assertRefused(
      "lightgbm_regression/model.txt", [("objective=regression\n", "objective=regression sqrt\n")],
      "LightGBM regression with 'sqrt' is not supported [model_unsupported]")
    try assertRefused(
      "lightgbm_multiclass/model.txt", [("objective=multiclass num_class:3\n", "objective=multiclass num_class:4\n")],
      "LightGBM objective 'multiclass num_class:4' does not match num_class 3 [model_inconsistent]")
    try assertRefused(
      "lightgbm_regression/model.txt", [("objective=regression\n", "objective=poisson\n")],
      "LightGBM objective 'poisson' is not supported (binary, multiclass, multiclassova, regression, "
        + "regression_l1, huber, fair, quantile, mape) [model_unsupported]")
    // The sigmoid scale is honoured: doubling it doubles the margin.
    let text = try fixture("lightgbm_binary/model.txt")
    let one = try ForestLoader.load(bytes: Array(text.utf8))
    let two = try ForestLoader.load(
      bytes: Array(text.replacingOccurrences(of: "objective=binary sigmoid:1\n", with: "objective=binary sigmoid:2\n").utf8))
    let row = [812.5, 31, 4.2, 6.5, -0.02]
    let p1 = try one.predictProba(row)[1], p2 = try two.predictProba(row)[1]
    let margin = log(p1 / (1 - p1))
    XCTAssertEqual(p2, 1 / (1 + exp(-2 * margin)), accuracy: 1e-12)
  }

  func testLightGBMLinearLeavesAreChecked() throws {
    try assertRefused(
      "lightgbm_linear_regression/model.txt", [("leaf_features=2 4  2 4  2 4  2 4  2 4  2 4  2 4  \n", "leaf_features=2 9  2 4  2 4  2 4  2 4  2 4  2 4  \n")],
      "tree 1 has a linear leaf over feature 9 of 5 [model_inconsistent]")
    try assertRefused(
      "lightgbm_linear_regression/model.txt", [("num_features=2 2 2 2 2 2 2\n", "num_features=2 2 2 2 2 2 3\n")],
      "LightGBM tree 1 has linear leaf arrays of the wrong lengths [model_inconsistent]")
    try assertRefused(
      "lightgbm_linear_regression/model.txt", [("leaf_coeff=", "leaf_kof=")],
      "LightGBM tree 0 has an unknown key 'leaf_kof' [model_unsupported]")
    try assertRefused(
      "lightgbm_linear_regression/model.txt", [("is_linear=1\n", "is_linear=2\n")],
      "LightGBM tree 0 has is_linear [2] [model_inconsistent]")
  }

  /// LightGBM's `Tree::Predict` for a linear leaf, on a hand-written two-leaf tree: the leaf's
  /// constant plus coefficient × feature; its plain `leaf_value` when a feature *it uses* is NaN.
  func testLightGBMLinearLeafRule() throws {
    let model = """
      tree
      version=v4
      num_class=1
      num_tree_per_iteration=1
      max_feature_idx=1
      objective=regression
      feature_names=a b

      Tree=0
      num_leaves=2
      num_cat=0
      split_feature=0
      threshold=0.5
      decision_type=2
      left_child=-1
      right_child=-2
      leaf_value=10 20
      is_linear=1
      leaf_const=1 2
      num_features=1 2
      leaf_features=1  0 1 
      leaf_coeff=0.5  0.25 4 
      shrinkage=1

      end of trees

      """
    let forest = try ForestLoader.load(bytes: Array(model.utf8))
    XCTAssertEqual(try forest.predictValue([0.2, 3]), 1 + 0.5 * 3)
    XCTAssertEqual(try forest.predictValue([0.2, .nan]), 10)  // the left leaf uses b
    XCTAssertEqual(try forest.predictValue([.nan, 3]), 2.5)  // NaN a reads 0 at the split; the leaf does not use a
    XCTAssertEqual(try forest.predictValue([0.7, 3]), 2 + 0.25 * 0.7 + 4 * 3)
    XCTAssertEqual(try forest.predictValue([0.7, .nan]), 20)
    XCTAssertEqual(try forest.scoreBatch([0.2, 3, 0.2, .nan, 0.7, 3], threads: 1), [2.5, 10, 2 + 0.25 * 0.7 + 4 * 3])
  }

  func testXGBoostUnknownKeysAreRefused() throws {
    try assertRefused(
      "xgboost_binary/model.json", [("\"learner\":{", "\"learner\":{\"leaf_scale\":2,")],
      "XGBoost model has an unknown key 'leaf_scale' in the learner [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"num_class\":\"0\"", "\"num_class\":\"0\",\"base_margin\":\"1\"")],
      "XGBoost model has an unknown key 'base_margin' in learner_model_param [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"tree_info\":", "\"tree_weights\":[1],\"tree_info\":")],
      "XGBoost model has an unknown key 'tree_weights' in the gbtree model [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"base_weights\":", "\"leaf_scale\":2,\"base_weights\":")],
      "XGBoost model has an unknown key 'leaf_scale' in tree 0 [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"reg_loss_param\":", "\"pseudo_huber_param\":{},\"reg_loss_param\":")],
      "XGBoost model has an unknown key 'pseudo_huber_param' in the objective [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"id\":1,", "\"id\":2,")], "XGBoost tree 1 has id 2 [model_inconsistent]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"num_trees\":\"12\"", "\"num_trees\":\"13\"")],
      "XGBoost model declares num_trees 13 but has 12 trees [model_inconsistent]")
    try assertRefused(
      "xgboost_multiclass/model.json", [("\"softmax_multiclass_param\":{\"num_class\":\"3\"}", "\"softmax_multiclass_param\":{\"num_class\":\"4\"}")],
      "XGBoost objective declares 4 classes, learner_model_param 3 [model_inconsistent]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"name\":\"gbtree\"", "\"name\":\"dart\"")],
      "XGBoost booster 'dart' is not supported (only 'gbtree') [model_unsupported]")
  }

  func testXGBoostCategoricalFeaturesAreRefused() throws {
    try assertRefused(
      "xgboost_binary/model.json", [("\"feature_types\":[\"float\",", "\"feature_types\":[\"c\",")],
      "XGBoost model has categorical features (feature_types 'c') [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"cats\":{\"enc\":[]", "\"cats\":{\"enc\":[[\"retail\"]]")],
      "XGBoost model has categorical features ('cats.enc') [model_unsupported]")
    try assertRefused(
      "xgboost_binary/model.json", [("\"categories\":[]", "\"categories\":[1]")],
      "XGBoost tree 0 has categorical splits [model_unsupported]")
  }

  func testXGBoostBestIterationMustBeARoundOfTheModel() throws {
    try assertRefused(
      "xgboost_early_stopping/model.json", [("\"best_iteration\":\"35\"", "\"best_iteration\":\"41\"")],
      "XGBoost best_iteration 41 is beyond the model's 41 rounds [model_inconsistent]")
    try assertRefused(
      "xgboost_early_stopping/model.json", [("\"best_iteration\":\"35\"", "\"best_iteration\":\"-1\"")],
      "XGBoost best_iteration '-1' is not a round [model_inconsistent]")
    // Without iteration_indptr or num_parallel_tree the rounds are unknown (binary trees look alike).
    try assertRefused(
      "xgboost_early_stopping/model.json",
      [("\"iteration_indptr\":\\[[0-9,]*\\],", ""), ("\"num_parallel_tree\":\"1\",", "")],
      "XGBoost model has best_iteration but neither iteration_indptr nor num_parallel_tree [model_unsupported]",
      regex: true)
  }

  func testXGBoostBestIterationWithoutIndptrUsesParallelTrees() throws {
    // XGBoost before 2.0 wrote no iteration_indptr: rounds are num_class × num_parallel_tree trees.
    let text = try fixture("xgboost_early_stopping_multiclass/model.json")
    let older = text.replacingOccurrences(of: "\"iteration_indptr\":\\[[0-9,]*\\],", with: "", options: .regularExpression)
    XCTAssertNotEqual(older, text)
    let a = try ForestLoader.load(bytes: Array(text.utf8)), b = try ForestLoader.load(bytes: Array(older.utf8))
    XCTAssertEqual(a.treeCount, 42)
    XCTAssertEqual(b.treeCount, 42)
    // Without best_iteration every tree is used.
    let all = try ForestLoader.load(
      bytes: Array(text.replacingOccurrences(of: "\"best_iteration\":", with: "\"best_round\":").utf8))
    XCTAssertEqual(all.treeCount, 72)
    let row = [812.5, 31, 4.2, 6.5, -0.02]
    XCTAssertEqual(try a.predictProba(row), try b.predictProba(row))
    XCTAssertNotEqual(try a.predictProba(row), try all.predictProba(row))
  }
}
