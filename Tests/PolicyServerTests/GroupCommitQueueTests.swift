import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import PolicyServer

/// The batches a test consumer committed.
private final class BatchLog: Sendable {
  let batches = Mutex<[[Int]]>([])
}

final class GroupCommitQueueTests: XCTestCase {
  /// A consumer that records its batches and fails the items listed in `failing`.
  private func startConsumer(_ queue: GroupCommitQueue<Int>, failing: Set<Int> = [], failBatchesWith error: DecisionLogError? = nil,
                             batches: BatchLog) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      while let batch = queue.takeBatch(timeoutSeconds: 0.05) {
        guard !batch.items.isEmpty else { continue }
        usleep(2_000)   // a commit takes a while, so producers pile up behind it
        batches.batches.withLock { $0.append(batch.items) }
        var itemErrors: [Int: DecisionLogError] = [:]
        for (offset, item) in batch.items.enumerated() where failing.contains(item) {
          itemErrors[offset] = .writeFailed(reason: "item \(item)")
        }
        queue.finish(batch, error: error, itemErrors: itemErrors)
      }
      done.signal()
    }
    return done
  }

  func testConcurrentProducersShareBatchesAndEachLearnsItsOwnOutcome() {
    let queue = GroupCommitQueue<Int>()
    let batches = BatchLog()
    let done = startConsumer(queue, failing: [7, 13], batches: batches)
    let outcomes = Mutex<[Int: String]>([:])
    let group = DispatchGroup()
    for item in 0..<16 {   // 16 producer threads at once; each commit takes 2 ms, so they pile up
      group.enter()
      Thread.detachNewThread {
        let outcome: String
        do { try queue.submit(item); outcome = "ok" } catch { outcome = "\(error)" }
        outcomes.withLock { $0[item] = outcome }
        group.leave()
      }
    }
    XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
    queue.close()
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    let results = outcomes.withLock { $0 }
    for item in 0..<16 {
      XCTAssertEqual(results[item], [7, 13].contains(item) ? "decision log write failed: item \(item)" : "ok", "item \(item)")
    }
    let all = batches.batches.withLock { $0 }
    XCTAssertEqual(all.flatMap { $0 }.sorted(), Array(0..<16))
    XCTAssertLessThan(all.count, 16, "producers arriving during a commit share the next batch")
    XCTAssertEqual(queue.depth, 0)
    XCTAssertThrowsError(try queue.submit(99)) { XCTAssertEqual("\($0)", "decision log is closed") }
  }

  func testAFailedBatchFailsBlockedAndCompletionProducersAlike() throws {
    let queue = GroupCommitQueue<Int>()
    let batches = BatchLog()
    let done = startConsumer(queue, failBatchesWith: .writeFailed(reason: "disk I/O error"), batches: batches)
    let completed = DispatchSemaphore(value: 0)
    let completionOutcome = Mutex<String?>(nil)
    try queue.enqueue(1) { error in
      completionOutcome.withLock { $0 = error.map { "\($0)" } ?? "ok" }
      completed.signal()
    }
    XCTAssertThrowsError(try queue.submit(2)) { XCTAssertEqual("\($0)", "decision log write failed: disk I/O error") }
    XCTAssertEqual(completed.wait(timeout: .now() + 5), .success)
    XCTAssertEqual(completionOutcome.withLock { $0 }, "decision log write failed: disk I/O error")
    queue.close()
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
  }

  func testCloseDrainsWhatIsPendingBeforeTheConsumerStops() throws {
    let queue = GroupCommitQueue<Int>()
    let finished = Atomic<Int>(0)
    for item in 0..<5 { try queue.enqueue(item) { _ in finished.add(1, ordering: .relaxed) } }
    queue.close()
    let batches = BatchLog()
    let done = startConsumer(queue, batches: batches)
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    XCTAssertEqual(batches.batches.withLock { $0 }, [[0, 1, 2, 3, 4]])
    XCTAssertEqual(finished.load(ordering: .relaxed), 5)
  }
}
