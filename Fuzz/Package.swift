// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for Proviso; see docs/service.md, "Fuzzing", and scripts/fuzz.
//
// The root package offers only executable products, which another package cannot depend on, so this
// package builds the library targets itself from the same sources (`Upstream` is a symlink to
// `../Sources`). Keep the target list below in step with the root Package.swift; once the root
// declares library products for PolicyExpr, PolicyRules and PolicyServer, replace the mirrored
// targets with `.package(path: "..")`.
//
// The sanitizer flags are not in this manifest: scripts/fuzz passes them on the command line
// (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -no-whole-module-optimization`), so every module is
// instrumented; see the comment there for why both are needed.
let upstream = "Upstream/"
let package = Package(
  name: "proviso-fuzz",
  platforms: [.macOS(.v15)],
  targets: [
    .systemLibrary(name: "CYAML", path: upstream + "CYAML", pkgConfig: "yaml-0.1"),
    .systemLibrary(name: "CMicroHTTPD", path: upstream + "CMicroHTTPD", pkgConfig: "libmicrohttpd"),
    .systemLibrary(name: "CSQLite", path: upstream + "CSQLite", pkgConfig: "sqlite3"),
    .target(
      name: "CRE2", path: upstream + "CRE2",
      cxxSettings: [.unsafeFlags(["-std=c++17", "-O2"])],
      linkerSettings: [.linkedLibrary("re2"), .linkedLibrary("stdc++")]),
    .target(name: "PolicySource", path: upstream + "PolicySource"),
    .target(name: "PolicyYAML", dependencies: ["PolicySource", "CYAML"], path: upstream + "PolicyYAML"),
    .target(
      name: "PolicyExpr", dependencies: ["PolicySource", "CRE2"], path: upstream + "PolicyExpr",
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
    .target(name: "PolicyForest", dependencies: ["PolicySource"], path: upstream + "PolicyForest"),
    .target(
      name: "PolicyRules", dependencies: ["PolicySource", "PolicyYAML", "PolicyExpr", "PolicyForest"],
      path: upstream + "PolicyRules"),
    .target(name: "PolicyServer", dependencies: ["PolicyRules", "CMicroHTTPD", "CSQLite"], path: upstream + "PolicyServer"),

    // One executable per harness; each defines LLVMFuzzerTestOneInput. SwiftPM points each executable's
    // `main` at its main.swift, so libFuzzer's own `main` is not used: main.swift calls
    // LLVMFuzzerRunDriver (CFuzzer) instead, which takes the usual libFuzzer flags.
    .target(name: "CFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CFuzzer"]),
    .executableTarget(name: "fuzz-policy-loader", dependencies: ["FuzzSupport", "PolicyRules", "PolicySource"]),
    .executableTarget(name: "fuzz-expr", dependencies: ["FuzzSupport", "PolicyExpr"]),
    .executableTarget(name: "fuzz-input", dependencies: ["FuzzSupport", "PolicyRules"]),
    .executableTarget(name: "fuzz-http", dependencies: ["FuzzSupport", "PolicyServer"]),
  ],
  swiftLanguageModes: [.v6]
)
