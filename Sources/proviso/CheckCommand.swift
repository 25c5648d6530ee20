import PolicyExpr
import PolicyRules

/// `proviso check PATH...`: loads and checks policy files and folders (``PolicyFolder``); diagnostics on stderr.
enum CheckCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["strict"], options: ["format", "allow-path"])
    guard !a.positional.isEmpty else { throw UsageError(message: "check needs at least one policy file or folder") }
    let json = a.option("format") == "json"
    var all: [Diagnostic] = []
    for path in a.positional {
      // A folder is checked as the service would load it: every file, and no two defining one id.
      switch PolicyFolder(path, allowing: a.options["allow-path"] ?? []).loadAll() {
      case .failure(let problem): all.append(problem.diagnostic)
      case .success(let loads):
        for load in loads {
          all += load.diagnostics
          if let policy = load.policy, !json { Console.error("ok \(load.path) (\(policy.id), version \(policy.version.prefix(12)))") }
        }
      }
    }
    if json {
      Console.out(DiagnosticJSON.encode(all))
    } else if !all.isEmpty {
      Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(all))
    }
    if all.hasErrors { return .dataError }
    if a.has("strict") && !all.isEmpty { return .failed }
    return .ok
  }
}

/// Diagnostics as JSON: `[{"code", "severity", "location": {"file", "line", "column"}, "message", "hint"}]`.
enum DiagnosticJSON {
  static func encode(_ diagnostics: [Diagnostic]) -> String {
    var w = JSONWriter()
    w.bytes.append(UInt8(ascii: "["))
    for (i, d) in DiagnosticRenderer.sorted(diagnostics).enumerated() {
      if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
      var fields: [(String, Value)] = [("code", .string(d.code.rawValue)), ("severity", .string(d.severity.rawValue))]
      if let file = d.file {
        let loc = file.location(of: d.range.start)
        let keys: [Value] = [.string("file"), .string("line"), .string("column")]
        fields.append(("location", .map(MapValue(uncheckedKeys: keys, values: [.string(file.path), .int(Int64(loc.line)), .int(Int64(loc.column))]))))
      }
      fields.append(("message", .string(d.message)))
      if let h = d.hint { fields.append(("hint", .string(h))) }
      w.write(.map(MapValue(uncheckedKeys: fields.map { .string($0.0) }, values: fields.map(\.1))))
    }
    w.bytes.append(UInt8(ascii: "]"))
    return String(decoding: w.bytes, as: UTF8.self)
  }
}
