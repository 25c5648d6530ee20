/// The base protocol of LSP: each JSON-RPC message is preceded by `Content-Length: N\r\n` headers and
/// an empty line (LSP 3.17, "Base Protocol").
///
/// ``MessageReader`` takes bytes in any chunking and yields complete message bodies; it never holds
/// more than one header block (``Bounds/maxHeaderBytes``) and one body (``Bounds/maxMessageBytes``).
/// A body over the limit is skipped byte by byte as it arrives and reported as ``Frame/oversized(_:)``.
public struct MessageReader: Sendable {
  /// What one framed unit of input turned out to be.
  public enum Frame: Sendable, Equatable {
    /// A complete message body (not yet parsed as JSON).
    case message([UInt8])
    /// A header block without a usable `Content-Length` (the reason as a phrase); the block is dropped.
    case badHeader(String)
    /// A body of this many bytes, over the limit; it was skipped.
    case oversized(Int)
  }

  private let bounds: Bounds
  private var buffer: [UInt8] = []
  /// Bytes of an oversized body still to skip.
  private var skipping = 0
  /// The length of the body being read, once its headers are complete.
  private var expected: Int?

  /// Creates a reader with these bounds.
  public init(bounds: Bounds = .default) { self.bounds = bounds }

  /// Adds input bytes and returns every frame they complete, in order.
  public mutating func feed(_ bytes: [UInt8]) -> [Frame] {
    var frames: [Frame] = []
    var input = bytes[...]
    if skipping > 0 {
      let n = min(skipping, input.count)
      skipping -= n
      input = input.dropFirst(n)
    }
    buffer.append(contentsOf: input)
    while let frame = nextFrame() { frames.append(frame) }
    return frames
  }

  private mutating func nextFrame() -> Frame? {
    if let length = expected {
      guard buffer.count >= length else { return nil }
      let body = Array(buffer[..<length])
      buffer.removeFirst(length)
      expected = nil
      return .message(body)
    }
    guard let end = Self.headerEnd(buffer) else {
      if buffer.count > bounds.maxHeaderBytes {
        buffer.removeAll()
        return .badHeader("headers longer than \(bounds.maxHeaderBytes) bytes without an empty line")
      }
      return nil
    }
    let header = Array(buffer[..<end])
    buffer.removeFirst(end + 4)
    switch Self.contentLength(header) {
    case .failure(let reason): return .badHeader(reason.text)
    case .success(let length) where length > bounds.maxMessageBytes:
      let n = min(length, buffer.count)
      buffer.removeFirst(n)
      skipping = length - n
      return .oversized(length)
    case .success(let length):
      expected = length
      return nextFrame()
    }
  }

  /// The offset of the first `\r\n\r\n`.
  static func headerEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for i in 0...(bytes.count - 4)
    where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
    return nil
  }

  struct HeaderProblem: Error { var text: String }

  /// The `Content-Length` of a header block (names are case-insensitive; `Content-Type` is ignored).
  static func contentLength(_ header: [UInt8]) -> Result<Int, HeaderProblem> {
    var length: Int?
    for line in header.split(separator: 10, omittingEmptySubsequences: false) {
      var line = line
      if line.last == 13 { line = line.dropLast() }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
        return .failure(HeaderProblem(text: "header line without ':'"))
      }
      let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
      guard name == "content-length" else { continue }
      let value = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
      guard !value.isEmpty, value.count <= 12, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
        return .failure(HeaderProblem(text: "Content-Length is not a decimal number"))
      }
      length = Int(String(decoding: value, as: UTF8.self))
    }
    guard let length else { return .failure(HeaderProblem(text: "no Content-Length header")) }
    return .success(length)
  }

  /// Frames one outgoing message body.
  public static func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
  }
}

/// The language server's bounds, each refused with a clear message rather than a crash or a hang.
public struct Bounds: Sendable, Hashable {
  /// The most bytes of one message body: a document at the policy size limit (4 MiB), with every
  /// byte escaped in JSON, fits.
  public var maxMessageBytes = 6 * (4 << 20) + 65_536
  /// The most bytes of one message's header block.
  public var maxHeaderBytes = 4_096
  /// The most open documents held at once (each up to the policy size limit).
  public var maxOpenDocuments = 64
  /// The most completion items in one answer.
  public var maxCompletionItems = 500
  /// Creates the default bounds.
  public init() {}
  /// The defaults.
  public static let `default` = Bounds()
}
