import Foundation
import FuzzSupport
import PolicyExpr
import PolicyRules

// Harness 3: the JSON input decoder — a request body decoded against the input schema of every
// bundled policy (`PROVISO_FUZZ_POLICY=<file stem>` limits it to one) — and, for each policy whose
// schema the body satisfies, the decision on it.
//
// Invariants beyond "no crash, no hang":
// - a decision with an evaluation error is never approved (fail closed);
// - explaining a decision does not change it: the traced evaluation gives the same outcome,
//   reasons, errors, alerts and outputs as the plain one.

let policies: [CompiledPolicy] = {
  let only = ProcessInfo.processInfo.environment["PROVISO_FUZZ_POLICY"]
  let paths = PolicyLoader.policyFiles(at: Fuzz.policies).filter { path in
    only.map { ((path as NSString).lastPathComponent as NSString).deletingPathExtension == $0 } ?? true
  }
  guard !paths.isEmpty else { Fuzz.setupFailure("no policy \(only ?? "") in \(Fuzz.policies)") }
  return paths.map { path in
    let (compiled, diagnostics) = PolicyLoader.load(path: path)
    guard let compiled else { Fuzz.setupFailure("\(path) does not load: \(diagnostics)") }
    return compiled
  }
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
  let bytes = Fuzz.bytes(data, size)
  for policy in policies {
    guard case .success(let input) = policy.decodeInput(bytes) else { continue }
    let plain = policy.decide(input, now: now)
    Fuzz.invariant(plain.errors.isEmpty || plain.outcome != .approved, "\(policy.id): approved with errors: \(plain.errors)")
    let explained = policy.decide(input, now: now, explain: true)
    Fuzz.invariant(summary(plain) == summary(explained),
                   "\(policy.id): explain changed the decision:\n  plain:     \(summary(plain))\n  explained: \(summary(explained))")
    var w = JSONWriter(capacity: 512)
    explained.writeJSON(to: &w, id: "fuzz")
  }
  return 0
}

_ = policies
Fuzz.run(fuzzInput)
