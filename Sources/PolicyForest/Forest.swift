/// Whether a model predicts class probabilities or a number.
public enum ForestKind: String, Sendable, Hashable {
  /// Predicts one probability per class (``Forest/classes``).
  case classifier
  /// Predicts one number.
  case regressor
}

/// Where a model came from: the file format, the training library and the file.
public struct ForestSource: Sendable, Hashable {
  /// The file format: `proviso-forest/1`, `proviso-forest-compact/1`, `xgboost-json` or `lightgbm-text`.
  public var format: String
  /// The training library: `scikit-learn`, `xgboost` or `lightgbm`.
  public var library: String
  /// The training library's version as recorded in the file (empty when the file has none).
  public var libraryVersion: String
  /// The estimator or objective, such as `RandomForestClassifier` or `binary:logistic`.
  public var estimator: String
  /// The path the model was loaded from.
  public var path: String
}

/// A loaded tree ensemble, immutable and safe to share between threads.
///
/// Nodes live in flat arrays (no object per node): 16-byte ``CompactNode``s with `Float` thresholds
/// for scikit-learn and XGBoost models, 24-byte ``WideNode``s with `Double` thresholds for
/// LightGBM. Leaves are not stored as nodes: a child reference below zero is `~row` of a shared
/// leaf-value table. Scoring follows the training library's own rules (see `docs/models.md`).
public final class Forest: Sendable {
  /// The feature names, in the order rows must list their values.
  public let featureNames: [String]
  /// The class labels as strings, in the order of ``predictProba(_:)``; empty for regressors.
  public let classes: [String]
  /// Whether the model is a classifier or a regressor.
  public let kind: ForestKind
  /// The content hash, `sha256:` followed by 64 lowercase hex digits.
  ///
  /// For scikit-learn models this is the hash of the canonical content (`docs/models.md`), the
  /// same for the JSON and the compact form; for XGBoost and LightGBM files, of the file's bytes.
  public let contentHash: String
  /// Where the model came from.
  public let source: ForestSource

  let storage: ForestStorage
  let combiner: Combiner
  private let featureIndexByName: [String: Int]

  init(
    featureNames: [String], classes: [String], kind: ForestKind, contentHash: String,
    source: ForestSource, storage: ForestStorage, combiner: Combiner
  ) {
    self.featureNames = featureNames
    self.classes = classes
    self.kind = kind
    self.contentHash = contentHash
    self.source = source
    self.storage = storage
    self.combiner = combiner
    var index: [String: Int] = [:]
    for (i, name) in featureNames.enumerated() where index[name] == nil { index[name] = i }
    self.featureIndexByName = index
  }

  /// The number of trees.
  public var treeCount: Int { storage.roots.count }
  /// The number of split (internal) nodes over all trees; leaves are entries of the value table.
  public var splitNodeCount: Int { storage.isWide ? storage.wideNodes.count : storage.nodes.count }
  /// The number of values each row scores to: one per class, or 1 for a regressor.
  public var outputCount: Int { kind == .classifier ? classes.count : 1 }
  /// The names of the scored values: ``classes`` for a classifier, `["value"]` for a regressor.
  public var outputNames: [String] { kind == .classifier ? classes : ["value"] }

  /// The position of the feature called `name` in a row, or `nil` when the model has no such feature.
  public func featureIndex(_ name: String) -> Int? { featureIndexByName[name] }
}

/// One split of a scikit-learn or XGBoost tree: 16 bytes.
///
/// A row goes left when `Float(x) <= threshold`, and NaN goes left when bit 31 of
/// `featureAndFlags` is set. scikit-learn thresholds are rounded *down* to `Float`, which keeps
/// `Double(Float(x)) <= t` exact; XGBoost's `x < t` is stored as `x <= t.nextDown`.
struct CompactNode: Sendable {
  var threshold: Float
  var featureAndFlags: UInt32
  var left: Int32
  var right: Int32
}

extension CompactNode {
  /// The child reference `x` goes to: left when `x[feature] <= threshold`, or when it is NaN and
  /// the missing-left bit is set. Written without branches; the direction is data-dependent.
  @inline(__always)
  func child(_ x: UnsafePointer<Float>) -> Int32 {
    let v = x[Int(featureAndFlags & 0x7FFF_FFFF)]
    let below = unsafeBitCast(v <= threshold, to: UInt8.self)
    let nan = unsafeBitCast(v.isNaN, to: UInt8.self) & UInt8(truncatingIfNeeded: featureAndFlags >> 31)
    return below | nan != 0 ? left : right
  }
}

/// One split of a LightGBM tree: `Double` threshold, LightGBM's missing-value rules in `flags`.
///
/// `flags` bit 0: the default (missing) direction is left; bits 1-2: LightGBM's missing type
/// (0 none, 1 zero, 2 NaN).
struct WideNode: Sendable {
  var threshold: Double
  var feature: Int32
  var flags: UInt32
  var left: Int32
  var right: Int32
}

