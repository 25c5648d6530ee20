import Foundation

// proviso-bench: every performance workload, each beside a hand-written baseline where one
// applies. Prints one JSON object per line, then a table. Run with `swift run -c release proviso-bench`.
// `--only PREFIX` runs the workload groups whose names start with PREFIX (expr, policy, forest).
let only = CommandLine.arguments.firstIndex(of: "--only").map { CommandLine.arguments[$0 + 1] }
var results: [BenchResult] = []
if only == nil || "expr".hasPrefix(only!) || only!.hasPrefix("expr") { results += ExpressionWorkloads.run() }
if only == "decision" { results += PolicyWorkloads.run(decisionsOnly: true) }
if only == nil || only!.hasPrefix("policy") { results += PolicyWorkloads.run() }
if only == nil || only!.hasPrefix("forest") { results += ForestWorkloads.run() }
if only == nil || only!.hasPrefix("stream") { results += StreamWorkloads.run() }
report(results)
