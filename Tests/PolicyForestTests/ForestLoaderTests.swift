import PolicySource
import XCTest

@testable import PolicyForest

/// Bad model files give one clear error naming the file; none crash.
final class ForestLoaderTests: XCTestCase {
  private var scratch: URL!

  override func setUpWithError() throws {
    scratch = FileManager.default.temporaryDirectory.appendingPathComponent("forest-loader-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

  private func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = scratch.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  private func fixture(_ name: String) throws -> [UInt8] {
    try Array(Data(contentsOf: ForestParityTests.fixtures.appendingPathComponent(name)))
  }

  private func assertLoadError(_ path: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try ForestLoader.load(path: path), file: file, line: line) { error in
      XCTAssertEqual((error as? ForestError)?.description, expected, file: file, line: line)
    }
  }

  func testMissingFile() {
    let path = scratch.appendingPathComponent("none.json").path
    assertLoadError(path, "\(path): cannot read model file: No such file or directory [model_unreadable]")
  }

  func testOneGigabyteFileIsRejectedBeforeReading() throws {
    let path = scratch.appendingPathComponent("huge.json").path
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("{".utf8)))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 1 << 30)  // sparse: nothing is written
    try handle.close()
    assertLoadError(
      path, "\(path): model file is 1073741824 bytes, more than the limit of 268435456 bytes [model_too_large]")
  }

  func testTruncatedJSONNamesTheOffset() throws {
    let bytes = try fixture("sklearn_binary/model.json")
    let path = try write("cut.json", Array(bytes[0..<5000]))
    XCTAssertThrowsError(try ForestLoader.load(path: path)) { error in
      let e = error as? ForestError
      XCTAssertEqual(e?.code, "model_corrupt")
      XCTAssertEqual(e?.path, path)
      XCTAssertTrue(e?.message.hasPrefix("truncated JSON: ") == true, e?.message ?? "")
      XCTAssertTrue(e?.message.hasSuffix(" at byte 5000") == true, e?.message ?? "")
    }
  }

  func testUnknownFormatVersion() throws {
    let path = try write("v2.json", Array(TinyModel.json([TinyModel.stump(1)], version: 2).utf8))
    assertLoadError(
      path, "\(path): format_version 2 is not supported (this build reads version 1) [model_unknown_version]")
  }

  func testEditedNumberFailsTheContentHash() throws {
    let good = TinyModel.json([TinyModel.stump(1)])
    let declared = String(good.split(separator: "\"")[9])
    let edited = good.replacingOccurrences(of: "\"threshold\":[1.0,", with: "\"threshold\":[1.5,")
    XCTAssertNotEqual(edited, good)
    let path = try write("edited.json", Array(edited.utf8))
    XCTAssertThrowsError(try ForestLoader.load(path: path)) { error in
      let e = error as? ForestError
      XCTAssertEqual(e?.code, "model_hash_mismatch")
      XCTAssertTrue(e?.message.hasPrefix("content hash '\(declared)' does not match the content (sha256:") == true)
    }
  }

  func testInconsistentArrays() throws {
    var tree = TinyModel.stump(1)
    tree.feature = [0, -2]
    let path = try write("ragged.json", Array(TinyModel.json([tree]).utf8))
    assertLoadError(
      path,
      "\(path): tree 0 has arrays of different lengths (children_left 3, children_right 3, feature 2, "
        + "threshold 3, missing 3) [model_inconsistent]")
    var cyclic = TinyModel.stump(1)
    cyclic.left = [1, -1, -1]
    cyclic.right = [1, -1, -1]
    let cyclicPath = try write("cyclic.json", Array(TinyModel.json([cyclic]).utf8))
    assertLoadError(cyclicPath, "\(cyclicPath): tree 0 reaches node 1 twice [model_inconsistent]")
    var badFeature = TinyModel.stump(1)
    badFeature.feature = [7, -2, -2]
    let featurePath = try write("feature.json", Array(TinyModel.json([badFeature]).utf8))
    assertLoadError(featurePath, "\(featurePath): tree 0 node 0 uses feature 7 of 2 [model_inconsistent]")
  }

  func testUnknownFormat() throws {
    let path = try write("notes.txt", Array("hello".utf8))
    assertLoadError(
      path,
      "\(path): not a proviso-forest JSON, compact forest, XGBoost JSON or LightGBM text model [model_unknown_format]")
  }

  func testCorruptCompactFileFailsItsChecksum() throws {
    var bytes = try fixture("sklearn_binary/model.forest")
    bytes[bytes.count / 2] ^= 0x40
    let path = try write("flipped.forest", bytes)
    assertLoadError(path, "\(path): compact model checksum does not match (truncated or modified file) [model_corrupt]")
    let cut = try write("cut.forest", Array(try fixture("sklearn_binary/model.forest")[0..<100]))
    assertLoadError(cut, "\(cut): compact model checksum does not match (truncated or modified file) [model_corrupt]")
  }

  func testUnsupportedXGBoostObjective() throws {
    let text = String(decoding: try fixture("xgboost_binary/model.json"), as: UTF8.self)
      .replacingOccurrences(of: "binary:logistic", with: "rank:pairwise")
    let path = try write("rank.json", Array(text.utf8))
    assertLoadError(
      path,
      "\(path): XGBoost objective 'rank:pairwise' is not supported (binary:logistic, multi:softprob, "
        + "reg:squarederror) [model_unsupported]")
  }

  func testSwiftCompactFormEqualsThePythonOne() throws {
    for name in ["sklearn_binary", "sklearn_nan_trained", "sklearn_min_leaf5"] {
      let dir = ForestParityTests.fixtures.appendingPathComponent(name)
      let fromJSON = try ForestLoader.load(bytes: try fixture("\(name)/model.json"))
      XCTAssertEqual(fromJSON.compactBytes(), try fixture("\(name)/model.forest"), name)
      let compact = try ForestLoader.load(path: dir.appendingPathComponent("model.forest").path)
      XCTAssertEqual(compact.contentHash, fromJSON.contentHash)
      XCTAssertEqual(compact.source.format, "proviso-forest-compact/1")
    }
  }

  func testCompactFileBesideTheJSONIsUsedOnlyWhenHashesAgree() throws {
    let json = TinyModel.json([TinyModel.stump(1)])
    let jsonPath = try write("m.json", Array(json.utf8))
    let forest = try ForestLoader.load(path: jsonPath)
    XCTAssertEqual(forest.source.format, "proviso-forest/1")
    _ = try write("m.forest", forest.compactBytes()!)
    XCTAssertEqual(try ForestLoader.load(path: jsonPath).source.format, "proviso-forest-compact/1")
    // A different model beside it is ignored.
    let other = try ForestLoader.load(bytes: Array(TinyModel.json([TinyModel.stump(2)]).utf8))
    _ = try write("m.forest", other.compactBytes()!)
    XCTAssertEqual(try ForestLoader.load(path: jsonPath).source.format, "proviso-forest/1")
  }

  func testXGBoostScalarBaseScoreAndUnnamedFeatures() throws {
    let original = String(decoding: try fixture("xgboost_binary/model.json"), as: UTF8.self)
    let older = original.replacingOccurrences(of: "\"base_score\":\"[1.8E-1]\"", with: "\"base_score\":\"1.8E-1\"")
      .replacingOccurrences(
        of: "\"feature_names\":[\"transaction_amount\",\"transaction_count\",\"avg_rating\",\"inventory_turnover\",\"monthly_growth\"]",
        with: "\"feature_names\":[]")
    XCTAssertNotEqual(older, original)
    let a = try ForestLoader.load(bytes: Array(original.utf8))
    let b = try ForestLoader.load(bytes: Array(older.utf8))
    XCTAssertEqual(b.featureNames, ["f0", "f1", "f2", "f3", "f4"])
    let row = [812.5, 31, 4.2, 6.5, -0.02]
    XCTAssertEqual(try a.predictProba(row), try b.predictProba(row))
  }

  func testProvisoJSONAcceptsAnyKeyOrderAndUnknownKeys() throws {
    let json = TinyModel.json([TinyModel.stump(1)])
    let reordered = json.replacingOccurrences(of: "{\"format\":\"proviso-forest\",", with: "{\"note\":{\"a\":[1,2]},")
      .replacingOccurrences(of: "}]}", with: "}],\"format\":\"proviso-forest\"}")
    let forest = try ForestLoader.load(bytes: Array(reordered.utf8))
    XCTAssertEqual(try forest.predictProba([2, 0]), [0, 1])
  }

  func testMetadata() throws {
    let dir = ForestParityTests.fixtures
    let sk = try ForestLoader.load(path: dir.appendingPathComponent("sklearn_three_class/model.json").path)
    XCTAssertEqual(sk.classes, ["high", "low", "mid"])
    XCTAssertEqual(sk.kind, .classifier)
    XCTAssertEqual(sk.source.library, "scikit-learn")
    XCTAssertEqual(sk.treeCount, 10)
    let xgb = try ForestLoader.load(path: dir.appendingPathComponent("xgboost_regression/model.json").path)
    XCTAssertEqual(xgb.kind, .regressor)
    XCTAssertEqual(xgb.outputNames, ["value"])
    XCTAssertEqual(xgb.featureNames.first, "transaction_amount")
    XCTAssertEqual(xgb.source.libraryVersion, "3.2.0")
    let lgb = try ForestLoader.load(path: dir.appendingPathComponent("lightgbm_multiclass/model.txt").path)
    XCTAssertEqual(lgb.classes, ["0", "1", "2"])
    XCTAssertEqual(lgb.source.format, "lightgbm-text")
    XCTAssertEqual(lgb.contentHash, "sha256:" + SHA256.hex(try fixture("lightgbm_multiclass/model.txt")))
  }
}