extension WideNode {
  /// LightGBM's `Tree::NumericalDecision`: values with `|x| <= 1e-35` (and NaN, unless the missing
  /// type is NaN) read as 0; a missing value (zero for type zero, NaN for type NaN) takes the
  /// default side; otherwise left when `x <= threshold`.
  @inline(__always)
  func child(_ x: UnsafePointer<Double>) -> Int32 {
    let v = x[Int(feature)]
    let nan = v.isNaN
    let small = !(abs(v) > lightGBMZero)  // true for NaN too
    let missingType = (flags >> 1) & 3
    let useDefault = (missingType == 1 && small) || (missingType == 2 && nan)
    let below = (small ? 0 : v) <= threshold
    let goLeft = useDefault ? flags & 1 != 0 : below
    return goLeft ? left : right
  }
}

/// How leaf values turn into the model's outputs.
enum Combiner: Sendable {
  /// scikit-learn: per-output sums in tree order (Double), divided by the tree count.
  case average
  /// XGBoost: Float margins per output group, starting from the base margins, then a transform.
  case xgboost(Objective, baseMargins: [Float])
  /// LightGBM: Double margins per class (tree `t` feeds class `t % classes`), then a transform.
  case lightgbm(Objective, averageOutput: Bool)

  enum Objective: Sendable {
    /// One margin; probability `1 / (1 + exp(-scale * margin))`; outputs `[1 - p, p]`.
    case logistic(scale: Double)
    /// One margin per class; softmax.
    case softmax
    /// One margin per class, each turned into `1 / (1 + exp(-scale * margin))` on its own
    /// (LightGBM `multiclassova`; the outputs need not sum to 1).
    case oneVsAll(scale: Double)
    /// One margin, the output itself.
    case identity
  }
}

/// The node arrays of a forest, in memory that never moves (so scoring can use raw pointers).
final class ForestStorage: @unchecked Sendable {
  let nodes: UnsafeMutableBufferPointer<CompactNode>
  let wideNodes: UnsafeMutableBufferPointer<WideNode>
  let roots: UnsafeMutableBufferPointer<Int32>
  let treeGroups: UnsafeMutableBufferPointer<Int32>
  let values: UnsafeMutableBufferPointer<Double>
  /// Leaf-table columns per row (number of classes for scikit-learn classifiers, else 1).
  let valueWidth: Int
  /// Margin groups (XGBoost / LightGBM classes), 1 for scikit-learn.
  let groupCount: Int
  let isWide: Bool
  /// Whether value rows carry linear models (LightGBM `linear_tree`, wide forests only).
  let isLinear: Bool
  /// Row `r`'s linear model uses entries `linearOffsets[r]..<linearOffsets[r + 1]` of
  /// `linearFeatures` and `linearCoefficients`; `linearConstants[r]` is its constant and
  /// `values[r]` the output when one of its features is NaN. Empty unless ``isLinear``.
  let linearOffsets: UnsafeMutableBufferPointer<Int32>
  let linearConstants: UnsafeMutableBufferPointer<Double>
  let linearFeatures: UnsafeMutableBufferPointer<Int32>
  let linearCoefficients: UnsafeMutableBufferPointer<Double>

  init(
    nodes: [CompactNode], wideNodes: [WideNode], roots: [Int32], treeGroups: [Int32],
    values: [Double], valueWidth: Int, groupCount: Int, isWide: Bool, linear: LinearLeaves? = nil
  ) {
    func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
      let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
      _ = p.initialize(from: a)
      return UnsafeMutableBufferPointer(rebasing: p[0..<a.count])
    }
    self.nodes = copy(nodes)
    self.wideNodes = copy(wideNodes)
    self.roots = copy(roots)
    self.treeGroups = copy(treeGroups)
    self.values = copy(values)
    self.valueWidth = valueWidth
    self.groupCount = groupCount
    self.isWide = isWide
    self.isLinear = linear != nil
    self.linearOffsets = copy(linear?.offsets ?? [])
    self.linearConstants = copy(linear?.constants ?? [])
    self.linearFeatures = copy(linear?.features ?? [])
    self.linearCoefficients = copy(linear?.coefficients ?? [])
  }

  deinit {
    nodes.baseAddress?.deallocate()
    wideNodes.baseAddress?.deallocate()
    roots.baseAddress?.deallocate()
    treeGroups.baseAddress?.deallocate()
    values.baseAddress?.deallocate()
    linearOffsets.baseAddress?.deallocate()
    linearConstants.baseAddress?.deallocate()
    linearFeatures.baseAddress?.deallocate()
    linearCoefficients.baseAddress?.deallocate()
  }
}
