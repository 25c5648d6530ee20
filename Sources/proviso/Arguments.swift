import Foundation

/// Exit codes (sysexits): what scripts and CI can rely on.
enum ExitStatus: Int32 {
  case ok = 0, failed = 1, usage = 64, dataError = 65, internalError = 70, ioError = 74
}

/// A usage error: printed with the command's help, exits 64.
struct UsageError: Error { var message: String }

/// Minimal argument parsing: positional arguments, `--flag`, `--option value`, `--option=value`.
struct Arguments {
  var positional: [String] = []
  var options: [String: [String]] = [:]
  var flags: Set<String> = []

  init(_ args: ArraySlice<String>, flags known: Set<String>, options optionNames: Set<String>) throws(UsageError) {
    var it = args.makeIterator()
    while let a = it.next() {
      if a == "--" { while let rest = it.next() { positional.append(rest) }; break }
      if a.hasPrefix("--") {
        var name = String(a.dropFirst(2)), value: String? = nil
        if let eq = name.firstIndex(of: "=") { value = String(name[name.index(after: eq)...]); name = String(name[..<eq]) }
        if known.contains(name) {
          flags.insert(name)
        } else if optionNames.contains(name) {
          guard let v = value ?? it.next() else { throw UsageError(message: "option '--\(name)' needs a value") }
          options[name, default: []].append(v)
        } else {
          let all = (known.union(optionNames)).sorted()
          throw UsageError(message: "unknown option '--\(name)'" + (all.isEmpty ? "" : "; known: " + all.map { "--\($0)" }.joined(separator: ", ")))
        }
      } else if a == "-" || !a.hasPrefix("-") || a.dropFirst().first?.isNumber == true {
        positional.append(a)
      } else {
        throw UsageError(message: "unknown option '\(a)'")
      }
    }
  }

  func option(_ name: String) -> String? { options[name]?.last }
  func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// Standard error, for diagnostics and progress.
enum Console {
  static let stderrIsTerminal = isatty(2) != 0
  static let stdoutIsTerminal = isatty(1) != 0

  static func error(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
  static func out(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
  static func out(bytes: [UInt8]) { FileHandle.standardOutput.write(Data(bytes)) }

  /// Reads a file, or standard input for "-".
  static func read(_ path: String) throws(IOFailure) -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let d = FileManager.default.contents(atPath: path) else { throw IOFailure(message: "cannot read '\(path)'") }
    return Array(d)
  }
}

/// A file that could not be read or written: exits 74.
struct IOFailure: Error { var message: String }
