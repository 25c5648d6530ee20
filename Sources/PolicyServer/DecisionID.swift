import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates decision ids: 26-character, time-ordered, unique strings in the ULID layout.
///
/// The first 10 characters encode the milliseconds since 1970 (48 bits) and the last 16 an 80-bit
/// number, both in Crockford base 32 (`0-9A-Z` without `I L O U`). The 80-bit part is random when
/// the millisecond changes and incremented within one millisecond, so ids from one generator sort in
/// the order they were made even if the clock steps back. Costs one lock and, once a millisecond,
/// one `getrandom`.
public final class DecisionIDGenerator: Sendable {
  private struct State {
    var millis: UInt64 = 0
    var high: UInt64 = 0   // upper 16 bits of the 80-bit part
    var low: UInt64 = 0    // lower 64 bits
  }

  private let state = Mutex(State())

  /// Creates a generator.
  public init() {}

  /// The next id, for the current wall-clock time.
  public func next() -> String { next(millis: Self.nowMillis()) }

  /// The next id for `millis` (milliseconds since 1970); a time before the last one reuses the last one.
  public func next(millis: UInt64) -> String {
    let (time, high, low) = state.withLock { state -> (UInt64, UInt64, UInt64) in
      if millis > state.millis {
        var generator = SystemRandomNumberGenerator()
        state.millis = millis
        state.high = UInt64(generator.next() as UInt16)
        state.low = generator.next()
      } else {
        state.low &+= 1
        if state.low == 0 {
          state.high = (state.high + 1) & 0xFFFF
          if state.high == 0 { state.millis += 1 }   // 2^80 ids in one millisecond: borrow the next one
        }
      }
      return (state.millis, state.high, state.low)
    }
    return Self.encode(time: time, high: high, low: low)
  }

  private static let alphabet: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

  /// Encodes 48 bits of time and 80 bits of counter as 26 base-32 characters (2 leading zero bits).
  static func encode(time: UInt64, high: UInt64, low: UInt64) -> String {
    // 128 bits as (upper, lower): time << 80 | high << 64 | low.
    let upper = (time & 0xFFFF_FFFF_FFFF) << 16 | (high & 0xFFFF)
    let lower = low
    return String(unsafeUninitializedCapacity: 26) { buffer in
      alphabet.withUTF8Buffer { digits in
        for index in 0..<26 {
          let shift = 125 - 5 * index   // bit position of this character's lowest bit
          let value: UInt64
          if shift >= 64 {
            value = upper >> UInt64(shift - 64)
          } else if shift > 59 {
            value = (upper << UInt64(64 - shift)) | (lower >> UInt64(shift))
          } else {
            value = lower >> UInt64(shift)
          }
          buffer[index] = digits[Int(value & 0x1F)]
        }
      }
      return 26
    }
  }

  /// Milliseconds since 1970 from the real-time clock.
  static func nowMillis() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UInt64(now.tv_sec) * 1_000 + UInt64(now.tv_nsec) / 1_000_000
  }
}
