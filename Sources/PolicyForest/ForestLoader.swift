#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads tree-ensemble model files, detecting the format from the content.
///
/// Formats (see `docs/models.md`): Proviso's JSON (`proviso-forest`, exported from scikit-learn by
/// `tools/export_sklearn.py`), its compact binary form (`.forest`), XGBoost's JSON model
/// (`Booster.save_model("m.json")`) and LightGBM's text model (`Booster.save_model("m.txt")`).
public enum ForestLoader {
  /// The largest model file accepted, in bytes (256 MiB); larger files are rejected before reading.
  public static let defaultMaxBytes = 256 << 20
  /// The most features an XGBoost or LightGBM model may declare (their count sizes allocations
  /// before any tree is checked).
  public static let maxFeatures = 1 << 20

  /// Loads the model at `path`.
  ///
  /// For a Proviso JSON file `m.json`, a compact file `m.forest` beside it is used instead when
  /// its content hash equals the one the JSON declares (only the JSON's first 4 KiB are read).
  /// - Throws: ``ForestError`` naming `path`: unreadable, too large, unknown format, corrupt or
  ///   truncated (with the byte offset), unsupported feature, inconsistent arrays, hash mismatch.
  public static func load(path: String, maxBytes: Int = defaultMaxBytes) throws(ForestError) -> Forest {
    if path.hasSuffix(".json") {
      let compactPath = String(path.dropLast(5)) + ".forest"
      if access(compactPath, R_OK) == 0, let declared = try? declaredHash(path),
        let forest = try? load(path: compactPath, maxBytes: maxBytes), forest.contentHash == declared
      {
        return forest
      }
    }
    let bytes = try readFile(path, maxBytes: maxBytes)
    do {
      return try load(bytes: bytes, path: path)
    } catch {
      throw error.at(path)
    }
  }

  /// Loads a model from bytes in memory; `path` is used for messages and ``ForestSource/path``.
  public static func load(bytes: [UInt8], path: String = "<memory>") throws(ForestError) -> Forest {
    var buffer = bytes
    buffer.append(0)  // the NUL sentinel the JSON number parser relies on
    let count = bytes.count
    do {
      return try buffer.withUnsafeBufferPointer { (b) throws(ForestError) -> Forest in
        let base = b.baseAddress!
        if count >= 8, memcmp(base, compactMagic, 8) == 0 {
          return try loadCompact(UnsafeRawBufferPointer(start: base, count: count), path: path)
        }
        if count >= 5, memcmp(base, "tree\n", 5) == 0 || (count >= 6 && memcmp(base, "tree\r\n", 6) == 0) {
          return try loadLightGBM(UnsafeBufferPointer(start: base, count: count), path: path)
        }
        var reader = JSONReader(base: base, count: count)
        guard reader.peek() == UInt8(ascii: "{") else { throw ForestError.unknownFormat(path) }
        var probe = reader
        try probe.beginObject()
        var first = true
        let key = try probe.nextKey(&first)
        if key == "learner" || key == "version" {
          return try loadXGBoost(&reader, raw: UnsafeRawBufferPointer(start: base, count: count), path: path)
        }
        return try loadProvisoJSON(&reader, path: path)
      }
    } catch {
      throw error.at(path)
    }
  }

  static func readFile(_ path: String, maxBytes: Int, prefix: Int? = nil) throws(ForestError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path, "not a regular file") }
    let size = Int(info.st_size)
    if prefix == nil, size > maxBytes { throw .tooLarge(path, size: size, limit: maxBytes) }
    let wanted = min(size, prefix ?? size)
    var bytes = [UInt8](repeating: 0, count: wanted)
    var done = 0
    while done < wanted {
      let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, wanted - done) }
      if n < 0 { throw .unreadable(path, String(cString: strerror(errno))) }
      if n == 0 { break }
      done += n
    }
    if done < wanted { bytes.removeLast(wanted - done) }
    return bytes
  }

  /// The `content_hash` a Proviso JSON file declares near its start, or `nil`.
  static func declaredHash(_ path: String) throws(ForestError) -> String? {
    declaredHash(in: try readFile(path, maxBytes: defaultMaxBytes, prefix: 4096))
  }

  /// The `content_hash` declared in the first 4 KiB of a Proviso JSON model's bytes, or `nil`.
  public static func declaredHash(in bytes: [UInt8]) -> String? {
    let head = Array(bytes.prefix(4096))
    let key = Array("\"content_hash\":\"".utf8)
    guard head.count > key.count else { return nil }
    for i in 0...(head.count - key.count) where head[i] == key[0] && Array(head[i..<i + key.count]) == key {
      let start = i + key.count
      guard let end = head[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
      return String(decoding: head[start..<end], as: UTF8.self)
    }
    return nil
  }
}

let compactMagic: [UInt8] = Array("PVFOREST".utf8)
