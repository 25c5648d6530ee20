import Foundation
import FuzzSupport
import PolicyRules
import PolicySource

// Harness 1: a policy file from text through compile — YAML parse, decode, compile (type-check
// every expression, build tables, load the files it references).
//
// Referenced files are found in a scratch copy of the layout around policies/: the bundled regions,
// and the example models with the 8 MB merchant-risk forest replaced by the small one, so a
// mutated merchant-credit policy loads in milliseconds instead of half a second.
//
// Invariant beyond "no crash, no hang": a refused policy comes with at least one error diagnostic,
// and a compiled one with none.

let directory: String = {
  let scratch = NSTemporaryDirectory() + "proviso-fuzz-policies-\(getpid())"
  let files = FileManager.default
  let models = Fuzz.root + "/examples/models/"
  let links = [
    ("policies/regions", Fuzz.policies + "/regions"),
    ("examples/models/merchant-risk.forest", models + "merchant-risk-small.forest"),
    ("examples/models/merchant-risk-small.forest", models + "merchant-risk-small.forest"),
    ("examples/models/merchant-risk-small.json", models + "merchant-risk-small.json"),
  ]
  do {
    for (link, target) in links {
      let path = scratch + "/" + link
      try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try files.createSymbolicLink(atPath: path, withDestinationPath: target)
    }
  } catch { Fuzz.setupFailure("scratch policy folder: \(error)") }
  return scratch + "/policies"
}()
atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "proviso-fuzz-policies-\(getpid())") }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let file = SourceFile(path: "fuzz.yaml", bytes: Fuzz.bytes(data, size))
  let (compiled, diagnostics) = PolicyLoader.load(file, directory: directory)
  let errors = diagnostics.filter { $0.severity == .error }
  Fuzz.invariant((compiled == nil) == !errors.isEmpty,
                 "compiled: \(compiled != nil), error diagnostics: \(errors.count)")
  return 0
}

_ = directory
Fuzz.run(fuzzPolicyLoader)
