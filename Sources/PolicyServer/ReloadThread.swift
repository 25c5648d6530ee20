import Foundation
import Synchronization

/// The one thread that reloads policies: every load and every test run of the service happens here,
/// never on an HTTP worker, so a slow reload cannot hold a thread that decisions need.
///
/// Requests are queued; each pass serves every request queued before it started (requests that
/// arrive during a pass share the next one), and each request's completion gets that pass's results.
final class ReloadThread: Sendable {
  private struct Queue {
    var waiting: [@Sendable ([ReloadResult]) -> Void] = []
    var stopped = false
  }

  private let queue = Mutex(Queue())
  private let wake = DispatchSemaphore(value: 0)

  /// Creates the queue; ``start(pass:)`` starts the thread.
  init() {}

  /// Starts the thread; `pass` runs one reload and returns its results, or `nil` once its owner is gone.
  func start(pass: @escaping @Sendable () -> [ReloadResult]?) {
    let thread = Thread { [self] in
      while true {
        wake.wait()
        let (waiting, stopped) = take()
        if stopped {
          for done in waiting { done([]) }
          return
        }
        guard !waiting.isEmpty else { continue }
        let results = pass() ?? []
        for done in waiting { done(results) }
      }
    }
    thread.name = "proviso.reload"
    thread.stackSize = Self.stackBytes
    thread.start()
  }

  /// The stack of the reload thread and of its load jobs (compiling and testing recurse over expressions).
  static let stackBytes = 16 << 20

  /// Queues a reload; `done` runs on the reload thread with the results of a pass that started after this call.
  func submit(_ done: @escaping @Sendable ([ReloadResult]) -> Void) {
    let accepted = queue.withLock { q -> Bool in
      guard !q.stopped else { return false }
      q.waiting.append(done)
      return true
    }
    if accepted { wake.signal() } else { done([]) }
  }

  /// Ends the thread after the pass in progress; later requests get empty results. Does not wait.
  func stop() {
    queue.withLock { $0.stopped = true }
    wake.signal()
  }

  private func take() -> ([@Sendable ([ReloadResult]) -> Void], Bool) {
    queue.withLock { q in
      let waiting = q.waiting
      q.waiting.removeAll()
      return (waiting, q.stopped)
    }
  }
}

/// Runs one piece of reload work on its own thread with a time limit. When the limit passes, the
/// caller moves on (the work is abandoned: its result is dropped) and the work is asked to stop at
/// its next check of the flag it was given.
final class ReloadJob<Result: Sendable>: Sendable {
  private enum State { case running, finished(Result), abandoned }
  private let state = Mutex<State>(.running)
  private let cancelled = Atomic<Bool>(false)
  private let finished = DispatchSemaphore(value: 0)

  private init() {}

  /// Runs `work` and waits at most `seconds`; `nil` when it was abandoned. `onAbandonedExit` runs
  /// when abandoned work finally ends.
  static func run(limit seconds: Double, onAbandonedExit: @escaping @Sendable () -> Void,
                  _ work: @escaping @Sendable (_ shouldStop: @escaping @Sendable () -> Bool) -> Result) -> Result? {
    let job = ReloadJob()
    let thread = Thread {
      let value = work { job.cancelled.load(ordering: .relaxed) }
      let abandoned = job.state.withLock { s -> Bool in
        if case .abandoned = s { return true }
        s = .finished(value)
        return false
      }
      if abandoned { onAbandonedExit() } else { job.finished.signal() }
    }
    thread.name = "proviso.reload-job"
    thread.stackSize = ReloadThread.stackBytes
    thread.start()
    _ = job.finished.wait(timeout: .now() + seconds)
    return job.state.withLock { s -> Result? in
      if case .finished(let value) = s { return value }
      s = .abandoned
      job.cancelled.store(true, ordering: .relaxed)
      return nil
    }
  }
}
