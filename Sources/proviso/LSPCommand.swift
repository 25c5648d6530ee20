import Foundation
import PolicyLSP

/// `proviso lsp [--stdio]`: the language server, speaking LSP over standard input and output.
enum LSPCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["stdio"], options: [])
    guard a.positional.isEmpty else { throw UsageError(message: "lsp takes no arguments (it speaks LSP on stdin and stdout)") }
    // A client that goes away closes the pipe: writes then fail instead of killing the process.
    signal(SIGPIPE, SIG_IGN)
    let server = LanguageServer()
    let code = server.run(read: readInput, write: writeOutput)
    return code == 0 ? .ok : .failed
  }

  /// The next bytes of standard input; empty at its end or on an error.
  private static func readInput() -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      return n > 0 ? Array(buffer[..<n]) : []
    }
  }

  /// Writes all of `bytes` to standard output (a failed write is dropped: the client is gone).
  private static func writeOutput(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return }
      offset += n
    }
  }
}
