import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import PolicyServer

final class FolderWatcherTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws { directory = try temporaryDirectory("watch") }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

  private func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
  }

  func testReportsAnAtomicReplaceAndInPlaceWritesOnceDebounced() throws {
    let reports = Mutex<[[String]]>([])
    let reported = DispatchSemaphore(value: 0)
    let watcher = try FolderWatcher(path: directory, debounceMilliseconds: 80) { names in
      reports.withLock { $0.append(names) }
      reported.signal()
    }
    defer { watcher.stop() }
    // An editor's save: write a hidden temp file, rename it into place; plus two quick in-place writes.
    let started = monotonicSeconds()
    try write(".limits.yaml.tmp", "policy: limits\n")
    XCTAssertEqual(rename(directory + "/.limits.yaml.tmp", directory + "/limits.yaml"), 0)
    try write("leasing.yaml", "policy: leasing\n")
    try write("leasing.yaml", "policy: leasing # v2\n")
    XCTAssertEqual(reported.wait(timeout: .now() + 2), .success)
    XCTAssertLessThan(monotonicSeconds() - started, 0.3, "reported within the reload budget")
    XCTAssertEqual(reported.wait(timeout: .now() + 0.3), .timedOut, "one report for the burst")
    XCTAssertEqual(reports.withLock { $0 }, [["leasing.yaml", "limits.yaml"]])
    XCTAssertEqual(unlink(directory + "/leasing.yaml"), 0)
    XCTAssertEqual(reported.wait(timeout: .now() + 2), .success)
    XCTAssertEqual(reports.withLock { $0.last }, ["leasing.yaml"])
  }

  func testMissingFolderIsAClearErrorAndStopIsIdempotent() throws {
    XCTAssertThrowsError(try FolderWatcher(path: directory + "/nope") { _ in }) { error in
      XCTAssertEqual("\(error)", "cannot watch folder '\(directory)/nope': No such file or directory")
    }
    let watcher = try FolderWatcher(path: directory) { _ in }
    watcher.stop()
    watcher.stop()
  }
}
