import PolicyJSON

/// Finds the path (keys and indices) to the value at a byte offset by walking the document.
struct PathLocator {
  var scanner: JSONScanner
  let target: Int
  let maxNesting: Int
  var path: [PathComponent] = []

  init(_ scanner: JSONScanner, target: Int, maxNesting: Int) {
    self.scanner = scanner
    self.target = target
    self.maxNesting = maxNesting
  }

  /// The path to the innermost value that starts at or contains ``target``.
  mutating func locate() -> [PathComponent] {
    do { _ = try walk(depth: 0) } catch {}
    return path
  }

  /// Walks one value; returns true (keeping ``path``) once the target is reached.
  private mutating func walk(depth: Int) throws(JSONError) -> Bool {
    scanner.skipWhitespace()
    if scanner.position >= target || depth > maxNesting { return true }
    let isObject = scanner.peek == UInt8(ascii: "{")
    guard isObject || scanner.peek == UInt8(ascii: "[") else {
      try scanner.skipValue(depth: depth, maxNesting: maxNesting)
      return scanner.position > target
    }
    scanner.position += 1
    scanner.skipWhitespace()
    if scanner.peek == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
      scanner.position += 1
      return scanner.position > target
    }
    var index = 0
    repeat {
      scanner.skipWhitespace()
      if isObject {
        if scanner.position >= target { return true }
        guard scanner.peek == UInt8(ascii: "\"") else { return true }
        let token = try scanner.scanString()
        if scanner.position > target { return true }
        path.append(.key(scanner.string(of: token)))
        try scanner.expectColon()
      } else {
        path.append(.index(index))
        index += 1
      }
      if try walk(depth: depth + 1) { return true }
      path.removeLast()
      scanner.skipWhitespace()
      if scanner.position >= target { return true }
    } while try scanner.continueAfterElement(isObject: isObject)
    return scanner.position > target
  }
}
