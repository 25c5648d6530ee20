#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Scores CSV input with a model, for `proviso score`.
public enum ForestCSV {
  /// The rows of a CSV file, in the model's feature order, ready for ``Forest/scoreBatch(_:threads:)``.
  public struct Rows: Sendable {
    /// `count × featureCount` values, row-major; NaN for an empty cell or `nan`.
    public var values: [Double]
    /// The number of data rows.
    public var count: Int
  }

  /// Reads CSV text whose header row names the columns; every model feature must be a column
  /// (extra columns are ignored). Cells are parsed to `Double` with correct rounding (`strtod`),
  /// as pandas does, and only then cast to `Float` by the scorer.
  /// - Throws: ``ForestError`` `csv_missing_feature` or `csv_invalid_value` with the 1-based line.
  public static func read(_ csv: [UInt8], featureNames: [String]) throws(ForestError) -> Rows {
    var lines = splitLines(csv)
    guard !lines.isEmpty else { throw .init(code: "csv_empty", message: "input has no header row") }
    let header = splitCells(lines.removeFirst()).map { String(decoding: $0, as: UTF8.self) }
    var columns: [Int] = []
    for name in featureNames {
      guard let c = header.firstIndex(of: name) else {
        throw .init(code: "csv_missing_feature", message: "input has no column for feature '\(name)'")
      }
      columns.append(c)
    }
    var values: [Double] = []
    values.reserveCapacity(lines.count * featureNames.count)
    var count = 0
    for (n, line) in lines.enumerated() {
      if line.isEmpty { continue }
      let cells = splitCells(line)
      for (f, c) in columns.enumerated() {
        guard c < cells.count else {
          throw .init(
            code: "csv_invalid_value", message: "line \(n + 2) has no value for '\(featureNames[f])'")
        }
        guard let v = parseDouble(cells[c]) else {
          throw .init(
            code: "csv_invalid_value",
            message: "line \(n + 2): '\(String(decoding: cells[c], as: UTF8.self))' is not a number "
              + "for '\(featureNames[f])'")
        }
        values.append(v)
      }
      count += 1
    }
    return Rows(values: values, count: count)
  }

  /// How ``score(forest:csv:format:threads:)`` prints its results.
  public enum OutputFormat: String, Sendable, CaseIterable {
    /// A header with ``Forest/outputNames``, then one comma-separated line per row.
    case csv
    /// One JSON object per row, keyed by ``Forest/outputNames`` (`{"0":0.73,"1":0.27}`).
    case jsonl
  }

  /// Scores CSV text and returns the results, one line per input row, each value in shortest
  /// round-trip form (the same digits as Python's `repr`).
  public static func score(
    forest: Forest, csv: [UInt8], format: OutputFormat = .csv, threads: Int = 1
  ) throws(ForestError) -> String {
    let rows = try read(csv, featureNames: forest.featureNames)
    let scores = try forest.scoreBatch(rows.values, threads: threads)
    let width = forest.outputCount
    let names = forest.outputNames
    var out = ""
    out.reserveCapacity(rows.count * width * 20)
    switch format {
    case .csv:
      out += names.map(csvCell).joined(separator: ",") + "\n"
      for r in 0..<rows.count {
        for c in 0..<width {
          if c > 0 { out += "," }
          out += "\(scores[r * width + c])"
        }
        out += "\n"
      }
    case .jsonl:
      let keys = names.map(jsonString)
      for r in 0..<rows.count {
        out += "{"
        for c in 0..<width {
          if c > 0 { out += "," }
          out += keys[c] + ":" + "\(scores[r * width + c])"
        }
        out += "}\n"
      }
    }
    return out
  }

  private static func csvCell(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    var out = "\""
    for ch in text { out += ch == "\"" ? "\"\"" : String(ch) }
    return out + "\""
  }

  private static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  static func parseDouble(_ cell: ArraySlice<UInt8>) -> Double? {
    var text = cell
    while let f = text.first, f == 0x20 { text = text.dropFirst() }
    while let l = text.last, l == 0x20 { text = text.dropLast() }
    if text.isEmpty { return .nan }
    if text.contains(where: { $0 | 0x20 == UInt8(ascii: "n") }) {
      // Words pandas reads: NaN and friends are missing; inf is parsed so the scorer can reject it.
      switch String(decoding: text, as: UTF8.self).lowercased() {
      case "nan", "na", "null", "n/a": return .nan
      case "inf", "+inf", "infinity", "+infinity": return .infinity
      case "-inf", "-infinity": return -.infinity
      default: return nil
      }
    }
    // Only decimal syntax: strtod would also take "inf", "0x1p3" and locale forms.
    for b in text {
      let isDigit = b &- UInt8(ascii: "0") < 10
      if !(isDigit || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b | 0x20 == UInt8(ascii: "e")) {
        return nil
      }
    }
    // strtod needs a NUL-terminated buffer and must consume every byte.
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double? in
      var i = 0
      for b in text {
        buffer[i] = CChar(bitPattern: b)
        i += 1
      }
      buffer[i] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let v = strtod(buffer.baseAddress!, &end)
      guard let end, end - buffer.baseAddress! == text.count else { return nil }
      return v
    }
  }

  private static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
      var end = i
      if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
      lines.append(bytes[start..<end])
      start = i + 1
    }
    if start < bytes.count { lines.append(bytes[start..<bytes.count]) }
    return lines
  }

  /// Splits one line on commas; a cell in double quotes may hold commas (`""` is a quote).
  private static func splitCells(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
    var cells: [ArraySlice<UInt8>] = []
    var i = line.startIndex
    while true {
      if i < line.endIndex, line[i] == UInt8(ascii: "\"") {
        var cell: [UInt8] = []
        i += 1
        while i < line.endIndex {
          if line[i] == UInt8(ascii: "\"") {
            if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "\"") {
              cell.append(UInt8(ascii: "\""))
              i += 2
              continue
            }
            i += 1
            break
          }
          cell.append(line[i])
          i += 1
        }
        cells.append(cell[...])
        while i < line.endIndex, line[i] != UInt8(ascii: ",") { i += 1 }
      } else {
        let start = i
        while i < line.endIndex, line[i] != UInt8(ascii: ",") { i += 1 }
        cells.append(line[start..<i])
      }
      if i >= line.endIndex { break }
      i += 1  // the comma
    }
    return cells
  }
}
