import XCTest

@testable import PolicyForest

/// The scikit-learn rules of docs/models.md and SEMANTICS.md, on hand-written stumps.
final class ForestScoringTests: XCTestCase {
  func testEqualityGoesLeftAndNextUpGoesRight() throws {
    let forest = try TinyModel.forest([TinyModel.stump(2.5)])
    XCTAssertEqual(try forest.predictProba([2.5, 0]), [1, 0])
    XCTAssertEqual(try forest.predictProba([Double(Float(2.5).nextUp), 0]), [0, 1])
  }

  func testInputsAreCastToFloatBeforeComparing() throws {
    // Threshold == Double(Float(10.693)): 10.693 as a Double is above it, as a Float it is equal.
    let forest = try TinyModel.forest([TinyModel.stump(10.692999839782715)])
    XCTAssertEqual(try forest.predictProba([10.693, 0]), [1, 0])
  }

  func testThresholdsAreRoundedDownNotToNearest() throws {
    // Float(t) rounds up to 14917.765625, which must still go right.
    let forest = try TinyModel.forest([TinyModel.stump(14917.76513671875)])
    XCTAssertEqual(forest.storage.nodes[0].threshold, Float(14917.765625).nextDown)
    XCTAssertEqual(try forest.predictProba([14917.765625, 0]), [0, 1])
    XCTAssertEqual(try forest.predictProba([14917.765, 0]), [1, 0])
  }

  func testNaNFollowsMissingGoToLeftAndInfiniteThresholdSendsNaNRight() throws {
    XCTAssertEqual(try TinyModel.forest([TinyModel.stump(1, missingLeft: true)]).predictProba([.nan, 0]), [1, 0])
    XCTAssertEqual(try TinyModel.forest([TinyModel.stump(1, missingLeft: false)]).predictProba([.nan, 0]), [0, 1])
    let inf = try TinyModel.forest([TinyModel.stump(.infinity)])
    XCTAssertEqual(try inf.predictProba([3.4e38, 0]), [1, 0])
    XCTAssertEqual(try inf.predictProba([.nan, 0]), [0, 1])
  }

  func testTiesGoToTheLowestClass() throws {
    let forest = try TinyModel.forest([TinyModel.stump(1), TinyModel.stump(2)], classes: ["no", "yes"])
    XCTAssertEqual(try forest.predictProba([1.5, 0]), [0.5, 0.5])
    XCTAssertEqual(try forest.predict([1.5, 0]), "no")
    XCTAssertEqual(try forest.predict([2.5, 0]), "yes")
  }

  func testSumsInTreeOrderThenDivides() throws {
    // Fractional leaves: (0.1 + 0.2 + 0.3) / 3 in that order, not * (1/3).
    let leaves: [[Double]] = [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3]]
    let trees = leaves.map { v in
      TinyModel.Tree(left: [-1], right: [-1], feature: [-2], threshold: [-2], missingLeft: [0], value: v)
    }
    let forest = try TinyModel.forest(trees)
    XCTAssertEqual(try forest.predictProba([0, 0])[1].bitPattern, (((0.1 + 0.2) + 0.3) / 3).bitPattern)
    XCTAssertEqual(try forest.predictProba([0, 0])[0].bitPattern, (((0.9 + 0.8) + 0.7) / 3).bitPattern)
  }

  func testRejectsInfinityAndFloatOverflowLikeScikitLearn() throws {
    let forest = try TinyModel.forest([TinyModel.stump(1)])
    for (value, text) in [(Double.infinity, "inf"), (-Double.infinity, "-inf"), (1e39, "1e+39")] {
      XCTAssertThrowsError(try forest.predictProba([value, 0])) { error in
        XCTAssertEqual(
          (error as? ForestError)?.description,
          "feature 'x' is \(text): infinity or a value too large for float32 [invalid_feature_value]")
      }
      XCTAssertThrowsError(try forest.scoreBatch([0, 0, 0, value], threads: 2)) { error in
        XCTAssertEqual((error as? ForestError)?.message, "feature 'y' is \(text): infinity or a value too large for float32")
      }
    }
    XCTAssertEqual(try forest.predictProba([3.4e38, 0]), [0, 1])
  }

  func testRowLengthAndKindAreChecked() throws {
    let forest = try TinyModel.forest([TinyModel.stump(1)])
    XCTAssertThrowsError(try forest.predictProba([1])) { error in
      XCTAssertEqual((error as? ForestError)?.description, "expected 2 feature values, got 1 [invalid_feature_count]")
    }
    XCTAssertThrowsError(try forest.predictValue([1, 2])) { error in
      XCTAssertEqual((error as? ForestError)?.code, "wrong_model_kind")
    }
    XCTAssertEqual(forest.featureIndex("y"), 1)
    XCTAssertNil(forest.featureIndex("z"))
  }

  func testBatchEqualsSingleRowsWithManyThreads() throws {
    let dir = ForestParityTests.fixtures.appendingPathComponent("sklearn_min_leaf5")
    let forest = try ForestLoader.load(path: dir.appendingPathComponent("model.json").path)
    let rows = ForestBenchmark.merchantRows(count: 1_001, seed: 3)
    let batch = try forest.scoreBatch(rows, threads: 7)
    for r in stride(from: 0, to: 1_001, by: 97) {
      XCTAssertEqual(try forest.score(Array(rows[r * 5..<r * 5 + 5])), Array(batch[r * 2..<r * 2 + 2]))
    }
    XCTAssertEqual(try forest.predictProba(batch: [Array(rows[0..<5])], threads: 1), [Array(batch[0..<2])])
  }
}
