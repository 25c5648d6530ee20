import PolicySource
import Synchronization

extension DiagnosticCode {
  /// A policy file or a file it references resolves (after symlinks) outside the policy folder and
  /// every `--allow-path` directory.
  public static let policyFileOutsideFolder: DiagnosticCode = "policy_file_outside_folder"
  /// A policy file or a referenced file is a FIFO, a device, a socket or a directory.
  public static let policyFileNotRegular: DiagnosticCode = "policy_file_not_regular"
  /// A policy file is over ``Limits/maxPolicyBytes``, or a referenced file over
  /// ``PolicyFileAccess/maxReferencedFileBytes``; refused before any byte is read.
  public static let policyFileTooLarge: DiagnosticCode = "policy_file_too_large"
  /// A policy file or a referenced file is missing or cannot be opened or read.
  public static let policyFileUnreadable: DiagnosticCode = "policy_file_unreadable"
}

extension ConfinedFileError {
  /// The diagnostic code of the rule the file broke.
  public var code: DiagnosticCode {
    switch self {
    case .outsideFolder: .policyFileOutsideFolder
    case .notRegular: .policyFileNotRegular
    case .tooLarge: .policyFileTooLarge
    case .unreadable: .policyFileUnreadable
    }
  }
}

/// How one policy reads the files it references (`models:`, `regions:` GeoJSON): every read goes
/// through ``ConfinedFile`` under the policy's ``FileConfinement``, and what was read is recorded
/// (resolved path and fingerprint) so a reload can tell whether any of it changed.
public final class PolicyFileAccess: Sendable {
  /// The largest model or GeoJSON file a policy may reference (256 MiB), checked before reading.
  public static let maxReferencedFileBytes = 256 << 20

  /// The directory relative paths are resolved from: the policy's folder.
  public let base: String
  /// Where files may come from.
  public let confinement: FileConfinement
  private let recorded = Mutex<[String: [Int64]]>([:])

  /// Reads relative to `base`, confined to `base` plus `allowed` directories.
  public init(base: String, allowing allowed: [String] = []) {
    self.base = base
    confinement = FileConfinement(folder: base, allowing: allowed)
  }

  /// Reads a referenced file under the rules and records its fingerprint.
  public func read(_ path: String, maxBytes: Int = maxReferencedFileBytes) -> Result<ConfinedFile, ConfinedFileError> {
    let result = ConfinedFile.read(path, base: base, confinement: confinement, maxBytes: maxBytes)
    if case .success(let file) = result { recorded.withLock { $0[file.resolvedPath] = file.fingerprint } }
    return result
  }

  /// Every file read so far: resolved path to fingerprint.
  public var filesRead: [String: [Int64]] { recorded.withLock { $0 } }
}
