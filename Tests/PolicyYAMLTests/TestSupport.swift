import PolicySource
import PolicyYAML
import XCTest

/// Loads `text` as `policy.yaml`.
func load(_ text: String, limits: Limits = .default) -> (YAMLDocument?, [Diagnostic]) {
  YAMLLoader.load(SourceFile(path: "policy.yaml", text: text), limits: limits)
}

/// The rendered diagnostics of loading `text`.
func rendered(_ text: String, limits: Limits = .default) -> String {
  DiagnosticRenderer().render(load(text, limits: limits).1)
}

/// Markers used in test sources to name byte offsets.
let markerNames = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]

/// Removes the markers from `source`, returning the text and each marker's UTF-8 byte offset.
func marked(_ source: String) -> (text: String, offsets: [String: Int32]) {
  var text = ""
  var offsets: [String: Int32] = [:]
  var rest = Substring(source)
  while !rest.isEmpty {
    if let name = markerNames.first(where: { rest.hasPrefix($0) }) {
      offsets[name] = Int32(text.utf8.count)
      rest = rest.dropFirst(name.count)
    } else {
      text.append(rest.removeFirst())
    }
  }
  return (text, offsets)
}

/// The scalar at a path of mapping keys and sequence indexes.
func node(_ root: YAMLNode?, _ path: [Any]) -> YAMLNode? {
  var current = root
  for step in path {
    if let key = step as? String { current = current?[key] }
    if let index = step as? Int { current = current?.sequence.flatMap { index < $0.count ? $0[index] : nil } }
  }
  return current
}
