import Foundation
import PolicyExpr
import PolicyYAML

extension CompiledPolicy {
  /// Decodes and validates one input document (JSON bytes) against the policy's input schema.
  ///
  /// Values are parsed straight into engine values; a violation names the field path and the
  /// expected type. Unknown top-level fields are rejected (a typo would otherwise go unnoticed).
  public func decodeInput(_ bytes: UnsafeRawBufferPointer) -> Result<ObjectValue, InputErrors> {
    Self.inputObject(inputDecoder.decode(bytes))
  }

  /// The decoded document as the input object, or why it is not one.
  private static func inputObject(_ decoded: Result<Value, InputErrors>) -> Result<ObjectValue, InputErrors> {
    switch decoded {
    case .success(.object(let o)): return .success(o)
    case .success(let v):
      return .failure(InputErrors([InputError(.typeMismatch, path: "", expected: "object", found: v.kindName, offset: 0, line: 1, column: 1)]))
    case .failure(let e): return .failure(e)
    }
  }

  /// Decodes an input document given as bytes.
  public func decodeInput(_ bytes: [UInt8]) -> Result<ObjectValue, InputErrors> {
    bytes.withUnsafeBytes { decodeInput($0) }
  }

  /// Decodes an input document and sets `canonical` to its canonical one-line JSON, made in the
  /// same pass (what the decision log stores).
  public func decodeInput(_ bytes: [UInt8], canonical: inout [UInt8]?) -> Result<ObjectValue, InputErrors> {
    Self.inputObject(bytes.withUnsafeBytes { inputDecoder.decode($0, canonical: &canonical) })
  }
}

extension YAMLNode {
  /// The node as JSON text (for inputs written in YAML: a policy's tests). Plain numbers keep their
  /// exact text, so `amount: 250000.00` stays exact.
  public var jsonText: String {
    var out = ""
    write(into: &out)
    return out
  }

  func write(into out: inout String) {
    switch kind {
    case .scalar(let s):
      switch resolved {
      case .null: out += "null"
      case .bool(let b): out += b ? "true" : "false"
      case .int, .float:
        // JSON has no '+', leading zeros, hex or '.inf': pass only JSON-shaped numbers through.
        if s.value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 || $0 == 101 || $0 == 69 || $0 == 43 }),
          !s.value.hasPrefix("+"), !s.value.hasPrefix("."), !s.value.hasSuffix(".")
        {
          out += s.value
        } else {
          Self.quote(s.value, into: &out)
        }
      default: Self.quote(s.value, into: &out)
      }
    case .sequence(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.write(into: &out)
      }
      out += "]"
    case .mapping(let pairs):
      out += "{"
      for (i, p) in pairs.enumerated() {
        if i > 0 { out += "," }
        Self.quote(p.key.scalar?.value ?? "", into: &out)
        out += ":"
        p.value.write(into: &out)
      }
      out += "}"
    }
  }

  static func quote(_ s: String, into out: inout String) {
    var w = JSONWriter(capacity: s.utf8.count + 2)
    w.writeString(s)
    out += String(decoding: w.bytes, as: UTF8.self)
  }

}
