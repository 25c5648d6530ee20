import Foundation
import PolicyExpr
import PolicyForest
import PolicySource
import XCTest

@testable import PolicyRules

/// `forest.*` calls bound to a policy's `models:`, against the committed small merchant-risk model.
final class ForestLibraryTests: XCTestCase {
  /// The committed model, relative to the in-memory policy file (which sits at the repository's root,
  /// so the model is inside its folder: `../` out of a policy's folder is refused).
  static let modelPath = "examples/models/merchant-risk-small.json"
  static let features = ["transaction_amount", "transaction_count", "avg_rating", "inventory_turnover", "monthly_growth"]

  /// The policy's path: at the repository's root, so relative model paths resolve into the repository.
  static var policyPath: String { PolicyFixtures.repositoryRoot.appendingPathComponent("forest-test.yaml").path }

  /// Loads `yaml` as if it were `policies/forest-test.yaml`.
  static func load(_ yaml: String, path: String = policyPath) -> (CompiledPolicy?, [Diagnostic]) {
    PolicyLoader.load(SourceFile(path: path, text: yaml))
  }

  /// The diagnostics rendered without colors, with the directory of the policy cut off.
  static func rendered(_ yaml: String, path: String = policyPath) -> String {
    let directory = (path as NSString).deletingLastPathComponent + "/"
    return DiagnosticRenderer().render(load(yaml, path: path).1).replacingOccurrences(of: directory, with: "")
  }

  /// A policy with one merchant input and the outputs given, scoring the model `small`.
  static func policy(outputs: String, models: String = "small: \(modelPath)") -> String {
    """
    policy: forest-test
    inputs:
      m: {transaction_amount: double, transaction_count: int, avg_rating: double, inventory_turnover: double, monthly_growth: double}
    models:
      \(models)
    outputs:
    \(outputs)
    """
  }

  /// The map literal of every feature read from `m`.
  static let allFeatures = """
    {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
           "avg_rating": m.avg_rating, "inventory_turnover": m.inventory_turnover, "monthly_growth": m.monthly_growth}
    """

  static let merchant = #"{"m": {"transaction_amount": 12500.5, "transaction_count": 37, "avg_rating": 4.2, "inventory_turnover": 5.5, "monthly_growth": 0.03}}"#
  static let row: [Double] = [12500.5, 37, 4.2, 5.5, 0.03]

