import PolicyExpr

/// The expression benchmarks of issue #2, each beside a hand-written Swift function.
enum ExpressionWorkloads {
  static func run() -> [BenchResult] {
    var results: [BenchResult] = []
    // expr.e1 over typed records.
    let r = ObjectType(name: "r", fields: [
      .init(name: "amount", type: .decimal), .init(name: "creditor", type: .string), .init(name: "financed", type: .bool),
      .init(name: "due", type: .timestamp),
    ])
    let req = ObjectType(name: "req", fields: [.init(name: "applicant", type: .string), .init(name: "at", type: .timestamp)])
    var env = Environment()
    let rSlot = env.declare("r", .object(r)), reqSlot = env.declare("req", .object(req))
    let e1 = "r.amount > 0.0 && r.creditor == req.applicant && !r.financed && req.at < r.due"
    let (p1, d1) = Compiler(environment: env).compile(e1)
    guard let p1 else { fatalError("e1 does not compile: \(d1)") }
    let due = Timestamp(seconds: 1_800_000_000), at = Timestamp(seconds: 1_790_000_000)
    let rv = ObjectValue(type: r, fields: [.decimal(DecimalNumber(250_000 as Int64)), .string("SUP-0017"), .bool(false), .timestamp(due)])
    let reqv = ObjectValue(type: req, fields: [.string("SUP-0017"), .timestamp(at)])
    let a = p1.makeActivation()
    a.set(rSlot, .object(rv)); a.set(reqSlot, .object(reqv))
    var ok = 0
    let e1ns = measure(batch: 200_000) { if case .bool(true)? = try? p1.evaluate(a) { ok &+= 1 } }
    struct Rec { var amount: DecimalNumber; var creditor: String; var financed: Bool; var due: Timestamp }
    struct Req { var applicant: String; var at: Timestamp }
    let hr = Rec(amount: DecimalNumber(250_000 as Int64), creditor: "SUP-0017", financed: false, due: due), hq = Req(applicant: "SUP-0017", at: at)
    @inline(never) func handE1(_ r: Rec, _ q: Req) -> Bool { r.amount > DecimalNumber.zero && r.creditor == q.applicant && !r.financed && q.at < r.due }
    let e1base = measure(batch: 200_000) { if handE1(opaque(hr), opaque(hq)) { ok &+= 1 } }
    results.append(BenchResult(name: "expr.e1", nsPerOp: e1ns, baselineNs: e1base, extra: [("goal_ns", "100")]))

    // expr.all10
    var env2 = Environment()
    let itemType = ObjectType(name: "item", fields: [.init(name: "qty", type: .int)])
    let itemsSlot = env2.declare("items", .list(.object(itemType)))
    let (p2, _) = Compiler(environment: env2).compile("items.all(x, x.qty > 0)")
    let items = (1...10).map { Value.object(ObjectValue(type: itemType, fields: [.int(Int64($0))])) }
    let a2 = p2!.makeActivation()
    a2.set(itemsSlot, .list(items))
    let allns = measure(batch: 100_000) { if case .bool(true)? = try? p2!.evaluate(a2) { ok &+= 1 } }
    let qtys = (1...10).map { Int64($0) }
    @inline(never) func handAll(_ xs: [Int64]) -> Bool { xs.allSatisfy { $0 > 0 } }
    let allbase = measure(batch: 100_000) { if handAll(opaque(qtys)) { ok &+= 1 } }
    results.append(BenchResult(name: "expr.all10", nsPerOp: allns, baselineNs: allbase, extra: [("goal_ns", "300")]))

    // expr.ternary10: a 10-branch chain on three inputs.
    var env3 = Environment()
    let xs = env3.declare("x", .int), ys = env3.declare("y", .int), zs = env3.declare("z", .string)
    let chain = (0..<9).map { "x < \($0 * 10) ? \($0)" }.joined(separator: " : ") + " : (y > 5 && z == 'gold' ? 10 : 11)"
    let (p3, d3) = Compiler(environment: env3).compile(chain)
    guard let p3 else { fatalError("ternary does not compile: \(d3)") }
    let a3 = p3.makeActivation()
    a3.set(xs, .int(95)); a3.set(ys, .int(7)); a3.set(zs, .string("gold"))
    let ternns = measure(batch: 200_000) { if case .int(10)? = try? p3.evaluate(a3) { ok &+= 1 } }
    @inline(never) func handTernary(_ x: Int64, _ y: Int64, _ z: String) -> Int64 {
      for i in 0..<9 where x < Int64(i * 10) { return Int64(i) }
      return y > 5 && z == "gold" ? 10 : 11
    }
    let ternbase = measure(batch: 200_000) { if handTernary(opaque(95), opaque(7), opaque("gold")) == 10 { ok &+= 1 } }
    results.append(BenchResult(name: "expr.ternary10", nsPerOp: ternns, baselineNs: ternbase, extra: [("goal_ns", "150")]))

    // expr.compile.e1: parse + check + plan.
    let compiler = Compiler(environment: env)
    let compilens = measure(samples: 9, batch: 2_000) { blackHole(compiler.compile(e1).0) }
    results.append(BenchResult(name: "expr.compile.e1", nsPerOp: compilens, baselineNs: nil, extra: [("goal_ns", "20000")]))
    blackHole(ok)
    return results
  }
}
