import PolicyForest

/// `proviso score MODEL --input FILE.csv`: scores a model file directly, one line per row, every
/// class's probability in shortest round-trip form, to compare with Python bit for bit.
enum ScoreCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: [], options: ["input", "format", "threads"])
    guard a.positional.count == 1, let input = a.option("input") else { throw UsageError(message: "score needs MODEL --input FILE.csv") }
    let format = try ForestCSV.OutputFormat(rawValue: a.option("format") ?? "csv")
      ?? { throw UsageError(message: "unknown format '\(a.option("format")!)': use csv or jsonl") }()
    let threads = Int(a.option("threads") ?? "1") ?? 1
    do {
      let forest = try ForestLoader.load(path: a.positional[0])
      let out = try ForestCSV.score(forest: forest, csv: try Console.read(input), format: format, threads: max(1, threads))
      Console.out(bytes: Array(out.utf8))
      return .ok
    } catch let e as ForestError {
      Console.error("proviso score: \(e.description)")
      return .dataError
    }
  }
}
