import PolicySource
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The compact binary form of a scikit-learn model (docs/models.md, "Compact form"), little-endian:
//   "PVFOREST", u32 version (1), u32 header length, header JSON, zero padding to a multiple of 8,
//   u32 trees, u32 split nodes, u32 value rows, i32 roots[trees], zero padding to a multiple of 8,
//   nodes[split nodes] (16 bytes: f32 threshold rounded down, u32 feature | missing-left << 31,
//   i32 left, i32 right; a child < 0 is ~row of the value table), f64 values[rows * n_outputs],
//   SHA-256 of all the bytes before it.

extension ForestLoader {
  static func loadCompact(_ bytes: UnsafeRawBufferPointer, path: String) throws(ForestError) -> Forest {
    let count = bytes.count
    func u32(_ offset: Int) throws(ForestError) -> Int {
      guard offset + 4 <= count else { throw .corrupt("truncated compact model", offset: count) }
      return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    guard count >= 8 + 8 + 32 else { throw .corrupt("truncated compact model", offset: count) }
    let version = try u32(8)
    guard version == 1 else {
      throw .init(
        code: "model_unknown_version",
        message: "compact format version \(version) is not supported (this build reads version 1)")
    }
    let digestStart = count - 32
    let computed = SHA256.hex(UnsafeRawBufferPointer(rebasing: bytes[0..<digestStart]))
    let storedHex = hexString(UnsafeRawBufferPointer(rebasing: bytes[digestStart..<count]))
    guard computed == storedHex else {
      throw .corrupt("compact model checksum does not match (truncated or modified file)")
    }
    let headerLength = try u32(12)
    guard 16 + headerLength <= digestStart else { throw .corrupt("truncated compact model header", offset: 16) }
    var header = ProvisoHeader()
    var reader = ModelJSONReader(UnsafeRawBufferPointer(rebasing: bytes[16..<16 + headerLength]).bindMemory(to: UInt8.self))
    try reader.beginObject()
    var first = true
    while let key = try reader.nextKey(&first) {
      if try !header.read(key, &reader) { try reader.skipValue() }
    }
    let kind = try header.validated()
    var offset = (16 + headerLength + 7) & ~7
    let trees = try u32(offset), nodeCount = try u32(offset + 4), rows = try u32(offset + 8)
    offset += 12
    let width = header.outputCount
    let rootsStart = offset
    offset = (offset + 4 * trees + 7) & ~7
    let nodesStart = offset
    let valuesStart = nodesStart + 16 * nodeCount
    let end = valuesStart + 8 * rows * width
    guard trees > 0, end == digestStart else {
      throw .inconsistent("compact model sizes do not add up (\(trees) trees, \(nodeCount) nodes, \(rows) rows)")
    }
    var roots = [Int32](repeating: 0, count: trees)
    var nodes = [CompactNode](repeating: CompactNode(threshold: 0, featureAndFlags: 0, left: 0, right: 0), count: nodeCount)
    var values = [Double](repeating: 0, count: rows * width)
    roots.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[rootsStart..<rootsStart + 4 * trees])) }
    nodes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[nodesStart..<valuesStart])) }
    values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[valuesStart..<end])) }
    // Every reference must stay in range and move forward, so walks are safe and terminate.
    let features = UInt32(header.featureNames.count)
    func valid(_ ref: Int32, after parent: Int) -> Bool {
      ref >= 0 ? Int(ref) > parent && Int(ref) < nodeCount : Int(~ref) < rows
    }
    for (t, root) in roots.enumerated() where !valid(root, after: -1) {
      throw .inconsistent("compact model tree \(t) has an invalid root \(root)")
    }
    for i in 0..<nodeCount {
      let n = nodes[i]
      guard n.featureAndFlags & 0x7FFF_FFFF < features, valid(n.left, after: i), valid(n.right, after: i) else {
        throw .inconsistent("compact model node \(i) has an invalid feature or child")
      }
    }
    let storage = ForestStorage(
      nodes: nodes, wideNodes: [], roots: roots, treeGroups: [Int32](repeating: 0, count: trees), values: values,
      valueWidth: width, groupCount: 1, isWide: false)
    return Forest(
      featureNames: header.featureNames, classes: kind == .classifier ? header.classes : [], kind: kind,
      contentHash: header.contentHash,
      source: ForestSource(
        format: "proviso-forest-compact/1", library: header.library, libraryVersion: header.libraryVersion,
        estimator: header.estimator, path: path),
      storage: storage, combiner: .average)
  }

  static func hexString(_ bytes: UnsafeRawBufferPointer) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for b in bytes { text.append(digits[Int(b >> 4)]); text.append(digits[Int(b & 15)]) }
    return String(decoding: text, as: UTF8.self)
  }
}

extension Forest {
  /// The compact binary form of a scikit-learn model (docs/models.md), or `nil` for XGBoost and
  /// LightGBM models, which have no compact form.
  ///
  /// Write it beside `m.json` as `m.forest` and ``ForestLoader/load(path:maxBytes:)`` uses it
  /// when the hashes agree.
  public func compactBytes() -> [UInt8]? {
    guard case .average = combiner, !storage.isWide else { return nil }
    var out = compactMagic
    func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out += $0 } }
    func quoted(_ s: String) -> String {
      var r = "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": r += "\\\""
        case "\\": r += "\\\\"
        case "\n": r += "\\n"
        default:
          if scalar.value < 0x20 || scalar.value > 0x7E {
            for unit in String(scalar).utf16 {
              let hex = String(unit, radix: 16)
              r += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
          } else {
            r.unicodeScalars.append(scalar)
          }
        }
      }
      return r + "\""
    }
    let header =
      "{\"format\":\"proviso-forest\",\"format_version\":1,\"content_hash\":\(quoted(contentHash)),"
      + "\"kind\":\"\(kind.rawValue)\",\"library\":\(quoted(source.library)),"
      + "\"library_version\":\(quoted(source.libraryVersion)),\"estimator\":\(quoted(source.estimator)),"
      + "\"feature_names\":[\(featureNames.map(quoted).joined(separator: ","))],"
      + "\"classes\":[\(classes.map(quoted).joined(separator: ","))],\"n_outputs\":\(storage.valueWidth)}"
    let headerBytes = Array(header.utf8)
    u32(1)
    u32(headerBytes.count)
    out += headerBytes
    while out.count % 8 != 0 { out.append(0) }
    u32(storage.roots.count)
    u32(storage.nodes.count)
    u32(storage.values.count / storage.valueWidth)
    out += UnsafeRawBufferPointer(storage.roots)
    while out.count % 8 != 0 { out.append(0) }
    out += UnsafeRawBufferPointer(storage.nodes)
    out += UnsafeRawBufferPointer(storage.values)
    var sha = SHA256()
    sha.update(out)
    out += sha.finalize()
    return out
  }
}
