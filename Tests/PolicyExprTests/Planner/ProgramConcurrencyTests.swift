import Dispatch
import Synchronization
import XCTest
@testable import PolicyExpr

/// One compiled ``Program`` is shared by many threads: every evaluation gets its own
/// ``Activation`` and sees only its own inputs.
final class ProgramConcurrencyTests: XCTestCase {
  func testOneProgramEvaluatedFromEightThreads() throws {
    var env = Environment()
    env.declare("amount", .decimal)
    env.declare("tags", .list(.string))
    env.declare("id", .int)
    let source = """
      string(id) + ":" + string(math.round(amount * 0.90, 2)) + ":" + \
      string(tags.filter(t, t.startsWith("x")).size()) + ":" + (amount > 500 ? "high" : "low")
      """
    let (compiled, diagnostics) = Compiler(environment: env).compile(source)
    XCTAssertEqual(diagnostics, [])
    let program = try XCTUnwrap(compiled)
    let environment = env

    let threads = 8, perThread = 1_250
    let failures = Mutex<[String]>([])
    let evaluations = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      for i in 0..<perThread {
        let id = thread * perThread + i
        let amount = DecimalNumber(Int64(id % 1_000))
        let tags: [Value] = (0..<(id % 5)).map { .string($0 % 2 == 0 ? "x\($0)" : "y\($0)") }
        let cents = (id % 1_000) * 90
        let rounded = "\(cents / 100)." + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)"
        let expected = "\(id):\(rounded):\((id % 5 + 1) / 2):\(id % 1_000 > 500 ? "high" : "low")"
        do throws(EvalError) {
          let v = try program.evaluate(["amount": .decimal(amount), "tags": .list(tags), "id": .int(Int64(id))], in: environment)
          if case .string(let s) = v, s == expected {} else {
            failures.withLock { $0.append("\(id): got \(v.debugText), want \(expected)") }
          }
        } catch {
          failures.withLock { $0.append("\(id): error \(error.message)") }
        }
        evaluations.add(1, ordering: .relaxed)
      }
    }
    XCTAssertEqual(evaluations.load(ordering: .relaxed), 10_000)
    XCTAssertEqual(failures.withLock { Array($0.prefix(5)) }, [])
  }

  /// Errors on some threads never leak into evaluations on others.
  func testErrorsStayWithTheirEvaluation() throws {
    var env = Environment()
    env.declare("d", .int)
    let (compiled, _) = Compiler(environment: env).compile("100 / d")
    let program = try XCTUnwrap(compiled)
    let environment = env
    let wrong = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for i in 0..<500 {
        let d = Int64((thread + i) % 3)
        do throws(EvalError) {
          let v = try program.evaluate(["d": .int(d)], in: environment)
          if d == 0 || v.debugText != "\(100 / d)" { wrong.add(1, ordering: .relaxed) }
        } catch {
          if d != 0 || error.kind != .divisionByZero { wrong.add(1, ordering: .relaxed) }
        }
      }
    }
    XCTAssertEqual(wrong.load(ordering: .relaxed), 0)
  }
}
