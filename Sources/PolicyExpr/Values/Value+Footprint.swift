extension Value {
  /// The bytes a freshly built value adds to an evaluation's memory budget: the storage of its
  /// own top level (a string's UTF-8 bytes, a list's or map's element slots). Elements are
  /// counted where they were built, so nested values are not counted twice; scalars are free.
  @inline(__always)
  public var builtBytes: Int {
    switch self {
    case .string(let s): s.utf8.count
    case .bytes(let b): b.count
    case .list(let xs): xs.count &* MemoryLayout<Value>.stride
    case .map(let m): m.count &* (2 &* MemoryLayout<Value>.stride)
    default: 0
    }
  }
}
