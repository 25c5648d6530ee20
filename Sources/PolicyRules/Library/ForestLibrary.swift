import PolicyExpr
import PolicyForest

/// A tree-ensemble model a policy declared under `models:`.
public struct LoadedModel: Sendable {
  /// The id the policy gave it.
  public let id: String
  /// The scorer.
  public let forest: Forest
}

/// The `forest` functions: score a policy's models from a map of named features.
///
/// `forest.probability(id, {feature: value, ...})` is the positive-class probability of a binary
/// classifier; `forest.probabilities` maps every class to its probability; `forest.predict` is the
/// predicted class; `forest.value` is a regressor's prediction. A constant model id is bound once,
/// when the policy is compiled; feature names are checked against the model at load time.
public enum ForestLibrary {
  /// Declarations bound to the policy's models.
  public static func functions(models: [String: LoadedModel]) -> [FunctionDecl] {
    func bound(_ name: String, _ result: CELType, _ body: @escaping @Sendable (Forest, [Double]) throws(EvalError) -> Value) -> FunctionDecl {
      let generic: @Sendable (Value, Value) throws(EvalError) -> Value = { id, features throws(EvalError) in
        guard case .string(let modelID) = id, let model = models[modelID] else {
          throw EvalError(.model, "unknown model '\(modelName(id))'")
        }
        return try body(model.forest, try row(model.forest, features))
      }
      var overload = Overload.binary("forest_\(name)", .string, .map(.string, .dyn), result, generic)
      overload.specializer = { constants in
        guard case .string(let modelID)? = constants[0], let model = models[modelID] else { return nil }
        let forest = model.forest
        return .binary { _, features throws(EvalError) in try body(forest, try row(forest, features)) }
      }
      return FunctionDecl("forest.\(name)", [overload])
    }
    return [
      bound("probability", .double) { forest, row throws(EvalError) in
        guard forest.kind == .classifier, forest.classes.count == 2 else {
          throw EvalError(.model, "forest.probability needs a binary classifier; use forest.probabilities for \(forest.classes.count) classes")
        }
        return .double(try score(forest, row)[1])
      },
      bound("probabilities", .map(.string, .double)) { forest, row throws(EvalError) in
        let p = try score(forest, row)
        return .map(MapValue(uncheckedKeys: forest.outputNames.map { .string($0) }, values: p.map { .double($0) }))
      },
      bound("predict", .string) { forest, row throws(EvalError) in
        guard forest.kind == .classifier else { throw EvalError(.model, "forest.predict needs a classifier; use forest.value for a regressor") }
        let p = try score(forest, row)
        return .string(forest.classes[Forest.argmax(p)])
      },
      bound("value", .double) { forest, row throws(EvalError) in
        guard forest.kind != .classifier else { throw EvalError(.model, "forest.value needs a regressor; use forest.probability for a classifier") }
        return .double(try score(forest, row)[0])
      },
    ]
  }

  /// A model id argument for messages.
  static func modelName(_ v: Value) -> String {
    if case .string(let s) = v { return s }
    return v.debugText
  }

  static func score(_ forest: Forest, _ row: [Double]) throws(EvalError) -> [Double] {
    do { return try forest.score(row) } catch { throw EvalError(.model, error.message) }
  }

  /// The features in the model's order; `null` is a missing value (NaN), as scikit-learn reads it.
  static func row(_ forest: Forest, _ features: Value) throws(EvalError) -> [Double] {
    guard case .map(let m) = features else { throw EvalError(.model, "model features must be a map of feature names to numbers") }
    var out: [Double] = []
    out.reserveCapacity(forest.featureNames.count)
    // A map literal that lists the features in the model's order (the usual case) is read by
    // position; any other map is looked up by name.
    let inOrder = m.count == forest.featureNames.count
      && zip(m.keys, forest.featureNames).allSatisfy { key, name in
        if case .string(let k) = key { return k == name }
        return false
      }
    for (i, name) in forest.featureNames.enumerated() {
      guard let v = inOrder ? m.values[i] : m.lookup(string: name) else { throw EvalError(.model, "feature '\(name)' is missing") }
      switch v {
      case .double(let d): out.append(d)
      case .int(let i): out.append(Double(i))
      case .uint(let u): out.append(Double(u))
      case .decimal(let d): out.append(d.doubleValue)
      case .null: out.append(.nan)
      default: throw EvalError(.model, "feature '\(name)' must be a number, got \(v.kindName)")
      }
    }
    return out
  }
}