  func testProbabilityEqualsTheForestScoredDirectly() throws {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", \(Self.allFeatures))
        ps: >-
          forest.probabilities("small", \(Self.allFeatures))
        cls: >-
          forest.predict("small", \(Self.allFeatures))
      """)
    let (loaded, diagnostics) = Self.load(yaml)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "")
    let policy = try XCTUnwrap(loaded)
    let decision = try XCTUnwrap(PolicyFixtures.decide(policy, Self.merchant, explain: true))
    XCTAssertEqual(decision.outcome, .approved, PolicyFixtures.summary(decision))

    let forest = try ForestLoader.load(path: PolicyFixtures.repositoryRoot.appendingPathComponent("examples/models/merchant-risk-small.json").path)
    XCTAssertEqual(forest.featureNames, Self.features)
    XCTAssertEqual(forest.classes, ["0", "1"])
    let expected = try forest.predictProba(Self.row)
    guard case .double(let p)? = decision.output("p") else { return XCTFail("p is \(String(describing: decision.output("p")))") }
    XCTAssertEqual(p.bitPattern, expected[1].bitPattern, "forest.probability is bit-exact: \(p) vs \(expected[1])")
    XCTAssertGreaterThan(p, 0)
    XCTAssertLessThan(p, 1)

    guard case .map(let ps)? = decision.output("ps") else { return XCTFail("ps is \(String(describing: decision.output("ps")))") }
    XCTAssertEqual(ps.count, 2)
    XCTAssertEqual(ps.lookup(string: "0").map { if case .double(let d) = $0 { d.bitPattern } else { 0 } }, expected[0].bitPattern)
    XCTAssertEqual(ps.lookup(string: "1").map { if case .double(let d) = $0 { d.bitPattern } else { 0 } }, expected[1].bitPattern)

    XCTAssertEqual(decision.output("cls").map { if case .string(let s) = $0 { s } else { "" } }, try forest.predict(Self.row))

    let trace = try XCTUnwrap(decision.trace)
    XCTAssertEqual(trace.models.map(\.id), ["small"])
    XCTAssertEqual(trace.models.map(\.hash), [forest.contentHash])
    XCTAssertEqual(policy.modelHashes.map(\.0), ["small"])
  }

  func testModelHashIsPartOfTheVersion() throws {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", \(Self.allFeatures))
      """)
    let policy = try XCTUnwrap(Self.load(yaml).0)
    XCTAssertNotEqual(policy.version, SHA256.hex(Array(yaml.utf8)), "a policy with models hashes its models too")
    XCTAssertEqual(policy.version.count, 64)
  }

  func testNullFeatureIsAMissingValueAndNotAnError() throws {
    let yaml = """
      policy: forest-test
      inputs:
        m: {transaction_amount: double, transaction_count: int, avg_rating: double?, inventory_turnover: double, monthly_growth: double}
      models:
        small: \(Self.modelPath)
      outputs:
        p: >-
          forest.probability("small", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
            "avg_rating": null, "inventory_turnover": m.inventory_turnover, "monthly_growth": m.monthly_growth})
      """
    let policy = try XCTUnwrap(Self.load(yaml).0, Self.rendered(yaml))
    let decision = try XCTUnwrap(PolicyFixtures.decide(policy, Self.merchant))
    let forest = try ForestLoader.load(path: PolicyFixtures.repositoryRoot.appendingPathComponent("examples/models/merchant-risk-small.json").path)
    let expected = try forest.predictProba([12500.5, 37, .nan, 5.5, 0.03])[1]
    guard case .double(let p)? = decision.output("p") else { return XCTFail(PolicyFixtures.summary(decision)) }
    XCTAssertEqual(p.bitPattern, expected.bitPattern)
  }

  func testValueOnAClassifierIsARuntimeErrorThatFailsClosed() throws {
    let yaml = Self.policy(outputs: """
        v: >-
          forest.value("small", \(Self.allFeatures))
      """)
    let policy = try XCTUnwrap(Self.load(yaml).0, Self.rendered(yaml))
    let decision = try XCTUnwrap(PolicyFixtures.decide(policy, Self.merchant))
    XCTAssertEqual(decision.outcome, .error)
    XCTAssertNil(decision.output("v"))
    XCTAssertEqual(decision.errors.map(\.message), ["forest.value needs a regressor; use forest.probability for a classifier"])
  }

  /// A fixture model of the PolicyForest tests (same five features), relative to the repository's root.
  static func fixture(_ name: String) -> String { "Tests/PolicyForestTests/Fixtures/\(name)/model.json" }

  func testThreeClassesAndARegressor() throws {
    let yaml = Self.policy(outputs: """
        ps: >-
          forest.probabilities("classes", \(Self.allFeatures))
        cls: >-
          forest.predict("classes", \(Self.allFeatures))
        v: >-
          forest.value("regressor", \(Self.allFeatures))
      """, models: "classes: \(Self.fixture("sklearn_three_class"))\n  regressor: \(Self.fixture("sklearn_regressor"))")
    let (loaded, diagnostics) = Self.load(yaml)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), "")
    let policy = try XCTUnwrap(loaded)
    XCTAssertEqual(policy.modelHashes.map(\.0).sorted(), ["classes", "regressor"])
    let decision = try XCTUnwrap(PolicyFixtures.decide(policy, Self.merchant))
    XCTAssertEqual(decision.outcome, .approved, PolicyFixtures.summary(decision))

    let root = PolicyFixtures.repositoryRoot.appendingPathComponent("Tests/PolicyForestTests/Fixtures")
    let classes = try ForestLoader.load(path: root.appendingPathComponent("sklearn_three_class/model.json").path)
    let regressor = try ForestLoader.load(path: root.appendingPathComponent("sklearn_regressor/model.json").path)
    let expected = try classes.predictProba(Self.row)
    guard case .map(let ps)? = decision.output("ps") else { return XCTFail(PolicyFixtures.summary(decision)) }
    XCTAssertEqual(ps.count, 3)
    for (index, name) in ["high", "low", "mid"].enumerated() {
      guard case .double(let p)? = ps.lookup(string: name) else { return XCTFail("no probability for '\(name)'") }
      XCTAssertEqual(p.bitPattern, expected[index].bitPattern, name)
    }
    XCTAssertEqual(decision.output("cls").map { if case .string(let s) = $0 { s } else { "" } }, try classes.predict(Self.row))
    guard case .double(let v)? = decision.output("v") else { return XCTFail(PolicyFixtures.summary(decision)) }
    XCTAssertEqual(v.bitPattern, try regressor.predictValue(Self.row).bitPattern)
  }

  func testProbabilityOfAThreeClassModelIsARuntimeError() throws {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("classes", \(Self.allFeatures))
      """, models: "classes: \(Self.fixture("sklearn_three_class"))")
    let policy = try XCTUnwrap(Self.load(yaml).0, Self.rendered(yaml))
    let decision = try XCTUnwrap(PolicyFixtures.decide(policy, Self.merchant))
    XCTAssertEqual(decision.outcome, .error)
    XCTAssertEqual(decision.errors.map(\.message), ["forest.probability needs a binary classifier; use forest.probabilities for 3 classes"])
  }

  func testFeaturesFromAVariableAreCheckedAtRunTime() throws {
    // The map is not a literal, so the load-time check cannot see its keys; a missing or
    // non-numeric feature is an evaluation error, and the decision fails closed.
    let yaml = """
      policy: forest-test
      inputs:
        features: map(string, dyn)
        model: string
      models:
        small: \(Self.modelPath)
      outputs:
        p: forest.probability(model, features)
      """
    let policy = try XCTUnwrap(Self.load(yaml).0, Self.rendered(yaml))
    let full = #"{"transaction_amount": 12500.5, "transaction_count": 37, "avg_rating": 4.2, "inventory_turnover": 5.5, "monthly_growth": 0.03}"#
    let ok = try XCTUnwrap(PolicyFixtures.decide(policy, #"{"model": "small", "features": \#(full)}"#))
    let forest = try ForestLoader.load(path: PolicyFixtures.repositoryRoot.appendingPathComponent("examples/models/merchant-risk-small.json").path)
    guard case .double(let p)? = ok.output("p") else { return XCTFail(PolicyFixtures.summary(ok)) }
    XCTAssertEqual(p.bitPattern, try forest.predictProba(Self.row)[1].bitPattern)

    let cases: [(String, String)] = [
      (#"{"model": "small", "features": {"transaction_amount": 1}}"#, "feature 'transaction_count' is missing"),
      (#"{"model": "small", "features": {"transaction_amount": 1, "transaction_count": 2, "avg_rating": "high", "inventory_turnover": 1, "monthly_growth": 0}}"#,
       "feature 'avg_rating' must be a number, got string"),
      (#"{"model": "big", "features": \#(full)}"#, "unknown model 'big'"),
    ]
    for (input, message) in cases {
      let decision = try XCTUnwrap(PolicyFixtures.decide(policy, input))
      XCTAssertEqual(decision.outcome, .error, input)
      XCTAssertEqual(decision.errors.map(\.message), [message], input)
    }
  }

  func testUnknownModelSuggestsTheClosestId() {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("smal", \(Self.allFeatures))
      """)
    XCTAssertNil(Self.load(yaml).0)
    XCTAssertEqual(Self.rendered(yaml), """
      forest-test.yaml:8:24: error[policy_model_mismatch]: unknown model 'smal'
         |     forest.probability("smal", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
         |                        ^~~~~~
         = hint: did you mean 'small'?
      """)
  }

  func testUnknownModelWithoutAModelsSectionIsALoadError() {
    let yaml = """
      policy: no-models
      inputs: {m: {x: double}}
      outputs:
        p: >-
          forest.probability("m", {"a": m.x})
      """
    let (policy, diagnostics) = PolicyLoader.load(SourceFile(path: "p.yaml", text: yaml))
    XCTAssertNil(policy)
    XCTAssertEqual(DiagnosticRenderer().render(diagnostics), """
      p.yaml:5:24: error[policy_model_mismatch]: unknown model 'm'
         |     forest.probability("m", {"a": m.x})
         |                        ^~~
         = hint: declare it under 'models:'
      """)
  }

  func testUnknownFeatureSuggestsTheClosestName() {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
            "avg_ratings": m.avg_rating, "inventory_turnover": m.inventory_turnover, "monthly_growth": m.monthly_growth})
      """)
    XCTAssertNil(Self.load(yaml).0)
    XCTAssertEqual(Self.rendered(yaml), """
      forest-test.yaml:9:7: error[policy_model_mismatch]: model 'small' has no feature 'avg_ratings'
         |       "avg_ratings": m.avg_rating, "inventory_turnover": m.inventory_turnover, "monthly_growth": m.monthly_growth})
         |       ^~~~~~~~~~~~~
         = hint: did you mean 'avg_rating'?
      """)
  }

  func testMissingFeaturesAreListed() {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
            "avg_rating": m.avg_rating})
      """)
    XCTAssertNil(Self.load(yaml).0)
    XCTAssertEqual(Self.rendered(yaml), """
      forest-test.yaml:8:33: error[policy_model_mismatch]: model 'small' needs the features 'inventory_turnover', 'monthly_growth'
         |     forest.probability("small", {"transaction_amount": m.transaction_amount, "transaction_count": m.transaction_count,
         |                                 ^
      """)
  }

  func testMissingModelFileIsAFileError() {
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", \(Self.allFeatures))
      """, models: "small: examples/models/no-such-model.json")
    XCTAssertNil(Self.load(yaml).0)
    XCTAssertEqual(Self.rendered(yaml), """
      forest-test.yaml:5:10: error[policy_file_unreadable]: cannot read 'examples/models/no-such-model.json': no such file
         |   small: examples/models/no-such-model.json
         |          ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      """)
  }

  func testFileThatIsNotAModelIsAFileError() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-forest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(#"{"format": "something-else", "trees": []}"#.utf8).write(to: directory.appendingPathComponent("bad.json"))
    let yaml = Self.policy(outputs: """
        p: >-
          forest.probability("small", \(Self.allFeatures))
      """, models: "small: bad.json")
    let path = directory.appendingPathComponent("policy.yaml").path
    XCTAssertNil(Self.load(yaml, path: path).0)
    XCTAssertEqual(Self.rendered(yaml, path: path), """
      policy.yaml:5:10: error[policy_file_error]: model 'small' cannot be loaded: format 'something-else' is not 'proviso-forest' [model_unknown_format]
         |   small: bad.json
         |          ^~~~~~~~
      """)
  }
}
