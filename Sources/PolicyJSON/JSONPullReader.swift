/// A pull reader over one JSON document: the caller asks for the next key, element, string or
/// number, so large arrays go straight into typed arrays (`[Double]`, `[Int32]`) with no tree.
///
/// Model files hold millions of numbers; PolicyForest's loaders read them with this. It is the
/// ``JSONScanner`` underneath, so strings are UTF-8 checked, numbers follow RFC 8259 and every
/// error is a ``JSONError`` located by line and column (Unicode scalars). The one extension, off
/// by default, is ``allowsNonFiniteNumbers``: Python's `NaN`, `Infinity` and `-Infinity` tokens
/// (what `json.dump` writes for non-finite floats), accepted where a number is read or skipped.
public struct JSONPullReader {
  /// The scanner over the document.
  public var scanner: JSONScanner
  /// Whether `NaN`, `Infinity` and `-Infinity` are read as numbers (Python's JSON).
  public var allowsNonFiniteNumbers: Bool
  /// The deepest nesting ``skipValue()`` follows; deeper input is an error, not a stack overflow.
  public var maxNesting: Int

  /// A reader over `bytes` from `position` (the buffer must outlive the reader).
  public init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0, allowsNonFiniteNumbers: Bool = false,
              maxNesting: Int = 256) {
    scanner = JSONScanner(bytes)
    scanner.position = position
    self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
    self.maxNesting = maxNesting
  }

  /// The offset of the next byte to read (a caller may move it, say past its own separators).
  public var position: Int {
    get { scanner.position }
    set { scanner.position = newValue }
  }

  /// The next non-space byte without consuming it (0 at the end).
  public mutating func peek() -> UInt8 {
    scanner.skipWhitespace()
    return scanner.peek ?? 0
  }

  private mutating func expect(_ b: UInt8, _ what: String) throws(JSONError) {
    scanner.skipWhitespace()
    guard scanner.peek == b else { throw scanner.error(.syntax, expected: what) }
    scanner.position += 1
  }

  /// Consumes `{`; follow with ``nextKey(_:)`` until it returns `nil`.
  public mutating func beginObject() throws(JSONError) { try expect(UInt8(ascii: "{"), "'{'") }

  /// The next key of the current object (consuming the `:`), or `nil` after the closing `}`.
  /// `first` starts `true` for each object.
  public mutating func nextKey(_ first: inout Bool) throws(JSONError) -> String? {
    scanner.skipWhitespace()
    if first {
      first = false
      if scanner.peek == UInt8(ascii: "}") {
        scanner.position += 1
        return nil
      }
    } else if try !scanner.continueAfterElement(isObject: true) {
      return nil
    }
    let key = try readString()
    try scanner.expectColon()
    return key
  }

  /// Consumes `[`; follow with ``nextElement(_:)`` until it returns `false`.
  public mutating func beginArray() throws(JSONError) { try expect(UInt8(ascii: "["), "'['") }

  /// Whether another element follows (consuming the `,`); consumes the closing `]` when not.
  public mutating func nextElement(_ first: inout Bool) throws(JSONError) -> Bool {
    scanner.skipWhitespace()
    if first {
      first = false
      if scanner.peek == UInt8(ascii: "]") {
        scanner.position += 1
        return false
      }
      return true
    }
    return try scanner.continueAfterElement(isObject: false)
  }

  /// Reads a string.
  public mutating func readString() throws(JSONError) -> String {
    scanner.skipWhitespace()
    guard scanner.peek == UInt8(ascii: "\"") else { throw scanner.error(.syntax, expected: "a string") }
    let token = try scanner.scanString()
    return scanner.string(of: token)
  }

  /// Reads a number as the nearest double (and the Python tokens, when allowed).
  public mutating func readDouble() throws(JSONError) -> Double {
    scanner.skipWhitespace()
    if allowsNonFiniteNumbers, let value = try readNonFinite() { return value }
    guard let b = scanner.peek, b == UInt8(ascii: "-") || JSONScanner.isDigit(b) else {
      throw scanner.error(.syntax, expected: "a number")
    }
    let (range, _) = try scanner.scanNumber()
    return JSONNumberText.double(UnsafeBufferPointer(rebasing: scanner.bytes[range]))
  }

  /// `NaN`, `Infinity` or `-Infinity` at the current position, or `nil` when none is there.
  private mutating func readNonFinite() throws(JSONError) -> Double? {
    switch scanner.peek {
    case UInt8(ascii: "N"):
      try scanner.expectLiteral("NaN")
      return .nan
    case UInt8(ascii: "I"):
      try scanner.expectLiteral("Infinity")
      return .infinity
    case UInt8(ascii: "-") where scanner.position + 1 < scanner.bytes.count && scanner.bytes[scanner.position + 1] == UInt8(ascii: "I"):
      try scanner.expectLiteral("-Infinity")
      return -.infinity
    default:
      return nil
    }
  }

  /// Reads an integer (no fraction or exponent) that fits in `Int32`.
  public mutating func readInt32() throws(JSONError) -> Int32 {
    scanner.skipWhitespace()
    let start = scanner.position
    guard let b = scanner.peek, b == UInt8(ascii: "-") || JSONScanner.isDigit(b) else {
      throw scanner.error(.syntax, expected: "an integer")
    }
    let (range, isInteger) = try scanner.scanNumber()
    let text = UnsafeBufferPointer(rebasing: scanner.bytes[range])
    guard isInteger, let value = JSONNumberText.int64(text).flatMap(Int32.init(exactly:)) else {
      throw scanner.error(.outOfRange, expected: "an integer from \(Int32.min) to \(Int32.max)",
                          found: "'\(String(decoding: text, as: UTF8.self))'", at: start)
    }
    return value
  }

  /// Reads `true` or `false`, or an integer (non-zero is true).
  public mutating func readBool() throws(JSONError) -> Bool {
    switch peek() {
    case UInt8(ascii: "t"): try scanner.expectLiteral("true"); return true
    case UInt8(ascii: "f"): try scanner.expectLiteral("false"); return false
    default: return try readInt32() != 0
    }
  }

  /// Reads an array of numbers.
  public mutating func readDoubleArray() throws(JSONError) -> [Double] {
    var out: [Double] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readDouble()) }
    return out
  }

  /// Reads an array of `Int32` integers.
  public mutating func readInt32Array() throws(JSONError) -> [Int32] {
    var out: [Int32] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readInt32()) }
    return out
  }

  /// Reads an array of strings.
  public mutating func readStringArray() throws(JSONError) -> [String] {
    var out: [String] = []
    try beginArray()
    var first = true
    while try nextElement(&first) { out.append(try readString()) }
    return out
  }

  /// Skips one value of any kind, checking its syntax, at most ``maxNesting`` deep.
  public mutating func skipValue(depth: Int = 0) throws(JSONError) {
    scanner.skipWhitespace()
    guard allowsNonFiniteNumbers else { return try scanner.skipValue(depth: depth, maxNesting: maxNesting) }
    switch scanner.peek {
    case UInt8(ascii: "{"):
      try scanner.checkDepth(depth + 1, maxNesting)
      try beginObject()
      var first = true
      while try nextKey(&first) != nil { try skipValue(depth: depth + 1) }
    case UInt8(ascii: "["):
      try scanner.checkDepth(depth + 1, maxNesting)
      try beginArray()
      var first = true
      while try nextElement(&first) { try skipValue(depth: depth + 1) }
    case UInt8(ascii: "N"), UInt8(ascii: "I"), UInt8(ascii: "-"): _ = try readDouble()
    default: try scanner.skipValue(depth: depth, maxNesting: maxNesting)
    }
  }

  /// Requires that only whitespace remains.
  public mutating func expectEnd() throws(JSONError) { try scanner.expectEnd() }
}
