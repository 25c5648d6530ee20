// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for Proviso; see docs/service.md, "Fuzzing", and scripts/fuzz.
//
// The harnesses use the root package's library products (`.package(path: "..")`).
//
// The sanitizer flags are not in this manifest: scripts/fuzz passes them on the command line
// (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -no-whole-module-optimization`), so every module is
// instrumented; see the comment there for why both are needed.
let package = Package(
  name: "proviso-fuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "proviso", path: "..")],
  targets: [
    // One executable per harness; each defines LLVMFuzzerTestOneInput. SwiftPM points each executable's
    // `main` at its main.swift, so libFuzzer's own `main` is not used: main.swift calls
    // LLVMFuzzerRunDriver (CFuzzer) instead, which takes the usual libFuzzer flags.
    .target(name: "CFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CFuzzer"]),
    .executableTarget(name: "fuzz-policy-loader", dependencies: ["FuzzSupport", .product(name: "PolicyRules", package: "proviso"), .product(name: "PolicySource", package: "proviso")]),
    .executableTarget(name: "fuzz-expr", dependencies: ["FuzzSupport", .product(name: "PolicyExpr", package: "proviso")]),
    .executableTarget(name: "fuzz-input", dependencies: ["FuzzSupport", .product(name: "PolicyRules", package: "proviso")]),
    .executableTarget(name: "fuzz-http", dependencies: ["FuzzSupport", .product(name: "PolicyServer", package: "proviso")]),
  ],
  swiftLanguageModes: [.v6]
)
