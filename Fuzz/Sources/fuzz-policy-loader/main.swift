import FuzzSupport
import PolicyRules
import PolicySource

// Harness 1: a policy file from text through compile — YAML parse, decode, compile (type-check
// every expression, build tables, load referenced files from the bundled policies folder).
//
// Invariant beyond "no crash, no hang": a refused policy comes with at least one error diagnostic,
// and a compiled one with none.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let file = SourceFile(path: "fuzz.yaml", bytes: Fuzz.bytes(data, size))
  let (compiled, diagnostics) = PolicyLoader.load(file, directory: Fuzz.policies)
  let errors = diagnostics.filter { $0.severity == .error }
  Fuzz.invariant((compiled == nil) == !errors.isEmpty,
                 "compiled: \(compiled != nil), error diagnostics: \(errors.count)")
  return 0
}

Fuzz.run(fuzzPolicyLoader)
