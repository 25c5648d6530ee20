import Foundation
import PolicyExpr

/// One input record of a dry-run: its 1-based line number and its JSON bytes.
public struct InputRecord: Sendable {
  /// The line (JSONL, CSV) or element index (JSON array) it came from, 1-based.
  public var line: Int
  /// The record as JSON.
  public var json: [UInt8]
  /// Set when the record could not even be turned into JSON (a malformed CSV row).
  public var problem: String?
}

/// Reads dry-run input: JSON (one document or an array), JSONL, or CSV with dotted-path headers.
public enum InputRecords {
  /// The input formats.
  public enum Format: String, Sendable { case json, jsonl, csv }

  /// Guesses the format from a file name, then from the first byte.
  public static func format(path: String, bytes: [UInt8]) -> Format {
    if path.hasSuffix(".csv") { return .csv }
    if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") { return .jsonl }
    if path.hasSuffix(".json") { return .json }
    let first = bytes.first { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }
    return first == UInt8(ascii: "[") ? .json : (first == UInt8(ascii: "{") ? .jsonl : .csv)
  }

  /// Splits the input into records.
  public static func records(_ bytes: [UInt8], format: Format, schema: ObjectType) -> [InputRecord] {
    switch format {
    case .jsonl:
      var out: [InputRecord] = []
      var line = 1, start = 0
      for i in 0...bytes.count {
        if i == bytes.count || bytes[i] == 10 {
          var end = i
          if end > start, bytes[end - 1] == 13 { end -= 1 }
          if bytes[start..<end].contains(where: { $0 != 32 && $0 != 9 }) {
            out.append(InputRecord(line: line, json: Array(bytes[start..<end])))
          }
          line += 1
          start = i + 1
        }
      }
      return out
    case .json:
      do {
        let v = try JSONReader.parse(bytes)
        if case .array(let items) = v {
          return items.enumerated().map { InputRecord(line: $0.offset + 1, json: JSONWriter.encode($0.element)) }
        }
        return [InputRecord(line: 1, json: bytes)]
      } catch {
        return [InputRecord(line: error.line, json: [], problem: "malformed JSON at \(error.description)")]
      }
    case .csv:
      return CSVRecords.records(bytes, schema: schema)
    }
  }
}

/// CSV (RFC 4180) rows mapped to input documents: headers are dotted paths (`receivable.amount`).
enum CSVRecords {
  static func records(_ bytes: [UInt8], schema: ObjectType) -> [InputRecord] {
    // Spreadsheets write "CSV UTF-8" with a byte-order mark; it is not part of the first header.
    let rows = parse(bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes)
    guard let header = rows.first else { return [] }
    let paths = header.cells.map { $0.split(separator: ".").map(String.init) }
    let types = paths.map { type(at: $0, in: schema) }
    var out: [InputRecord] = []
    for row in rows.dropFirst() {
      if row.cells.count == 1 && row.cells[0].isEmpty { continue }
      guard row.cells.count == header.cells.count else {
        out.append(InputRecord(line: row.line, json: [], problem: "row has \(row.cells.count) cells, the header has \(header.cells.count)"))
        continue
      }
      let tree = Node()
      for (i, cell) in row.cells.enumerated() where !cell.isEmpty {
        tree.insert(paths[i], json: jsonScalar(cell, types[i]))
      }
      var text = ""
      tree.write(into: &text)
      out.append(InputRecord(line: row.line, json: Array(text.utf8)))
    }
    return out
  }

  final class Node {
    var keys: [String] = []
    var children: [String: Node] = [:]
    var leaf: String?
    func insert(_ path: [String], json: String) {
      guard let first = path.first else { leaf = json; return }
      if children[first] == nil { children[first] = Node(); keys.append(first) }
      children[first]!.insert(Array(path.dropFirst()), json: json)
    }
    func write(into out: inout String) {
      if let leaf, keys.isEmpty { out += leaf; return }
      out += "{"
      for (i, k) in keys.enumerated() {
        if i > 0 { out += "," }
        out += CSVRecords.jsonScalar(k, .string) + ":"
        children[k]!.write(into: &out)
      }
      out += "}"
    }
  }

  static func type(at path: [String], in schema: ObjectType) -> CELType? {
    var t: CELType = .object(schema)
    for p in path {
      guard case .object(let o) = t, let slot = o.slots[p] else { return nil }
      t = o.fields[slot].type
    }
    return t
  }

  /// A cell as a JSON scalar: numbers and booleans raw where the schema wants them, else a string.
  static func jsonScalar(_ cell: String, _ type: CELType?) -> String {
    switch type {
    case .int?, .uint?, .double?, .decimal?:
      if Double(cell) != nil, !cell.contains(where: { $0 == " " || $0 == "+" }), cell.first != "." { return cell }
    case .bool?:
      if cell == "true" || cell == "false" { return cell }
    case .list?, .map?, .dyn?:
      if (try? JSONReader.parse(cell)) != nil { return cell }
    default: break
    }
    var w = JSONWriter(capacity: cell.utf8.count + 2)
    w.writeString(cell)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  struct Row { var line: Int; var cells: [String] }

  static func parse(_ bytes: [UInt8]) -> [Row] {
    var rows: [Row] = []
    var cells: [String] = []
    var cell: [UInt8] = []
    var inQuotes = false
    var line = 1, rowLine = 1
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if inQuotes {
        if b == UInt8(ascii: "\"") {
          if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") { cell.append(b); i += 1 } else { inQuotes = false }
        } else {
          if b == 10 { line += 1 }
          cell.append(b)
        }
      } else {
        switch b {
        case UInt8(ascii: "\""): inQuotes = true
        case UInt8(ascii: ","): cells.append(String(decoding: cell, as: UTF8.self)); cell = []
        case 13: break
        case 10:
          cells.append(String(decoding: cell, as: UTF8.self)); cell = []
          rows.append(Row(line: rowLine, cells: cells)); cells = []
          line += 1; rowLine = line
        default: cell.append(b)
        }
      }
      i += 1
    }
    if !cell.isEmpty || !cells.isEmpty {
      cells.append(String(decoding: cell, as: UTF8.self))
      rows.append(Row(line: rowLine, cells: cells))
    }
    return rows
  }
}
