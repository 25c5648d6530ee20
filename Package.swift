// swift-tools-version:6.0
import PackageDescription

// One target per phase or role; dependencies point one way:
// PolicySource <- PolicyJSON <- PolicyExpr, PolicyForest; PolicySource <- PolicyYAML;
// PolicyYAML, PolicyExpr, PolicyForest <- PolicyRules <- PolicyServer <- proviso.
let package = Package(
  name: "proviso",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "proviso", targets: ["proviso"]),
    .executable(name: "proviso-bench", targets: ["proviso-bench"]),
    // Libraries for the fuzz harnesses (Fuzz/, a package of its own that depends on this one).
    .library(name: "PolicySource", targets: ["PolicySource"]),
    .library(name: "PolicyExpr", targets: ["PolicyExpr"]),
    .library(name: "PolicyRules", targets: ["PolicyRules"]),
    .library(name: "PolicyServer", targets: ["PolicyServer"]),
  ],
  targets: [
    // C libraries from Debian, each behind a module map.
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
    // RE2 is C++; a tiny extern "C" shim gives Swift a linear-time regex engine.
    .target(
      name: "CRE2",
      cxxSettings: [.unsafeFlags(["-std=c++17", "-O2"])],
      linkerSettings: [.linkedLibrary("re2"), .linkedLibrary("stdc++")]),

    .target(name: "PolicySource"),
    .target(name: "PolicyYAML", dependencies: ["PolicySource", "CYAML"]),
    // Cross-module optimization: the schema decoder in PolicyExpr inlines the scanner (without it,
    // decoding an input document is ~15% slower than when both lived in one module).
    .target(name: "PolicyJSON", dependencies: ["PolicySource"], swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]),
    .target(
      name: "PolicyExpr", dependencies: ["PolicySource", "PolicyJSON", "CRE2"],
      // Evaluation state lives in one class per evaluation; dynamic exclusivity checks on it cost ~10%.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
    .target(name: "PolicyForest", dependencies: ["PolicySource", "PolicyJSON"]),
    .target(name: "PolicyRules", dependencies: ["PolicySource", "PolicyYAML", "PolicyExpr", "PolicyForest"]),
    .target(name: "PolicyServer", dependencies: ["PolicyRules", "CMicroHTTPD", "CSQLite"]),
    .target(name: "PolicyLSP", dependencies: ["PolicyRules", "PolicyYAML", "PolicyExpr"]),
    .target(name: "PolicyStream", dependencies: ["PolicyRules", "PolicyExpr", "PolicyYAML", "CMosquitto", "CSQLite"]),
    .executableTarget(name: "proviso", dependencies: ["PolicyRules", "PolicyServer", "PolicyExpr", "PolicyForest", "PolicyLSP", "PolicyStream"]),
    .executableTarget(
      name: "proviso-bench", dependencies: ["PolicyRules", "PolicyExpr", "PolicyForest", "PolicyStream"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])]),

    .testTarget(name: "PolicySourceTests", dependencies: ["PolicySource"]),
    .testTarget(name: "PolicyYAMLTests", dependencies: ["PolicyYAML"], exclude: ["Fixtures"]),
    .testTarget(name: "PolicyJSONTests", dependencies: ["PolicyJSON"]),
    .testTarget(name: "PolicyExprTests", dependencies: ["PolicyExpr"]),
    .testTarget(name: "ConformanceTests", dependencies: ["PolicyExpr"], exclude: ["skip-list.txt"]),
    .testTarget(name: "PolicyForestTests", dependencies: ["PolicyForest"], exclude: ["Fixtures"]),
    .testTarget(name: "PolicyRulesTests", dependencies: ["PolicyRules"], exclude: ["Golden"]),
    .testTarget(name: "PolicyServerTests", dependencies: ["PolicyServer"]),
    .testTarget(name: "PolicyLSPTests", dependencies: ["PolicyLSP"], exclude: ["EndToEnd"]),
    .testTarget(name: "PolicyStreamTests", dependencies: ["PolicyStream", "PolicyRules"]),
  ],
  swiftLanguageModes: [.v6]
)