/// Damaged copies of every fixture format load with an error or a valid model, never a crash.
final class ForestLoaderRobustnessTests: XCTestCase {
  func testTruncatedAndFlippedFilesNeverCrash() throws {
    let files = [
      "sklearn_nan_trained/model.json", "sklearn_binary/model.forest", "xgboost_multiclass/model.json",
      "lightgbm_binary/model.txt", "lightgbm_linear_regression/model.txt", "xgboost_early_stopping/model.json",
    ]
    var rng = SplitMix64(state: 42)
    for name in files {
      let bytes = try Array(Data(contentsOf: ForestParityTests.fixtures.appendingPathComponent(name)))
      // A LightGBM file is complete at "end of trees"; what follows is informational.
      let text = String(decoding: bytes, as: UTF8.self)
      let essential = text.range(of: "end of trees").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
        ?? bytes.count
      for k in 1..<40 {
        let cut = Array(bytes[0..<(essential * k / 40)])
        XCTAssertThrowsError(try ForestLoader.load(bytes: cut, path: name), "\(name) cut at \(cut.count)")
      }
      for _ in 0..<60 {
        var damaged = bytes
        damaged[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
        if let forest = try? ForestLoader.load(bytes: damaged, path: name) {
          _ = try? forest.score([Double](repeating: 1, count: forest.featureNames.count))
        }
      }
    }
  }
}
