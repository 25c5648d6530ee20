import Dispatch
import Synchronization
import XCTest
@testable import PolicyServer

final class DecisionIDTests: XCTestCase {
  func testLayoutAndKnownEncoding() {
    XCTAssertEqual(DecisionIDGenerator.encode(time: 0, high: 0, low: 0), "00000000000000000000000000")
    XCTAssertEqual(DecisionIDGenerator.encode(time: 0xFFFF_FFFF_FFFF, high: 0xFFFF, low: .max), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
    // The ULID spec example: time 1469922850259 encodes as 01ARZ3NDEK.
    XCTAssertEqual(DecisionIDGenerator.encode(time: 1_469_922_850_259, high: 0, low: 1), "01ARZ3NDEK0000000000000001")
    XCTAssertEqual(DecisionIDGenerator.encode(time: 0, high: 1, low: 0).suffix(16), "000G000000000000")
  }

  func testIdsAreUniqueAndOrderedWithinAndAcrossMilliseconds() {
    let generator = DecisionIDGenerator()
    var ids = (0..<1_000).map { _ in generator.next(millis: 1_700_000_000_000) }
    ids += (0..<10).map { _ in generator.next(millis: 1_699_999_999_000) }   // the clock stepped back
    ids += (0..<10).map { _ in generator.next(millis: 1_700_000_000_001) }
    XCTAssertEqual(Set(ids).count, ids.count)
    XCTAssertEqual(ids, ids.sorted())
    XCTAssertTrue(ids.allSatisfy { $0.utf8.count == 26 })
  }

  func testConcurrentGenerationGivesNoDuplicates() {
    let generator = DecisionIDGenerator()
    let all = Mutex<Set<String>>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let ids = (0..<5_000).map { _ in generator.next() }
      all.withLock { $0.formUnion(ids) }
    }
    XCTAssertEqual(all.withLock { $0.count }, 40_000)
  }
}
