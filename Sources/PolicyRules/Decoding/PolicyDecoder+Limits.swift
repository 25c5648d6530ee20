import PolicyExpr
import PolicyYAML

extension PolicyDecoder {
  /// `limits: {cost: 2000000, memory: 64MiB}`: a policy's own per-decision budgets. `cost` is a
  /// positive whole number of steps; `memory` is a positive number of bytes, optionally with a
  /// unit (`KiB`, `MiB`, `GiB`: powers of 1,024).
  mutating func evaluationLimits(_ node: YAMLNode) -> Policy.EvaluationLimits {
    var limits = Policy.EvaluationLimits()
    guard let fields = keys(node, ["cost", "memory"], context: "limits") else { return limits }
    if let n = fields["cost"] {
      if let v = n.int, v > 0 {
        limits.cost = (v, n.range)
      } else {
        error(.policyInvalidValue, "limits.cost must be a positive whole number of evaluation steps", n.range, hint: "for example 'cost: 2000000'")
      }
    }
    if let n = fields["memory"] {
      if let v = Self.byteCount(n) {
        limits.memory = (v, n.range)
      } else {
        error(.policyInvalidValue, "limits.memory must be a positive number of bytes, optionally with KiB, MiB or GiB", n.range,
              hint: "for example 'memory: 64MiB'")
      }
    }
    return limits
  }

  /// A byte count written as a whole number or with a binary unit (`64MiB`, `512 KiB`).
  static func byteCount(_ node: YAMLNode) -> Int? {
    if let v = node.int { return v > 0 ? v : nil }
    guard let text = node.scalar?.value else { return nil }
    let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)]
    for (unit, scale) in units where text.hasSuffix(unit) {
      var digits = text.dropLast(unit.count)
      while digits.last == " " { digits = digits.dropLast() }
      guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let n = Int(digits), n > 0 else { return nil }
      let (v, overflow) = n.multipliedReportingOverflow(by: scale)
      return overflow ? nil : v
    }
    return nil
  }
}
