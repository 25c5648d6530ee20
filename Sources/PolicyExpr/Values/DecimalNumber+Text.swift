extension DecimalNumber: CustomStringConvertible {
  /// Parses decimal text: an optional sign, digits, an optional `.` followed by digits, and an
  /// optional exponent (`e` or `E`, optional sign, digits): `-12.50`, `1e3`, `+0.1`, `1.5E-7`.
  ///
  /// The scale is kept as written (`12.50` has scale 2) and an exponent shifts it (`1.5E-7` is
  /// `0.00000015`, `1e3` is `1000`). Trailing zeros are dropped only when they would not fit.
  /// Returns `nil` for anything else (spaces, `.5`, `5.`, hex, `NaN`, `inf`) and when the value
  /// needs more than 38 significant digits or 38 fractional digits: nothing is rounded. (This is
  /// the grammar of input and `decimal("…")` text; number literals of expressions follow
  /// ``init(literal:)``, which also takes `.5` and never sheds trailing zeros.)
  public init?(parsing text: some StringProtocol) {
    let utf8 = text.utf8
    if let parsed = utf8.withContiguousStorageIfAvailable({ DecimalNumber(utf8: $0) }) {
      guard let parsed else { return nil }
      self = parsed
      return
    }
    guard let parsed = Array(utf8).withUnsafeBufferPointer({ DecimalNumber(utf8: $0) }) else { return nil }
    self = parsed
  }

  /// Parses decimal text from UTF-8 bytes, with the rules of ``init(parsing:)``.
  public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    let n = bytes.count
    var i = 0
    var negative = false
    if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var m: UInt128 = 0        // significant digits read so far, without pending zeros
    var pendingZeros = 0      // zeros after the last nonzero digit, not yet in m
    var fractionDigits = 0
    var intDigits = 0

    @inline(__always) func take(_ digit: UInt8) -> Bool {
      if digit == 0 {
        if m != 0 { pendingZeros += 1 }
        return true
      }
      guard pendingZeros < DecimalNumber.maxDigits,
        let shifted = DecimalNumber.scaleUp(m, by: pendingZeros + 1)
      else { return false }
      let next = shifted + UInt128(digit)
      guard next <= DecimalNumber.maxCoefficient else { return false }
      m = next
      pendingZeros = 0
      return true
    }

    while i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
      guard take(bytes[i] &- UInt8(ascii: "0")) else { return nil }
      intDigits += 1
      i += 1
    }
    guard intDigits > 0 else { return nil }
    if i < n, bytes[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
        guard take(bytes[i] &- UInt8(ascii: "0")) else { return nil }
        fractionDigits += 1
        i += 1
      }
      guard fractionDigits > 0 else { return nil }
    }
    var exponent = 0
    if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      var negativeExponent = false
      if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        negativeExponent = bytes[i] == UInt8(ascii: "-")
        i += 1
      }
      var expDigits = 0
      while i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
        if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[i] &- UInt8(ascii: "0")) }
        expDigits += 1
        i += 1
      }
      guard expDigits > 0 else { return nil }
      if negativeExponent { exponent = -exponent }
    }
    guard i == n else { return nil }

    let written = fractionDigits - exponent  // the scale as written
    if m == 0 {
      self.init(unchecked: 0, scale: Swift.min(Swift.max(written, 0), DecimalNumber.maxScale))
      return
    }
    // value = m × 10^pendingZeros × 10^-written. Keep the written scale when it fits; shed
    // pending zeros (exactly) or add zeros (for a negative scale) as needed.
    let preferredScale = Swift.min(Swift.max(written, 0), DecimalNumber.maxScale)
    let preferredZeros = pendingZeros - written + preferredScale
    let minimumZeros = Swift.max(pendingZeros - written, 0)
    let room = DecimalNumber.maxDigits - DecimalNumber.digitCount(m)
    let zeros = Swift.min(preferredZeros, room)
    guard zeros >= minimumZeros, let c = DecimalNumber.scaleUp(m, by: zeros) else { return nil }
    self.init(magnitude: c, negative: negative, scale: preferredScale - (preferredZeros - zeros))
  }

  /// The value of a double, taken exactly from its shortest round-trip text (`0.1` for 0.1,
  /// `100000000000000000000` for 1e20), with trailing fractional zeros dropped (`2.0` is `2`).
  /// Returns `nil` for NaN, infinities and values that need more than 38 digits or 38
  /// fractional digits.
  public init?(exactly double: Double) {
    guard double.isFinite else { return nil }
    if double == 0 { self = .zero; return }
    guard let parsed = DecimalNumber(parsing: double.description) else { return nil }
    self = parsed.normalized
  }

  /// Plain notation that keeps the scale and never uses an exponent: `225000.00`, `-0.5`,
  /// `0.000001`, `42`.
  public var description: String {
    let m = coefficient.magnitude
    let s = scale
    let (upper, lower) = m.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
    // At most 38 digits, at most 38 leading fractional zeros, a point and a sign.
    return String(unsafeUninitializedCapacity: 80) { buffer in
      var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
      return withUnsafeMutableBytes(of: &digits) { raw -> Int in
        // Render the digits right-aligned into a 64-byte scratch area.
        var end = 64
        var lo = UInt64(truncatingIfNeeded: lower)
        var hi = UInt64(truncatingIfNeeded: upper)
        var count = 0
        repeat {
          end -= 1
          raw[end] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: lo % 10)
          lo /= 10
          count += 1
        } while lo != 0 || (hi != 0 && count < 19)
        while hi != 0 {
          end -= 1
          raw[end] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: hi % 10)
          hi /= 10
          count += 1
        }
        var out = 0
        if high < 0 { buffer[out] = UInt8(ascii: "-"); out += 1 }
        if count <= s {
          buffer[out] = UInt8(ascii: "0"); out += 1
          buffer[out] = UInt8(ascii: "."); out += 1
          for _ in 0..<(s - count) { buffer[out] = UInt8(ascii: "0"); out += 1 }
          for k in end..<64 { buffer[out] = raw[k]; out += 1 }
        } else {
          let point = 64 - s
          for k in end..<point { buffer[out] = raw[k]; out += 1 }
          if s > 0 {
            buffer[out] = UInt8(ascii: "."); out += 1
            for k in point..<64 { buffer[out] = raw[k]; out += 1 }
          }
        }
        return out
      }
    }
  }
}
