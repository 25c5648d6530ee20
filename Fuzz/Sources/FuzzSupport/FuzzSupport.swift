import CFuzzer
import Foundation

/// What every harness shares: starting libFuzzer and finding the repository's files.
public enum Fuzz {
  /// The signature of `LLVMFuzzerTestOneInput`.
  public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

  /// Runs libFuzzer with the process arguments and `test` as the target; never returns.
  public static func run(_ test: TestOneInput) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, test)
    exit(status)
  }

  /// The input bytes as an array (libFuzzer passes a null pointer for the empty input).
  public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
  }

  /// The repository root: `$PROVISO_ROOT`, else two folders above this package.
  public static let root: String = {
    if let root = ProcessInfo.processInfo.environment["PROVISO_ROOT"], !root.isEmpty { return root }
    // #filePath is <root>/Fuzz/Sources/FuzzSupport/FuzzSupport.swift.
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().path
  }()

  /// The bundled policies folder.
  public static var policies: String { root + "/policies" }

  /// Stops the run with a message: the harness setup is broken (not a finding).
  public static func setupFailure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz setup: \(message)\n".utf8))
    exit(2)
  }

  /// Reports a broken invariant as a crash, so libFuzzer saves the input.
  public static func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
      FileHandle.standardError.write(Data("fuzz invariant broken: \(message())\n".utf8))
      abort()
    }
  }
}
