/// One way a JSON input breaks its declared schema, located by a path and a byte offset.
///
/// ``message`` reads `receivable.amount: expected decimal, found string "abc"`. Offsets are 0-based
/// UTF-8 byte offsets into the document; ``line`` and ``column`` are 1-based (columns count
/// Unicode scalars) and computed only when the error is made.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A stable kind of violation.
  public var code: Code
  /// Where in the document: `receivable.amount`, `items[3].qty`, `limits["EUR-1"]`; empty for the
  /// document itself.
  public var path: String
  /// What the schema wanted (`decimal`, `one of 'EUR', 'USD'`); empty where the code says it all.
  public var expected: String
  /// What the document had (`string "abc"`, `number 1.5`, `null`, `object`).
  public var found: String
  /// For an unknown field, the closest declared field name.
  public var suggestion: String?
  /// The 0-based UTF-8 byte offset of the offending value or key (of the object, for a missing field).
  public var offset: Int
  /// The 1-based line of ``offset``.
  public var line: Int
  /// The 1-based column of ``offset``, in Unicode scalars.
  public var column: Int

  /// Stable, snake_case kinds of schema violations.
  public enum Code: String, Sendable, Hashable {
    /// A value of the wrong kind, out of range, or not in the field's enumeration.
    case typeMismatch = "input_type_mismatch"
    /// A required field is absent.
    case missingField = "input_missing_field"
    /// A field the schema does not declare.
    case unknownField = "input_unknown_field"
    /// A key that appears twice in one object.
    case duplicateKey = "input_duplicate_key"
    /// The document is not JSON (see ``InputError/found`` for the reader's complaint).
    case malformed = "input_malformed_json"
  }

  /// Creates an error.
  public init(
    _ code: Code, path: String, expected: String = "", found: String = "", suggestion: String? = nil,
    offset: Int, line: Int, column: Int
  ) {
    self.code = code
    self.path = path
    self.expected = expected
    self.found = found
    self.suggestion = suggestion
    self.offset = offset
    self.line = line
    self.column = column
  }

  /// The message, prefixed with the path when there is one.
  public var message: String {
    let prefix = path.isEmpty ? "" : path + ": "
    switch code {
    case .typeMismatch: return prefix + "expected \(expected), found \(found)"
    case .missingField: return prefix + "required field is missing"
    case .unknownField: return prefix + "unknown field" + (suggestion.map { ", did you mean '\($0)'" } ?? "")
    case .duplicateKey: return prefix + "duplicate key"
    case .malformed: return prefix + "malformed JSON at \(line):\(column): expected \(expected), found \(found)"
    }
  }

  /// The same as ``message``.
  public var description: String { message }
}

/// All the violations of one document, in document order (at most the decoder's cap).
public struct InputErrors: Error, Sendable, Hashable, RandomAccessCollection, CustomStringConvertible {
  /// The violations.
  public var errors: [InputError]

  /// Wraps a list of violations.
  public init(_ errors: [InputError]) { self.errors = errors }

  /// The index of the first violation (0).
  public var startIndex: Int { errors.startIndex }
  /// One past the index of the last violation.
  public var endIndex: Int { errors.endIndex }
  /// The violation at `position`.
  public subscript(position: Int) -> InputError { errors[position] }

  /// One message per line.
  public var description: String { errors.map(\.message).joined(separator: "\n") }
}

/// The candidate closest to `name` by edit distance, for "did you mean" hints.
///
/// Compares case-insensitively; accepts a candidate within `(name.count + 2) / 3` edits (at
/// least 1), the bound Swift's typo correction uses. Ties go to the earlier candidate.
public func closestMatch(_ name: String, among candidates: [String]) -> String? {
  let target = Array(name.lowercased().unicodeScalars)
  let limit = max(1, (target.count + 2) / 3)
  var best: String?
  var bestDistance = limit + 1
  for candidate in candidates {
    let other = Array(candidate.lowercased().unicodeScalars)
    if abs(other.count - target.count) >= bestDistance { continue }
    let distance = editDistance(target, other)
    if distance < bestDistance {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/// Levenshtein distance (insertions, deletions, substitutions) in Unicode scalars.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
