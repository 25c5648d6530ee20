#if canImport(Glibc)
  import Glibc
  private let systemRead = Glibc.read
#elseif canImport(Darwin)
  import Darwin
  private let systemRead = Darwin.read
#endif

/// The directories files may be read from: a policy's folder tree plus any the operator allowed
/// (`--allow-path DIR`). Every directory is kept resolved (`realpath`), so a check compares real paths.
public struct FileConfinement: Sendable, Hashable {
  /// The resolved directories; a file must lie inside one of them (symlinks resolved).
  public let roots: [String]

  /// Confines reads to `folder` and `allowed`; a directory that does not exist is kept as written
  /// below its nearest existing ancestor (nothing can be read from it, and a miss there is "no such file").
  public init(folder: String, allowing allowed: [String] = []) {
    roots = ([folder] + allowed).map { ConfinedFile.realPath($0) ?? ConfinedFile.nearestRealPath($0) }
  }

  /// Whether the resolved path `real` lies inside one of the roots.
  public func contains(_ real: String) -> Bool {
    roots.contains { root in root == "/" || real == root || real.hasPrefix(root + "/") }
  }
}

/// Why ``ConfinedFile/read(_:confinement:maxBytes:)`` refused a file. Messages name the path and the
/// rule, never bytes of the file.
public enum ConfinedFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file resolves (after symlinks) outside the folder and every allowed directory.
  case outsideFolder(path: String)
  /// The path is a FIFO, a device, a socket or a directory.
  case notRegular(path: String, kind: String)
  /// The file is larger than `limit` (its size is read from the open descriptor, before any byte).
  case tooLarge(path: String, size: Int, limit: Int)
  /// The file is missing or the system refused to open or read it; `reason` is the system's message.
  case unreadable(path: String, reason: String)

  /// A lowercase phrase quoting the path.
  public var description: String {
    switch self {
    case .outsideFolder(let path): "'\(path)' is outside the policy folder (allow its directory with --allow-path)"
    case .notRegular(let path, let kind): "'\(path)' is not a regular file (it is a \(kind))"
    case .tooLarge(let path, let size, let limit): "'\(path)' is \(size) bytes, over the limit of \(limit)"
    case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
    }
  }
}

/// A file read under a ``FileConfinement``: the one way Proviso reads policy files and the files
/// they reference (models, GeoJSON regions).
///
/// The rules, in order: the path resolves (`realpath`, so `../` and symlinks are followed) inside an
/// allowed directory; it is opened with `O_NONBLOCK` (a FIFO never blocks the open or the read); the
/// open descriptor is checked with `fstat`, never the path: a regular file, at most `maxBytes`
/// long, both known before any byte is read; on Linux the descriptor's real path
/// (`/proc/self/fd/N`) is checked again, so a path swapped between the check and the open is caught.
public struct ConfinedFile: Sendable, Hashable {
  /// The path as given (relative to the base directory, for messages).
  public let path: String
  /// The resolved path that was read.
  public let resolvedPath: String
  /// The file's bytes.
  public let bytes: [UInt8]
  /// Identity and change stamp of the file read: device, inode, size, modification and change times.
  public let fingerprint: [Int64]

  /// Reads `path` (relative to `base` unless absolute) under `confinement`; `nil` confinement reads
  /// any path, with the same regular-file and size rules.
  public static func read(_ path: String, base: String? = nil, confinement: FileConfinement?, maxBytes: Int) -> Result<ConfinedFile, ConfinedFileError> {
    let full = path.hasPrefix("/") || base == nil ? path : (base!.hasSuffix("/") ? base! + path : base! + "/" + path)
    guard let real = realPath(full) else {
      let reason = errno == ENOENT ? "no such file" : systemMessage()
      // A missing file outside the folder is refused as outside: the answer does not reveal what exists there.
      if let confinement, !confinement.contains(nearestRealPath(full)) { return .failure(.outsideFolder(path: path)) }
      return .failure(.unreadable(path: path, reason: reason))
    }
    if let confinement, !confinement.contains(real) { return .failure(.outsideFolder(path: path)) }
    let fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
    guard fd >= 0 else { return .failure(.unreadable(path: path, reason: systemMessage())) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return .failure(.unreadable(path: path, reason: systemMessage())) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegular(path: path, kind: kind(info.st_mode))) }
    if let confinement, let opened = descriptorPath(fd), !confinement.contains(opened) { return .failure(.outsideFolder(path: path)) }
    let size = Int(info.st_size)
    guard size <= maxBytes else { return .failure(.tooLarge(path: path, size: size, limit: maxBytes)) }
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + done, size - done) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return .failure(.unreadable(path: path, reason: systemMessage())) }
      if n == 0 { break }
      done += n
    }
    // A file that shrank while being read is read as far as it goes; one that grew is cut at its size.
    if done < size { bytes.removeLast(size - done) }
    return .success(ConfinedFile(path: path, resolvedPath: real, bytes: bytes, fingerprint: fingerprint(info)))
  }

  /// The stamp of the file now at `path`, without opening it; `nil` when it cannot be examined.
  public static func currentFingerprint(_ resolvedPath: String) -> [Int64]? {
    var info = stat()
    guard stat(resolvedPath, &info) == 0 else { return nil }
    return fingerprint(info)
  }

  /// `path` with every symlink, `.` and `..` resolved, or `nil` (with `errno` set) when it does not exist.
  public static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The real path of the nearest existing ancestor of `path`, with the rest appended as written.
  static func nearestRealPath(_ path: String) -> String {
    var head = path, tail: [Substring] = []
    while !head.isEmpty {
      if let real = realPath(head) {
        if tail.contains("..") { return path }
        return ([real] + tail.reversed().map(String.init)).joined(separator: "/")
      }
      guard let slash = head.lastIndex(of: "/") else { break }
      tail.append(head[head.index(after: slash)...])
      head = String(head[..<slash])
    }
    return path
  }

  static func fingerprint(_ info: stat) -> [Int64] {
    #if canImport(Darwin)
      let (m, c) = (info.st_mtimespec, info.st_ctimespec)
    #else
      let (m, c) = (info.st_mtim, info.st_ctim)
    #endif
    return [Int64(info.st_dev), Int64(info.st_ino), Int64(info.st_size), Int64(m.tv_sec), Int64(m.tv_nsec), Int64(c.tv_sec), Int64(c.tv_nsec)]
  }

  /// The real path of an open descriptor (Linux `/proc/self/fd`), or `nil` where that is not available.
  static func descriptorPath(_ fd: Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: "FIFO"
    case S_IFDIR: "directory"
    case S_IFCHR: "character device"
    case S_IFBLK: "block device"
    case S_IFSOCK: "socket"
    default: "special file"
    }
  }

  static func systemMessage() -> String { String(cString: strerror(errno)).lowercased() }
}
