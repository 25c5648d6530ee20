import Foundation
import PolicyExpr

/// Reference data (`data:`): files beside the policy read once, at load time, as constants.
extension PolicyCompiler {
  /// Why a data file that was read is not usable (its message names the file, never its bytes).
  struct FileProblem: Error { var message: String }

  /// The most rows a CSV data file may have.
  static let maxDataRows = 1_000_000

  /// Declares each data file as a constant and records its content hash as `data:<name>` in
  /// `hashes`, so the policy's version changes when a data file does.
  mutating func declareReferenceData(_ hashes: inout [(String, String)]) {
    for source in policy.data {
      // Confined to the policy folder like every referenced file (after symlinks; regular files only).
      guard let file = readReferenced(source.path, at: source.range) else { continue }
      let bytes = file.bytes
      do {
        let parsed: Result<(Value, CELType), FileProblem>
        switch source.format {
        case .csv: parsed = Self.csvLookup(bytes, key: source.key ?? "", path: source.path)
        case .json: parsed = Self.jsonData(bytes, path: source.path)
        }
        switch parsed {
        case .failure(let problem): error(.policyFileError, problem.message, source.range)
        case .success(let (value, type)):
          if env.slots[source.name] != nil {
            error(.policyDuplicateID, "data '\(source.name)' has the same name as another input, constant or value", source.range)
            continue
          }
          env.declare(source.name, type, constant: value)
          hashes.append(("data:\(source.name)", SHA256.hex(bytes)))
        }
      }
    }
  }

  /// A CSV file with a header row as `map(string, map(string, string))`, keyed by column `key`.
  static func csvLookup(_ bytes: [UInt8], key: String, path: String) -> Result<(Value, CELType), FileProblem> {
    guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(FileProblem(message: "'\(path)' is not UTF-8")) }
    var rows = csvRows(text)
    guard !rows.isEmpty else { return .failure(FileProblem(message: "'\(path)' has no header row")) }
    let header = rows.removeFirst()
    guard let keyColumn = header.firstIndex(of: key) else {
      return .failure(FileProblem(message: "'\(path)' has no column '\(key)'; its columns are \(header.joined(separator: ", "))"))
    }
    guard rows.count <= maxDataRows else { return .failure(FileProblem(message: "'\(path)' has \(rows.count) rows, over the limit of \(maxDataRows)")) }
    var keys: [Value] = [], values: [Value] = []
    let columns = header.map { Value.string($0) }
    for (i, row) in rows.enumerated() where !(row.count == 1 && row[0].isEmpty) {
      guard row.count == header.count else {
        return .failure(FileProblem(message: "'\(path)' line \(i + 2) has \(row.count) fields, the header has \(header.count)"))
      }
      keys.append(.string(row[keyColumn]))
      values.append(.map(MapValue(uncheckedKeys: columns, values: row.map { .string($0) })))
    }
    switch MapValue.make(keys: keys, values: values) {
    case .success(let m): return .success((.map(m), .map(.string, .map(.string, .string))))
    case .failure: return .failure(FileProblem(message: "'\(path)' has the same '\(key)' on two rows"))
    }
  }

  /// RFC 4180 records: fields separated by commas, quoted with `"` (doubled inside), CRLF or LF.
  static func csvRows(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, pendingQuote = false
    for c in text {
      if quoted {
        if pendingQuote {
          pendingQuote = false
          if c == "\"" { field.append(c); continue }
          quoted = false
        } else if c == "\"" {
          pendingQuote = true; continue
        } else {
          field.append(c); continue
        }
      }
      switch c {
      case "\"" where field.isEmpty: quoted = true
      case ",": row.append(field); field = ""
      case "\n", "\r\n": row.append(field); rows.append(row); row = []; field = ""
      case "\r": break
      default: field.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
  }

  /// A JSON document as a value: objects become `map(string, dyn)`, numbers `int` or `double`.
  static func jsonData(_ bytes: [UInt8], path: String) -> Result<(Value, CELType), FileProblem> {
    let json: JSONValue
    do { json = try JSONReader.parse(bytes) } catch { return .failure(FileProblem(message: "'\(path)' is not valid JSON: \(error.description)")) }
    func value(_ j: JSONValue) -> Value {
      switch j {
      case .null: return .null
      case .bool(let b): return .bool(b)
      case .string(let s): return .string(s)
      case .number(let n): return n.isInteger ? (n.int64Value.map { .int($0) } ?? .double(n.doubleValue)) : .double(n.doubleValue)
      case .array(let xs): return .list(xs.map(value))
      case .object(let o): return .map(MapValue(uncheckedKeys: o.keys.map { .string($0) }, values: o.values.map(value)))
      }
    }
    let v = value(json)
    if case .map = v { return .success((v, .map(.string, .dyn))) }
    if case .list = v { return .success((v, .list(.dyn))) }
    return .success((v, .dyn))
  }
}
