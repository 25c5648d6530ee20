import Foundation
import FuzzSupport
import PolicyExpr
import PolicyRules

// Harness 3: the JSON input decoder — a request body decoded against a bundled policy's input
// schema (default `receivable-financing`; `PROVISO_FUZZ_POLICY=<file stem>` picks another) — and,
// for a body that decodes, the decision on it.
//
// Invariants beyond "no crash, no hang":
// - a decision with an evaluation error is never approved (fail closed);
// - explaining a decision does not change it: the traced evaluation gives the same outcome,
//   reasons, errors, alerts and outputs as the plain one.

let policyName = ProcessInfo.processInfo.environment["PROVISO_FUZZ_POLICY"] ?? "receivable-financing"
let policy: CompiledPolicy = {
  let path = Fuzz.policies + "/" + policyName + ".yaml"
  let (compiled, diagnostics) = PolicyLoader.load(path: path)
  guard let compiled else { Fuzz.setupFailure("\(path) does not load: \(diagnostics)") }
  return compiled
}()
/// A fixed clock, so a run is reproducible.
let now = Timestamp(seconds: 1_780_000_000)

/// The parts of a decision that must not depend on whether it was explained.
func summary(_ d: Decision) -> String {
  let outputs = d.outputs.map { "\($0.name)=\(String(describing: $0.value))" }
  return "\(d.outcome) \(d.reasons) \(d.errors) \(d.alerts) \(outputs)"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard case .success(let input) = policy.decodeInput(Fuzz.bytes(data, size)) else { return 0 }
  let plain = policy.decide(input, now: now)
  Fuzz.invariant(plain.errors.isEmpty || plain.outcome != .approved, "approved with errors: \(plain.errors)")
  let explained = policy.decide(input, now: now, explain: true)
  Fuzz.invariant(summary(plain) == summary(explained),
                 "explain changed the decision:\n  plain:     \(summary(plain))\n  explained: \(summary(explained))")
  var w = JSONWriter(capacity: 512)
  explained.writeJSON(to: &w, id: "fuzz")
  return 0
}

_ = policy
Fuzz.run(fuzzInput)
