import FuzzSupport
import PolicyExpr

// Harness 2: the expression parser, checker and planner on arbitrary text, then evaluation of what
// compiles against an empty activation under tight limits. Text that fails the checked compile is
// compiled again unchecked (CEL's disable_check), so the planner sees untyped trees too.
//
// Invariant beyond "no crash, no hang": a checked program's value has the kind its static type says
// (a checker that types `int` an expression yielding a string would let a policy decide wrongly).

/// Tight limits: a bounded evaluation must stay fast, so the fuzzer finds cost-accounting holes as timeouts.
let limits: Limits = {
  var l = Limits.default
  l.maxEvaluationCost = 20_000
  l.maxStringBytes = 64 << 10
  l.maxCollectionSize = 4_096
  return l
}()
let environment = Environment(limits: limits)
let compiler = Compiler(environment: environment)

/// Whether a value of runtime kind `value` may have static type `type`.
func conforms(_ value: Value, to type: CELType) -> Bool {
  switch type {
  case .dyn, .param, .error: return true
  default: return value.runtimeType.runtimeName == type.runtimeName
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: Fuzz.bytes(data, size), as: UTF8.self)
  let (checked, _) = compiler.compile(text)
  if let program = checked {
    if let value = try? program.evaluate([:], in: environment) {
      Fuzz.invariant(conforms(value, to: program.resultType),
                     "checked type \(program.resultType) but value of kind \(value.kindName) for: \(text)")
    }
    return 0
  }
  if let program = compiler.compileUnchecked(text).0 {
    _ = try? program.evaluate([:], in: environment)
  }
  return 0
}

Fuzz.run(fuzzExpression)
