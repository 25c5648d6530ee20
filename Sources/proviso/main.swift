import PolicyExpr
var env = Environment()
env.declare("x", .int)
env.declare("amount", .decimal)
env.declare("items", .list(.map(.string, .int)))
let compiler = Compiler(environment: env)
for src in CommandLine.arguments.dropFirst() {
  let (p, d) = compiler.compile(src)
  let file = SourceFile(path: "<expr>", text: src)
  if let p {
    do { print(src, "=>", try p.evaluate(["x": .int(7), "amount": .decimal(DecimalNumber(parsing: "250000")!), "items": .list([])], in: env), ":", p.resultType) }
    catch { print(src, "=> error:", error) }
  } else {
    print(DiagnosticRenderer().render(d.map { $0.located(in: file, mapping: .identity) }))
  }
}
