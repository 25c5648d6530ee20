// proviso-bench: every performance workload, each beside a hand-written baseline where one
// applies. Prints one JSON object per line, then a table. Run with `swift run -c release proviso-bench`.
var results = ExpressionWorkloads.run()
results += PolicyWorkloads.run()
report(results)
