import Foundation
import PolicyExpr
import Synchronization
import XCTest

@testable import PolicyRules

/// The policy folder: files a policy references stay inside it, policy files are regular and
/// size-checked before reading, ids are unique across files, an empty folder is an error; and
/// `proviso check` / `proviso test` / `proviso serve` apply the same model.
final class PolicyFolderTests: XCTestCase {
  private var base = ""
  private var folder = ""

  override func setUpWithError() throws {
    base = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-folder-\(UUID().uuidString)").path
    folder = base + "/policies"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

  func write(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  static let square = #"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}"#

  /// A policy with one GeoJSON region at `path`.
  static func regionPolicy(_ path: String, id: String = "geo") -> String {
    """
    policy: \(id)
    inputs:
      p: {lat: double, lon: double}
    regions:
      zone: {geojson: \(path)}
    outputs:
      inside: geo.inside("zone", p.lat, p.lon)
    """
  }

  /// A policy with one model at `path`.
  static func modelPolicy(_ path: String) -> String {
    """
    policy: scored
    inputs:
      m: {x: double}
    models:
      risk: \(path)
    outputs:
      p: 1
    """
  }

  /// The codes and messages of loading `text` as `policies/p.yaml`, run with a time limit (a FIFO must not hang it).
  func loaded(_ text: String, allowing: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    try write(folder + "/p.yaml", text)
    return try withTimeLimit(file: file, line: line) { [folder] in
      PolicyFolder(folder, allowing: allowing, relativeNames: true).load(folder + "/p.yaml").diagnostics.map { "\($0.code): \($0.message)" }
    }
  }

  /// Thrown (after the failure is recorded) when work did not finish in time.
  struct Blocked: Error {}

  /// Runs `work` on another thread and fails (instead of hanging) when it takes over 10 s.
  func withTimeLimit<T: Sendable>(file: StaticString = #filePath, line: UInt = #line, _ work: @escaping @Sendable () -> T) throws -> T {
    let box = Box<T>()
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      box.value.withLock { $0 = work() }
      done.signal()
    }
    guard done.wait(timeout: .now() + 10) == .success else {
      XCTFail("blocked for more than 10 s", file: file, line: line)
      throw Blocked()
    }
    return try XCTUnwrap(box.value.withLock { $0 }, file: file, line: line)
  }

  // MARK: - Referenced files

  func testEtcShadowAsARegionIsRefusedWithoutReadingIt() throws {
    XCTAssertEqual(try loaded(Self.regionPolicy("/etc/shadow")), [
      "policy_file_outside_folder: '/etc/shadow' is outside the policy folder (allow its directory with --allow-path)",
    ], "no JSON error quoting the file's first byte")
  }

  func testDotDotAbsoluteAndSymlinkOutOfTheFolderAreRefused() throws {
    try write(base + "/zone.geojson", Self.square)
    XCTAssertEqual(try loaded(Self.regionPolicy("../zone.geojson")), [
      "policy_file_outside_folder: '../zone.geojson' is outside the policy folder (allow its directory with --allow-path)",
    ])
    XCTAssertEqual(try loaded(Self.regionPolicy(base + "/zone.geojson")), [
      "policy_file_outside_folder: '\(base)/zone.geojson' is outside the policy folder (allow its directory with --allow-path)",
    ])
    try FileManager.default.createSymbolicLink(atPath: folder + "/zone.geojson", withDestinationPath: base + "/zone.geojson")
    XCTAssertEqual(try loaded(Self.regionPolicy("zone.geojson")), [
      "policy_file_outside_folder: 'zone.geojson' is outside the policy folder (allow its directory with --allow-path)",
    ])
    XCTAssertEqual(try loaded(Self.modelPolicy("../model.json")), [
      "policy_file_outside_folder: '../model.json' is outside the policy folder (allow its directory with --allow-path)",
    ])
    // The operator may allow the directory.
    XCTAssertEqual(try loaded(Self.regionPolicy("../zone.geojson"), allowing: [base]), [])
    XCTAssertEqual(try loaded(Self.regionPolicy("zone.geojson"), allowing: [base]), [])
  }

  func testAFIFOAsModelOrRegionIsRefusedAtOnce() throws {
    XCTAssertEqual(mkfifo(folder + "/model.json", 0o600), 0)
    XCTAssertEqual(mkfifo(folder + "/zone.geojson", 0o600), 0)
    XCTAssertEqual(try loaded(Self.modelPolicy("model.json")), ["policy_file_not_regular: 'model.json' is not a regular file (it is a FIFO)"])
    XCTAssertEqual(try loaded(Self.regionPolicy("zone.geojson")), ["policy_file_not_regular: 'zone.geojson' is not a regular file (it is a FIFO)"])
  }

  func testAnOversizedReferencedFileIsRefusedBeforeReading() throws {
    let path = folder + "/zone.geojson"
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
    XCTAssertEqual(truncate(path, off_t(PolicyFileAccess.maxReferencedFileBytes + 1)), 0)
    XCTAssertEqual(try loaded(Self.regionPolicy("zone.geojson")),
                   ["policy_file_too_large: 'zone.geojson' is \(PolicyFileAccess.maxReferencedFileBytes + 1) bytes, over the limit of \(PolicyFileAccess.maxReferencedFileBytes)"])
  }

  // MARK: - Policy files

  func testAFIFOPolicyFileIsRefusedAtOnce() throws {
    try write(folder + "/good.yaml", "policy: good\noutputs:\n  x: 1\n")
    XCTAssertEqual(mkfifo(folder + "/pipe.yaml", 0o600), 0)
    let loads = try withTimeLimit { [folder] in try! PolicyFolder(folder, relativeNames: true).loadAll().get() }
    XCTAssertEqual(loads.map(\.name), ["good.yaml", "pipe.yaml"])
    XCTAssertNotNil(loads[0].policy)
    XCTAssertEqual(loads[1].diagnostics.map(\.message), ["'pipe.yaml' is not a regular file (it is a FIFO)"])
    XCTAssertEqual(loads[1].diagnostics.map(\.code), [.policyFileNotRegular])
  }

  func testASymlinkedPolicyFileOutOfTheFolderIsRefused() throws {
    try write(base + "/outside.yaml", "policy: outside\noutputs:\n  x: 1\n")
    try FileManager.default.createSymbolicLink(atPath: folder + "/in.yaml", withDestinationPath: base + "/outside.yaml")
    let loads = try PolicyFolder(folder, relativeNames: true).loadAll().get()
    XCTAssertEqual(loads.flatMap { $0.diagnostics.map(\.code) }, [.policyFileOutsideFolder])
  }

  func testAnOversizedPolicyFileIsRefusedBeforeReading() throws {
    let path = folder + "/huge.yaml"
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
    XCTAssertEqual(truncate(path, 1 << 30), 0, "a sparse 1 GiB policy file")
    let before = ConfinedFileTestsMemory.residentBytes()
    let load = PolicyFolder(folder, relativeNames: true).load(path)
    let grown = ConfinedFileTestsMemory.residentBytes() - before
    XCTAssertEqual(DiagnosticRenderer().render(load.diagnostics), """
      huge.yaml:1:1: error[policy_file_too_large]: 'huge.yaml' is 1073741824 bytes, over the limit of 4194304
         | 
         | ^
      """)
    XCTAssertLessThan(grown, 64 << 20, "the file was not read: resident memory grew by \(grown) bytes")
  }

  // MARK: - The folder

  func testTwoFilesWithOnePolicyIDAreBothErrors() throws {
    try write(folder + "/a.yaml", "policy: limits\noutputs:\n  x: 1\n")
    try write(folder + "/b.yaml", "# a copy\npolicy:   limits # same id\noutputs:\n  x: 2\n")
    let loads = try PolicyFolder(folder).loadAll().get()
    XCTAssertEqual(loads.map { $0.policy == nil }, [true, true])
    XCTAssertEqual(DiagnosticRenderer().render(loads.flatMap(\.diagnostics)), """
      \(folder)/a.yaml:1:9: error[policy_duplicate_id]: policy id 'limits' is also defined by '\(folder)/b.yaml'
         | policy: limits
         |         ^~~~~~
         = hint: each policy id is defined by one file of the folder
      \(folder)/b.yaml:2:11: error[policy_duplicate_id]: policy id 'limits' is also defined by '\(folder)/a.yaml'
         | policy:   limits # same id
         |           ^~~~~~
         = hint: each policy id is defined by one file of the folder
      """)
  }

  func testAnEmptyOrMissingFolderIsAnError() throws {
    try write(folder + "/notes.txt", "not a policy")
    XCTAssertEqual(PolicyFolder(folder).files(), .failure(.empty(folder)))
    XCTAssertEqual(PolicyFolder(folder).files().failureValue?.description,
                   "policy folder '\(folder)' has no policy files (*.yaml, *.yml)")
    XCTAssertEqual(PolicyFolder(base + "/none").files(), .failure(.missing(base + "/none")))
    XCTAssertEqual(PolicyFolder.ListingError.missing(base + "/none").description, "policy folder '\(base)/none' does not exist")
  }

  func testTheSelfTestGateRefusesAFailingVersionAndAStoppedRun() throws {
    try write(folder + "/p.yaml", """
      policy: p
      inputs:
        a: {n: int}
      checks:
        - id: small
          require: a.n < 10
          reason: too big
      tests:
        - name: five is approved
          input: {a: {n: 5}}
          expect: {decision: approved}
        - name: fifty is approved
          input: {a: {n: 50}}
          expect: {decision: approved}
      """)
    let tested = PolicyFolder(folder, relativeNames: true).load(folder + "/p.yaml", test: true)
    XCTAssertNil(tested.policy)
    XCTAssertEqual(tested.id, "p")
    XCTAssertEqual(tested.diagnostics.map(\.code), [.policyTestFailed])
    XCTAssertTrue(tested.diagnostics[0].message.hasPrefix("test 'fifty is approved' failed: p.yaml:14:24: decision: expected approved, got declined"), tested.diagnostics[0].message)
    XCTAssertEqual(tested.diagnostics[0].location?.line, 12)
    let stopped = PolicyFolder(folder, relativeNames: true).load(folder + "/p.yaml", test: true, shouldStop: { true })
    XCTAssertNil(stopped.policy, "a run stopped before every test ran does not pass")
    XCTAssertEqual(stopped.diagnostics.map(\.message), ["the tests were stopped after 0 of 2"])
  }

  // MARK: - The CLI

  static let binary = PolicyFixtures.repositoryRoot.appendingPathComponent(".build/debug/proviso").path

  /// Runs `proviso arguments...` with a time limit; returns the exit status and standard error.
  func proviso(_ arguments: String...) throws -> (status: Int32, stderr: String) {
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("the proviso binary is not built") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = arguments
    let err = base + "/stderr-\(UUID().uuidString)"
    XCTAssertTrue(FileManager.default.createFile(atPath: err, contents: nil))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(20)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
      process.terminate()
      XCTFail("proviso \(arguments.joined(separator: " ")) ran for more than 20 s")
    }
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
  }

