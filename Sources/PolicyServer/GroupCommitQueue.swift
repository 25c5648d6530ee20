#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A queue where producers learn when the consumer has committed the batch holding their item.
///
/// Producers either block in ``submit(_:)`` or pass a completion to ``enqueue(_:completion:)``,
/// which the consumer's thread calls after the commit. The single consumer calls ``takeBatch(timeoutSeconds:)``, writes
/// everything it got in one transaction, then calls ``finish(_:error:)``, which wakes the producers
/// of that batch with its outcome. Items are numbered in submission order, so "committed" is one
/// number: every item numbered up to it is done. Built on a pthread mutex and two condition
/// variables (the standard library's `Mutex` has no condition variable).
final class GroupCommitQueue<Item>: @unchecked Sendable {
  /// Called on the consumer's thread once an item's batch is finished: `nil` on success.
  typealias Completion = @Sendable (DecisionLogError?) -> Void

  /// A batch handed to the consumer: its items, their completions (`nil` for blocked producers)
  /// and the number of the last one.
  struct Batch {
    var items: [Item]
    var completions: [Completion?]
    var last: UInt64
  }

  private struct Failure {
    var first: UInt64
    var last: UInt64
    var error: DecisionLogError
    var unreported: Int
  }

  // All fields below are guarded by `mutex` (heap-allocated: pthread objects must not move).
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let itemsAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let batchFinished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var pending: [Item] = []
  private var pendingCompletions: [Completion?] = []
  private var submitted: UInt64 = 0
  private var committed: UInt64 = 0
  private var failures: [Failure] = []
  private var closed = false

  init() {
    pthread_mutex_init(mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    #if canImport(Glibc)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    #endif
    pthread_cond_init(itemsAvailable, &attributes)
    pthread_cond_init(batchFinished, nil)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(itemsAvailable)
    pthread_cond_destroy(batchFinished)
    pthread_mutex_destroy(mutex)
    itemsAvailable.deallocate()
    batchFinished.deallocate()
    mutex.deallocate()
  }

  /// Items submitted and not yet finished (waiting or being written).
  var depth: Int {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return Int(submitted - committed)
  }

  /// Enqueues `item` and blocks until the batch holding it is finished.
  ///
  /// - Throws: the batch's error, or ``DecisionLogError/closed`` after ``close()``.
  func submit(_ item: Item) throws(DecisionLogError) {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    guard !closed else { throw .closed }
    pending.append(item)
    pendingCompletions.append(nil)
    submitted += 1
    let number = submitted
    pthread_cond_signal(itemsAvailable)
    while committed < number { pthread_cond_wait(batchFinished, mutex) }
    if let index = failures.firstIndex(where: { $0.first <= number && number <= $0.last }) {
      let error = failures[index].error
      failures[index].unreported -= 1
      if failures[index].unreported == 0 { failures.remove(at: index) }
      throw error
    }
  }

  /// Enqueues `item` without waiting; `completion` runs on the consumer's thread after its batch.
  ///
  /// - Throws: ``DecisionLogError/closed`` after ``close()`` (and `completion` is not called).
  func enqueue(_ item: Item, completion: @escaping Completion) throws(DecisionLogError) {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    guard !closed else { throw .closed }
    pending.append(item)
    pendingCompletions.append(completion)
    submitted += 1
    pthread_cond_signal(itemsAvailable)
  }

  /// Waits up to `timeoutSeconds` for items and takes all of them; returns an empty batch on timeout,
  /// and `nil` once the queue is closed and drained.
  func takeBatch(timeoutSeconds: Double) -> Batch? {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    if pending.isEmpty && !closed {
      var deadline = timespec()
      clock_gettime(CLOCK_MONOTONIC, &deadline)
      let nanos = Int(deadline.tv_nsec) + Int(timeoutSeconds.truncatingRemainder(dividingBy: 1) * 1e9)
      deadline.tv_sec += Int(timeoutSeconds) + nanos / 1_000_000_000
      deadline.tv_nsec = nanos % 1_000_000_000
      while pending.isEmpty && !closed {
        if pthread_cond_timedwait(itemsAvailable, mutex, &deadline) == ETIMEDOUT { break }
      }
    }
    if pending.isEmpty { return closed ? nil : Batch(items: [], completions: [], last: committed) }
    var items: [Item] = []
    items.reserveCapacity(pending.count)
    swap(&items, &pending)
    var completions: [Completion?] = []
    completions.reserveCapacity(items.count)
    swap(&completions, &pendingCompletions)
    return Batch(items: items, completions: completions, last: committed + UInt64(items.count))
  }

  /// Marks `batch` finished, wakes its blocked producers and then calls its completions: all items
  /// fail with `error` when it is set, otherwise those at the offsets in `itemErrors` fail with theirs.
  func finish(_ batch: Batch, error: DecisionLogError?, itemErrors: [Int: DecisionLogError] = [:]) {
    pthread_mutex_lock(mutex)
    let first = batch.last - UInt64(batch.items.count) + 1
    let blocked = batch.completions.count(where: { $0 == nil })
    if let error, blocked > 0 {
      failures.append(Failure(first: first, last: batch.last, error: error, unreported: blocked))
    } else if error == nil {
      for (offset, itemError) in itemErrors where batch.completions[offset] == nil {
        let number = first + UInt64(offset)
        failures.append(Failure(first: number, last: number, error: itemError, unreported: 1))
      }
    }
    committed = batch.last
    pthread_cond_broadcast(batchFinished)
    pthread_mutex_unlock(mutex)
    for (offset, completion) in batch.completions.enumerated() {
      completion?(error ?? itemErrors[offset])
    }
  }

  /// Refuses new items; the consumer drains what is pending, then ``takeBatch(timeoutSeconds:)`` returns `nil`.
  func close() {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    closed = true
    pthread_cond_signal(itemsAvailable)
  }
}
