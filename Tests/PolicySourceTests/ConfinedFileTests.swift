import Foundation
import PolicySource
import XCTest

/// The file rules every policy, model and GeoJSON read goes through: inside the folder (after
/// symlinks), a regular file opened without blocking, its size checked before reading.
final class ConfinedFileTests: XCTestCase {
  private var folder = ""
  private var outside = ""

  override func setUpWithError() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("proviso-confined-\(UUID().uuidString)").path
    folder = base + "/policies"
    outside = base + "/elsewhere"
    try FileManager.default.createDirectory(atPath: folder + "/regions", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try Data("inside".utf8).write(to: URL(fileURLWithPath: folder + "/regions/a.json"))
    try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.json"))
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }

  func read(_ path: String, allowing: [String] = [], maxBytes: Int = 1 << 20) -> Result<ConfinedFile, ConfinedFileError> {
    ConfinedFile.read(path, base: folder, confinement: FileConfinement(folder: folder, allowing: allowing), maxBytes: maxBytes)
  }

  func testAFileInsideTheFolderIsRead() throws {
    let file = try read("regions/a.json").get()
    XCTAssertEqual(file.bytes, Array("inside".utf8))
    XCTAssertEqual(file.resolvedPath, ConfinedFile.realPath(folder + "/regions/a.json"))
    XCTAssertEqual(try read("./regions/../regions/a.json").get().bytes, Array("inside".utf8), "'..' that stays inside is fine")
  }

  func testEtcShadowIsOutsideAndNothingOfItIsRead() {
    // Whether or not the process may read it, the answer is the rule, never a byte of the file.
    XCTAssertEqual(read("/etc/shadow"), .failure(.outsideFolder(path: "/etc/shadow")))
    XCTAssertEqual(ConfinedFileError.outsideFolder(path: "/etc/shadow").description,
                   "'/etc/shadow' is outside the policy folder (allow its directory with --allow-path)")
  }

  func testDotDotAndAbsolutePathsOutOfTheFolderAreRefused() {
    XCTAssertEqual(read("../elsewhere/secret.json"), .failure(.outsideFolder(path: "../elsewhere/secret.json")))
    XCTAssertEqual(read(outside + "/secret.json"), .failure(.outsideFolder(path: outside + "/secret.json")))
    XCTAssertEqual(read("../elsewhere/missing.json"), .failure(.outsideFolder(path: "../elsewhere/missing.json")),
                   "a missing file outside is refused as outside: the answer does not tell what exists there")
    XCTAssertEqual(read("regions/missing.json"), .failure(.unreadable(path: "regions/missing.json", reason: "no such file")))
  }

  func testASymlinkOutOfTheFolderIsRefused() throws {
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.json", withDestinationPath: outside + "/secret.json")
    try FileManager.default.createSymbolicLink(atPath: folder + "/out", withDestinationPath: outside)
    XCTAssertEqual(read("link.json"), .failure(.outsideFolder(path: "link.json")))
    XCTAssertEqual(read("out/secret.json"), .failure(.outsideFolder(path: "out/secret.json")))
    // A symlink that stays inside the folder is followed.
    try FileManager.default.createSymbolicLink(atPath: folder + "/alias.json", withDestinationPath: folder + "/regions/a.json")
    XCTAssertEqual(try read("alias.json").get().bytes, Array("inside".utf8))
  }

  func testAnAllowedDirectoryMayBeRead() throws {
    XCTAssertEqual(try read("../elsewhere/secret.json", allowing: [outside]).get().bytes, Array("secret".utf8))
    XCTAssertEqual(try read(outside + "/secret.json", allowing: [outside + "/"]).get().bytes, Array("secret".utf8))
    XCTAssertEqual(read("/etc/shadow", allowing: [outside]), .failure(.outsideFolder(path: "/etc/shadow")))
  }

  func testAFIFOIsRefusedWithoutBlocking() throws {
    XCTAssertEqual(mkfifo(folder + "/model.json", 0o600), 0)
    let finished = expectation(description: "the read returns")
    let folder = self.folder
    Thread.detachNewThread {
      let result = ConfinedFile.read("model.json", base: folder, confinement: FileConfinement(folder: folder), maxBytes: 1 << 20)
      XCTAssertEqual(result, .failure(.notRegular(path: "model.json", kind: "FIFO")))
      finished.fulfill()
    }
    wait(for: [finished], timeout: 5)
  }

  func testADirectoryIsNotARegularFile() {
    XCTAssertEqual(read("regions"), .failure(.notRegular(path: "regions", kind: "directory")))
  }

  func testAHugeSparseFileIsRefusedBeforeReading() throws {
    let path = folder + "/huge.yaml"
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
    XCTAssertEqual(truncate(path, 1 << 30), 0, "a sparse 1 GiB file")
    let before = Self.residentBytes()
    let result = read("huge.yaml", maxBytes: 4 << 20)
    let grown = Self.residentBytes() - before
    XCTAssertEqual(result, .failure(.tooLarge(path: "huge.yaml", size: 1 << 30, limit: 4 << 20)))
    XCTAssertLessThan(grown, 64 << 20, "the file was not read: resident memory grew by \(grown) bytes")
  }

  func testTheFingerprintChangesWhenTheFileIsRewritten() throws {
    let first = try read("regions/a.json").get()
    XCTAssertEqual(ConfinedFile.currentFingerprint(first.resolvedPath), first.fingerprint)
    usleep(10_000)
    try Data("changed!".utf8).write(to: URL(fileURLWithPath: folder + "/regions/a.json"))
    XCTAssertNotEqual(ConfinedFile.currentFingerprint(first.resolvedPath), first.fingerprint)
  }

  /// The process's resident set, from `/proc/self/statm` (pages × page size).
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
  }
}
