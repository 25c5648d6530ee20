internal import CRE2
import Synchronization

/// A compiled RE2 regular expression: compiled once, matched in time linear in the input, and
/// safe to match from many threads at once.
///
/// CEL's `matches` is a partial match: the pattern matches if it matches any substring; anchor
/// with `^` and `$` for a whole-string match. Syntax is RE2's
/// (<https://github.com/google/re2/wiki/Syntax>): no backreferences or lookaround.
public final class RegexPattern: Sendable {
  /// The pattern's source text.
  public let pattern: String
  private let handle: Handle

  /// The C handle; RE2 objects are immutable after compilation and thread-safe for matching.
  private struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

  /// Compiles `pattern`.
  ///
  /// - Throws: ``EvalError`` of kind `invalid_argument` naming the pattern and RE2's reason.
  public init(_ pattern: String) throws(EvalError) {
    var text = pattern
    var message: UnsafeMutablePointer<CChar>?
    let compiled = text.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { cre2_compile($0.baseAddress, $0.count, &message) }
    }
    guard let compiled else {
      let reason = message.map { String(cString: $0) } ?? "unknown error"
      if let message { cre2_free_error(message) }
      throw .invalidRegex(pattern, reason)
    }
    self.pattern = pattern
    self.handle = Handle(pointer: compiled)
  }

  deinit { cre2_free(handle.pointer) }

  /// Whether the pattern matches some substring of `s` (RE2 partial match).
  public func matches(_ s: String) -> Bool {
    var text = s
    return text.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { cre2_partial_match(handle.pointer, $0.baseAddress, $0.count) != 0 }
    }
  }

  /// Whether the pattern matches all of `s` (RE2 full match).
  public func matchesWhole(_ s: String) -> Bool {
    var text = s
    return text.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { cre2_full_match(handle.pointer, $0.baseAddress, $0.count) != 0 }
    }
  }

  /// Compiles a pattern known at plan time (a constant argument of `matches`), so that an
  /// invalid pattern is reported once, before any evaluation, and never recompiled.
  public static func compiled(_ pattern: String) throws(EvalError) -> RegexPattern {
    try RegexPattern(pattern)
  }

  /// The compiled form of a pattern computed at evaluation time, from a small shared cache.
  ///
  /// The cache holds at most ``cacheCapacity`` patterns; when full it is emptied, so a stream
  /// of distinct patterns costs one compilation each and bounded memory.
  public static func cached(_ pattern: String) throws(EvalError) -> RegexPattern {
    if let hit = cache.withLock({ $0[pattern] }) { return hit }
    let compiled = try RegexPattern(pattern)
    cache.withLock { entries in
      if entries.count >= cacheCapacity { entries.removeAll(keepingCapacity: true) }
      entries[pattern] = compiled
    }
    return compiled
  }

  /// The most patterns ``cached(_:)`` keeps.
  public static let cacheCapacity = 128

  private static let cache = Mutex<[String: RegexPattern]>([:])
}

extension EvalError {
  /// An invalid regular expression: `invalid regular expression '(a': missing ): (a`.
  static func invalidRegex(_ pattern: String, _ reason: String) -> EvalError {
    EvalError(.invalidArgument, "invalid regular expression '\(pattern)': \(reason)")
  }
}
