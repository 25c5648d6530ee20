import PolicyExpr
import PolicyForest

extension PolicyCompiler {
  mutating func loadModels(_ hashes: inout [(String, String)]) -> [String: LoadedModel] {
    var out: [String: LoadedModel] = [:]
    for m in policy.models {
      let path = m.path.hasPrefix("/") ? m.path : directory.appendingPathComponent(m.path).path
      do {
        let forest = try ForestLoader.load(path: path)
        out[m.id] = LoadedModel(id: m.id, forest: forest)
        hashes.append((m.id, forest.contentHash))
      } catch {
        self.error(.policyFileError, "model '\(m.id)' cannot be loaded: \(error.message) [\(error.code)]", m.range)
      }
    }
    return out
  }

  /// Checks every `forest.*(id, {...})` call of a compiled expression against the models: the id
  /// exists, and the map literal names exactly the model's features (with "did you mean").
  mutating func validateModelCalls(_ e: CompiledExpression, models: [String: LoadedModel]) {
    let parsed = e.program.checked.parsed
    func visit(_ x: Expr) {
      switch x.kind {
      case .call(let f, let target, let args):
        if let target, case .ident("forest") = target.kind, ["probability", "probabilities", "predict", "value"].contains(f), args.count == 2 {
          check(call: x, args)
        }
        if let target { visit(target) }
        args.forEach(visit)
      case .select(let o, _, _): visit(o)
      case .list(let xs): xs.forEach(visit)
      case .map(let entries): entries.forEach { visit($0.key); visit($0.value) }
      case .comprehension(let c): [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(visit)
      case .literal, .ident: break
      }
    }
    func check(call: Expr, _ args: [Expr]) {
      let range = { (id: NodeID) in e.source.mapping.fileRange(parsed.range(of: id)) }
      guard case .literal(.string(let id)) = args[0].kind else { return }
      guard let model = models[id] else {
        // A declared model that failed to load was reported already; one error per mistake.
        if policy.models.contains(where: { $0.id == id }) { return }
        let hint = closestName(id, among: Array(models.keys)).map { "did you mean '\($0)'?" } ?? "declare it under 'models:'"
        self.error(.policyModelMismatch, "unknown model '\(id)'", range(args[0].id), hint: hint)
        return
      }
      guard case .map(let entries) = args[1].kind else { return }
      var given: [String] = []
      var suggested = Set<String>()
      for entry in entries {
        guard case .literal(.string(let name)) = entry.key.kind else { continue }
        given.append(name)
        if model.forest.featureIndex(name) == nil {
          let closest = closestName(name, among: model.forest.featureNames)
          if let closest { suggested.insert(closest) }
          let hint = closest.map { "did you mean '\($0)'?" }
            ?? "the model's features are: \(model.forest.featureNames.joined(separator: ", "))"
          self.error(.policyModelMismatch, "model '\(id)' has no feature '\(name)'", range(entry.key.id), hint: hint)
        }
      }
      // A feature already suggested for a misspelled name is not reported missing as well.
      let missing = model.forest.featureNames.filter { !given.contains($0) && !suggested.contains($0) }
      if !missing.isEmpty {
        self.error(.policyModelMismatch, "model '\(id)' needs the features \(missing.map { "'\($0)'" }.joined(separator: ", "))", range(args[1].id))
      }
    }
    visit(parsed.root)
  }

}