  func testCheckOfAnEmptyFolderFails() throws {
    let outcome = try proviso("check", folder)
    XCTAssertEqual(outcome.status, 65)
    XCTAssertTrue(outcome.stderr.contains("error[policy_folder_empty]: policy folder '\(folder)' has no policy files"), outcome.stderr)
  }

  func testCheckRefusesTwoFilesWithOneID() throws {
    try write(folder + "/a.yaml", "policy: limits\noutputs:\n  x: 1\n")
    try write(folder + "/b.yaml", "policy: limits\noutputs:\n  x: 2\n")
    let outcome = try proviso("check", folder)
    XCTAssertEqual(outcome.status, 65)
    XCTAssertTrue(outcome.stderr.contains("\(folder)/a.yaml:1:9: error[policy_duplicate_id]: policy id 'limits' is also defined by '\(folder)/b.yaml'"), outcome.stderr)
    XCTAssertTrue(outcome.stderr.contains("\(folder)/b.yaml:1:9: error[policy_duplicate_id]: policy id 'limits' is also defined by '\(folder)/a.yaml'"), outcome.stderr)
  }

  func testCheckOfAFIFOModelFinishesWithAnError() throws {
    XCTAssertEqual(mkfifo(folder + "/model.json", 0o600), 0)
    try write(folder + "/p.yaml", Self.modelPolicy("model.json"))
    let outcome = try proviso("check", folder + "/p.yaml")
    XCTAssertEqual(outcome.status, 65)
    XCTAssertTrue(outcome.stderr.contains("error[policy_file_not_regular]: 'model.json' is not a regular file (it is a FIFO)"), outcome.stderr)
  }

  func testAllowPathLetsCheckAndTestReadAnotherDirectory() throws {
    try write(base + "/zone.geojson", Self.square)
    try write(folder + "/geo.yaml", Self.regionPolicy("../zone.geojson"))
    XCTAssertEqual(try proviso("check", folder).status, 65)
    XCTAssertEqual(try proviso("check", "--allow-path", base, folder).status, 0)
    XCTAssertEqual(try proviso("test", "--allow-path", base, folder).status, 0)
    XCTAssertEqual(try proviso("test", folder).status, 65)
  }

  func testServeOfAMissingFolderSaysSo() throws {
    let outcome = try proviso("serve", "--port", "0", base + "/none")
    XCTAssertEqual(outcome.status, 74)
    XCTAssertEqual(outcome.stderr, "proviso serve: policy folder '\(base)/none' does not exist\n")
  }
}

/// A value handed from another thread.
final class Box<T: Sendable>: Sendable {
  let value = Mutex<T?>(nil)
}

/// The process's resident memory, for tests that a file was not read.
enum ConfinedFileTestsMemory {
  /// The resident set from `/proc/self/statm` (pages × page size).
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
  }
}

extension Result {
  var failureValue: Failure? { if case .failure(let f) = self { f } else { nil } }
}
