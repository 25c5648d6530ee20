import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why a ``FolderWatcher`` could not start.
public enum FolderWatcherError: Error, Hashable, Sendable, CustomStringConvertible {
  /// inotify refused to watch the folder; `reason` is the system's message.
  case cannotWatch(path: String, reason: String)

  /// A lowercase message quoting the folder.
  public var description: String {
    switch self {
    case .cannotWatch(let path, let reason): "cannot watch folder '\(path)': \(reason)"
    }
  }
}

/// Watches one folder with inotify and reports which files changed, debounced.
///
/// A file counts as changed when it is closed after writing (`IN_CLOSE_WRITE`), renamed into or out
/// of the folder (`IN_MOVED_TO`, `IN_MOVED_FROM`: how editors and deploy tools replace files
/// atomically) or deleted. Creation alone does not count: the file may still be half-written. Hidden
/// names (a leading `.`, as editors' swap and temporary files have) are ignored. After the first
/// change, the watcher waits until the folder has been quiet for ``debounceMilliseconds`` (or
/// ``maxDelayMilliseconds`` have passed) and then calls `onChange` once, on its own thread, with the
/// sorted, distinct names.
public final class FolderWatcher: Sendable {
  /// The watched folder.
  public let path: String
  /// How long the folder must be quiet before changes are reported, in milliseconds.
  public let debounceMilliseconds: Int
  /// The longest a change waits to be reported while events keep coming, in milliseconds.
  public let maxDelayMilliseconds: Int
  private let inotify: Int32
  private let wake: Int32   // the read end of a pipe that ``stop()`` writes to
  private let wakeWriter: Int32
  private let stopped = Atomic<Bool>(false)
  private let exited = DispatchSemaphore(value: 0)

  /// Starts watching `path`; `onChange` runs on the watcher's thread.
  ///
  /// - Throws: ``FolderWatcherError/cannotWatch(path:reason:)`` when the folder is missing or inotify is exhausted.
  public init(path: String, debounceMilliseconds: Int = 50, maxDelayMilliseconds: Int = 250,
              onChange: @escaping @Sendable ([String]) -> Void) throws(FolderWatcherError) {
    self.path = path
    self.debounceMilliseconds = debounceMilliseconds
    self.maxDelayMilliseconds = maxDelayMilliseconds
    inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard inotify >= 0 else { throw .cannotWatch(path: path, reason: String(cString: strerror(errno))) }
    let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR)
    guard inotify_add_watch(inotify, path, mask) >= 0 else {
      let reason = String(cString: strerror(errno))
      close(inotify)
      throw .cannotWatch(path: path, reason: reason)
    }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else {
      let reason = String(cString: strerror(errno))
      close(inotify)
      throw .cannotWatch(path: path, reason: reason)
    }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    wake = ends[0]
    wakeWriter = ends[1]
    let (inotify, wake, exited) = (self.inotify, self.wake, self.exited)
    let timing = (debounceMilliseconds, maxDelayMilliseconds)
    Thread.detachNewThread {
      Self.run(inotify: inotify, wake: wake, debounce: timing.0, maxDelay: timing.1, onChange: onChange)
      exited.signal()
    }
  }

  deinit { stop() }

  /// Stops watching; returns after the watcher's thread has ended (pending changes are dropped).
  public func stop() {
    guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
    var one: UInt8 = 1
    _ = write(wakeWriter, &one, 1)
    exited.wait()
    close(inotify)
    close(wake)
    close(wakeWriter)
  }

  private static func run(inotify: Int32, wake: Int32, debounce: Int, maxDelay: Int, onChange: @Sendable ([String]) -> Void) {
    var changed = Set<String>()
    var firstChange = 0.0
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
      var timeout: Int32 = -1
      if !changed.isEmpty {
        let left = Double(maxDelay) / 1000 - (monotonicSeconds() - firstChange)
        timeout = Int32(max(0, min(Double(debounce) / 1000, left)) * 1000)
      }
      let ready = poll(&descriptors, 2, timeout)
      if ready < 0 && errno == EINTR { continue }
      if descriptors[1].revents != 0 { return }
      if ready == 0 || (!changed.isEmpty && monotonicSeconds() - firstChange >= Double(maxDelay) / 1000) {
        if !changed.isEmpty { onChange(changed.sorted()) }
        changed.removeAll()
        if ready == 0 { continue }
      }
      let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
      guard count > 0 else { continue }
      let before = changed.isEmpty
      buffer.withUnsafeBytes { bytes in
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
          let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
          let nameBytes = bytes[(offset + header)..<min(offset + header + length, count)].prefix { $0 != 0 }
          let name = String(decoding: nameBytes, as: UTF8.self)
          if !name.isEmpty, !name.hasPrefix(".") { changed.insert(name) }
          offset += header + length
        }
      }
      if before && !changed.isEmpty { firstChange = monotonicSeconds() }
    }
  }
}
