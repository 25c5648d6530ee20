import PolicyExpr
import PolicyForest

extension PolicyCompiler {
  /// Loads the declared models through ``files`` (confined, regular, size-limited; see
  /// ``readReferenced(_:at:maxBytes:)``). For a Proviso JSON model `m.json`, a compact `m.forest`
  /// beside it is used instead when it passes the same rules and its content hash is the one the
  /// JSON declares.
  mutating func loadModels(_ hashes: inout [(String, String)]) -> [String: LoadedModel] {
    var out: [String: LoadedModel] = [:]
    for m in policy.models {
      guard let file = readReferenced(m.path, at: m.range, maxBytes: ForestLoader.defaultMaxBytes) else { continue }
      do throws(ForestError) {
        let forest: Forest
        if let twin = compactTwin(of: m.path, file) { forest = twin } else { forest = try ForestLoader.load(bytes: file.bytes, path: m.path) }
        out[m.id] = LoadedModel(id: m.id, forest: forest)
        hashes.append((m.id, forest.contentHash))
      } catch {
        self.error(.policyFileError, "model '\(m.id)' cannot be loaded: \(error.message) [\(error.code)]", m.range)
      }
    }
    return out
  }

  /// The compact `.forest` twin of a Proviso JSON model, when it is readable under the same rules
  /// and has the hash the JSON declares; otherwise `nil` (the JSON is loaded).
  func compactTwin(of path: String, _ json: ConfinedFile) -> Forest? {
    guard path.hasSuffix(".json"), let declared = ForestLoader.declaredHash(in: json.bytes) else { return nil }
    let twin = String(path.dropLast(5)) + ".forest"
    guard case .success(let file) = files.read(twin, maxBytes: ForestLoader.defaultMaxBytes),
      let forest = try? ForestLoader.load(bytes: file.bytes, path: twin), forest.contentHash == declared
    else { return nil }
    return forest
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
