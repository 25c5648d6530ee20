import Foundation
import PolicyExpr
import PolicyRules

/// `proviso run POLICY --input FILE|-`: the dry-run.
enum RunCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["explain"], options: ["input", "now", "format", "allow-path"])
    guard a.positional.count == 1, let input = a.option("input") else { throw UsageError(message: "run needs one policy and --input FILE") }
    let (loaded, diagnostics) = PolicyLoader.load(path: a.positional[0], allowing: a.options["allow-path"] ?? [])
    guard let policy = loaded else {
      Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(diagnostics))
      return .dataError
    }
    var options = DryRun.Options()
    options.explain = a.has("explain")
    if let n = a.option("now") { options.now = try parseNow(n) }
    if let f = a.option("format") {
      guard let format = DryRun.OutputFormat(rawValue: f) else { throw UsageError(message: "unknown format '\(f)': use jsonl, csv, table or none") }
      options.format = format
    } else if Console.stdoutIsTerminal {
      options.format = .table
    }
    let bytes = try Console.read(input)
    let format = InputRecords.format(path: input, bytes: bytes)
    let summary = DryRun.run(policy, input: bytes, format: format, options: options,
      emit: { Console.out(bytes: $0) }, problem: { Console.error("\(input): \($0)") },
      progress: Console.stderrIsTerminal ? { n in FileHandle.standardError.write(Data("\r\(n) records...".utf8)) } : nil)
    if Console.stderrIsTerminal && summary.records + summary.badRecords >= 100_000 { FileHandle.standardError.write(Data("\r".utf8)) }
    Console.error(summary.render())
    return summary.badRecords > 0 ? .dataError : .ok
  }

  static func parseNow(_ text: String) throws(UsageError) -> Timestamp {
    do { return try Timestamp(parsing: text) } catch { throw UsageError(message: "--now '\(text)' is not an RFC 3339 timestamp (2026-10-01T00:00:00Z)") }
  }
}
