import Foundation
import PolicyExpr
import PolicyRules
import PolicyServer

/// `proviso replay --log FILE.sqlite --policy NEW.yaml [--since TS]`: re-evaluates the logged
/// inputs of that policy with a new version and reports what would change, as `proviso diff` does
/// (champion / challenger on real history). The champion is the logged version of each decision.
enum ReplayCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: [], options: ["log", "policy", "since", "until", "examples", "now"])
    guard let path = a.option("log"), let policyPath = a.option("policy") else {
      throw UsageError(message: "replay needs --log FILE.sqlite --policy NEW.yaml")
    }
    let (challenger, diagnostics) = PolicyLoader.load(path: policyPath)
    guard let challenger else {
      Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(diagnostics))
      return .dataError
    }
    do {
      let reader = try DecisionLogReader(path: path)
      var records: [(line: Int, json: [UInt8])] = []
      var versions = Set<String>()
      let query = DecisionQuery(policy: challenger.id, since: try a.option("since").map(LogCommand.micros), until: try a.option("until").map(LogCommand.micros))
      try reader.forEachDecision(matching: query) { r in
        records.append((records.count + 1, Array(r.inputJSON.utf8)))
        versions.insert(r.version)
        return true
      }
      guard !records.isEmpty else {
        Console.error("proviso replay: the log has no decisions of '\(challenger.id)'")
        return .failed
      }
      // The champion: the version that made the logged decisions (the latest, if several).
      guard let logged = try reader.latestPolicyVersion(policy: challenger.id),
        let champion = PolicyLoader.load(SourceFile(path: policyPath, bytes: Array(logged.source.utf8))).0
      else {
        Console.error("proviso replay: the log does not hold the source of '\(challenger.id)'")
        return .dataError
      }
      if versions.count > 1 {
        Console.error("note: the log holds decisions from \(versions.count) versions; comparing against the latest, \(logged.hash.prefix(12))")
      }
      let now = try a.option("now").map(RunCommand.parseNow)
      let report = PolicyDiff.compare(old: champion, new: challenger, records: records, now: now, examples: Int(a.option("examples") ?? "5") ?? 5)
      Console.out("replay of \(records.count) logged decisions: champion \(champion.version.prefix(12)) -> challenger \(challenger.version.prefix(12))")
      Console.out(report.render())
      return .ok
    } catch let e as DecisionLogError {
      Console.error("proviso replay: \(e)")
      return .ioError
    }
  }
}
