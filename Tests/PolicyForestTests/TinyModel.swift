import Foundation

@testable import PolicyForest

/// Hand-written Proviso JSON models for tests, with a correct content hash.
enum TinyModel {
  struct Tree {
    var left: [Int32]
    var right: [Int32]
    var feature: [Int32]
    var threshold: [Double]
    var missingLeft: [Int32]
    var value: [Double]
  }

  /// One split on feature 0 at `threshold`; left leaf votes class 0, right leaf class 1.
  static func stump(_ threshold: Double, missingLeft: Bool = false) -> Tree {
    Tree(
      left: [1, -1, -1], right: [2, -1, -1], feature: [0, -2, -2], threshold: [threshold, -2, -2],
      missingLeft: [missingLeft ? 1 : 0, 0, 0], value: [1, 0, 0, 1])
  }

  static func json(
    _ trees: [Tree], features: [String] = ["x", "y"], classes: [String] = ["0", "1"], kind: String = "classifier",
    version: Int = 1, hash: String? = nil
  ) -> String {
    let width = kind == "classifier" ? classes.count : 1
    var header = ProvisoHeader()
    header.kind = kind
    header.featureNames = features
    header.classes = classes
    header.outputCount = width
    var hasher = CanonicalHasher(header: header)
    for t in trees {
      hasher.add(
        FlatTree(
          left: t.left, right: t.right, feature: t.feature, threshold: t.threshold,
          flags: t.missingLeft.map { UInt32($0) }, leafValues: t.value))
    }
    let digest = hash ?? "sha256:" + hasher.finalize()
    func list<T>(_ a: [T]) -> String { "[" + a.map { "\($0)" }.joined(separator: ",") + "]" }
    func strings(_ a: [String]) -> String {
      "[" + a.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "]"
    }
    let treeText = trees.map { t in
      "{\"children_left\":\(list(t.left)),\"children_right\":\(list(t.right)),\"feature\":\(list(t.feature)),"
        + "\"threshold\":\(list(t.threshold).replacingOccurrences(of: "inf", with: "Infinity")),"
        + "\"missing_go_to_left\":\(list(t.missingLeft)),\"value\":\(list(t.value))}"
    }
    return "{\"format\":\"proviso-forest\",\"format_version\":\(version),\"content_hash\":\"\(digest)\","
      + "\"kind\":\"\(kind)\",\"library\":\"scikit-learn\",\"library_version\":\"1.9.1\","
      + "\"estimator\":\"RandomForestClassifier\",\"feature_names\":\(strings(features)),"
      + "\"classes\":\(strings(classes)),\"n_outputs\":\(width),\"trees\":[\(treeText.joined(separator: ","))]}"
  }

  static func forest(_ trees: [Tree], classes: [String] = ["0", "1"]) throws -> Forest {
    try ForestLoader.load(bytes: Array(json(trees, classes: classes).utf8), path: "tiny.json")
  }
}
