import PolicyJSON

/// The model loaders' JSON reader: PolicyJSON's ``JSONPullReader`` with Python's `NaN` and
/// `Infinity` tokens allowed (exporters write them), its ``JSONError``s turned into
/// `model_corrupt` ``ForestError``s that keep the line and column.
struct ModelJSONReader {
  var json: JSONPullReader

  /// A reader over `bytes` from `position`.
  init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
    json = JSONPullReader(bytes, position: position, allowsNonFiniteNumbers: true)
  }

  var position: Int {
    get { json.position }
    set { json.position = newValue }
  }

  @inline(__always) private mutating func reading<T>(_ body: (inout JSONPullReader) throws(JSONError) -> T) throws(ForestError) -> T {
    do { return try body(&json) } catch { throw ForestError(json: error) }
  }

  mutating func peek() -> UInt8 { json.peek() }
  mutating func beginObject() throws(ForestError) { try reading { (r) throws(JSONError) in try r.beginObject() } }
  mutating func nextKey(_ first: inout Bool) throws(ForestError) -> String? {
    try reading { (r) throws(JSONError) in try r.nextKey(&first) }
  }
  mutating func beginArray() throws(ForestError) { try reading { (r) throws(JSONError) in try r.beginArray() } }
  mutating func nextElement(_ first: inout Bool) throws(ForestError) -> Bool {
    try reading { (r) throws(JSONError) in try r.nextElement(&first) }
  }
  mutating func readString() throws(ForestError) -> String { try reading { (r) throws(JSONError) in try r.readString() } }
  mutating func readDouble() throws(ForestError) -> Double { try reading { (r) throws(JSONError) in try r.readDouble() } }
  mutating func readInt32() throws(ForestError) -> Int32 { try reading { (r) throws(JSONError) in try r.readInt32() } }
  mutating func readBool() throws(ForestError) -> Bool { try reading { (r) throws(JSONError) in try r.readBool() } }
  mutating func readDoubleArray() throws(ForestError) -> [Double] {
    try reading { (r) throws(JSONError) in try r.readDoubleArray() }
  }
  mutating func readInt32Array() throws(ForestError) -> [Int32] {
    try reading { (r) throws(JSONError) in try r.readInt32Array() }
  }
  mutating func readStringArray() throws(ForestError) -> [String] {
    try reading { (r) throws(JSONError) in try r.readStringArray() }
  }
  mutating func skipValue() throws(ForestError) { try reading { (r) throws(JSONError) in try r.skipValue() } }
  mutating func expectEnd() throws(ForestError) { try reading { (r) throws(JSONError) in try r.expectEnd() } }
}

extension ForestError {
  /// `model_corrupt`: `truncated JSON: 3:14: expected ',' or ']', found end of input`, or
  /// `invalid JSON: …` for any other JSON error.
  init(json error: JSONError) {
    let kind = error.found == "end of input" ? "truncated" : "invalid"
    self = .corrupt("\(kind) JSON: \(error)")
  }
}
