import PolicyExpr
import PolicyRules

/// `proviso diff OLD NEW --input FILE`: what an edit changes over the same data.
enum DiffCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: [], options: ["input", "now", "examples"])
    guard a.positional.count == 2, let input = a.option("input") else { throw UsageError(message: "diff needs OLD.yaml NEW.yaml --input FILE") }
    var policies: [CompiledPolicy] = []
    for path in a.positional {
      let (p, diagnostics) = PolicyLoader.load(path: path)
      guard let p else {
        Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(diagnostics))
        return .dataError
      }
      policies.append(p)
    }
    let now = try a.option("now").map(RunCommand.parseNow)
    let bytes = try Console.read(input)
    let records = InputRecords.records(bytes, format: InputRecords.format(path: input, bytes: bytes), schema: policies[1].inputType)
    for r in records where r.problem != nil { Console.error("\(input): line \(r.line): \(r.problem!)") }
    let report = PolicyDiff.compare(old: policies[0], new: policies[1], records: records.filter { $0.problem == nil }.map { ($0.line, $0.json) },
                                    now: now, examples: Int(a.option("examples") ?? "5") ?? 5)
    Console.out(report.render())
    return .ok
  }
}
