import PolicySource

extension YAMLNode {
  /// A scalar's text, how it was written, and where each of its bytes sits in the file.
  public struct Scalar: Sendable, Hashable {
    /// How a scalar was written.
    public enum Style: Sendable, Hashable {
      /// Unquoted: `a > 1`, `0.90`.
      case plain
      /// `'...'`, where `''` is a quote.
      case singleQuoted
      /// `"..."`, with backslash escapes.
      case doubleQuoted
      /// `|` block: lines kept.
      case literal
      /// `>` block: lines folded into spaces.
      case folded

      /// Whether the scalar was quoted (and so is always a string).
      public var isQuoted: Bool { self == .singleQuoted || self == .doubleQuoted }
    }

    /// The value after unquoting, unescaping and folding. For a plain scalar this is its source text
    /// exactly as written (`0.90` stays `"0.90"`), with multi-line text folded.
    public var value: String
    /// How it was written.
    public var style: Style
    /// Maps UTF-8 byte offsets in ``value`` to byte offsets in the file.
    ///
    /// Plain, single-quoted and escape-free double-quoted scalars map from their first content
    /// character (one column after an opening quote), each folded line to its own place; `''` in a
    /// single-quoted scalar maps exactly too. `|` and `>` blocks map each line, indentation removed,
    /// starting on the line after the indicator. A double-quoted scalar with backslash escapes maps
    /// every offset to its opening quote.
    public var mapping: SourceMapping

    /// Creates a scalar.
    public init(value: String, style: Style, mapping: SourceMapping) {
      self.value = value
      self.style = style
      self.mapping = mapping
    }

    /// The file offset of the first content byte of ``value``.
    public var contentStart: Int32 { mapping.fileOffset(0) }

    /// The value under the YAML 1.2 core schema, given the node's explicit tag.
    ///
    /// Untagged plain scalars resolve by their text; quoted and block scalars, and scalars tagged `!`
    /// or `!!str` (or any other tag), are strings. `!!null`, `!!bool`, `!!int` and `!!float` resolve
    /// to that type when the text allows, else to a string.
    public func resolved(tag: String?) -> YAMLValue {
      switch tag {
      case nil:
        return style == .plain ? YAMLCoreSchema.resolve(value) : .string(value)
      case YAMLCoreSchema.nullTag?, YAMLCoreSchema.boolTag?, YAMLCoreSchema.intTag?, YAMLCoreSchema.floatTag?:
        let plain = YAMLCoreSchema.resolve(value)
        switch (tag, plain) {
        case (YAMLCoreSchema.nullTag?, .null), (YAMLCoreSchema.boolTag?, .bool), (YAMLCoreSchema.intTag?, .int),
          (YAMLCoreSchema.floatTag?, .float):
          return plain
        case (YAMLCoreSchema.floatTag?, .int(let i)):
          return .float(Double(i))
        default:
          return .string(value)
        }
      default:
        return .string(value)
      }
    }

    /// Whether the text reads as a YAML 1.2 core integer or float (`007`, `0x1F`, `0.90`, `1e3`,
    /// `.inf`), whatever the style; see ``YAMLNode/isPlainNumberLike`` for the check that matters.
    public var looksNumeric: Bool {
      switch YAMLCoreSchema.resolve(value) {
      case .int, .float: true
      default: false
      }
    }
  }
}

/// The YAML 1.2 core schema's tag resolution for plain scalars, over UTF-8 bytes.
enum YAMLCoreSchema {
  static let nullTag = "tag:yaml.org,2002:null"
  static let boolTag = "tag:yaml.org,2002:bool"
  static let intTag = "tag:yaml.org,2002:int"
  static let floatTag = "tag:yaml.org,2002:float"
  static let strTag = "tag:yaml.org,2002:str"

  /// Resolves plain-scalar text: null, bool, int, float, else string.
  static func resolve(_ text: String) -> YAMLValue {
    var utf8 = text
    return utf8.withUTF8 { resolve(bytes: $0, text: text) }
  }

  private static func resolve(bytes b: UnsafeBufferPointer<UInt8>, text: String) -> YAMLValue {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
    case ".nan", ".NaN", ".NAN": return .float(.nan)
    default: break
    }
    guard let first = b.first, isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
      || first == UInt8(ascii: ".")
    else { return .string(text) }
    if b.count > 2, b[0] == UInt8(ascii: "0") {
      let body = String(decoding: UnsafeBufferPointer(rebasing: b[2...]), as: UTF8.self)
      if b[1] == UInt8(ascii: "x"), b[2...].allSatisfy(isHexDigit) {
        return Int(body, radix: 16).map(YAMLValue.int) ?? .string(text)
      }
      if b[1] == UInt8(ascii: "o"), b[2...].allSatisfy(isOctalDigit) {
        return Int(body, radix: 8).map(YAMLValue.int) ?? .string(text)
      }
    }
    switch numberShape(b) {
    case .integer:
      if let i = Int(text) { return .int(i) }
      return Double(text).map(YAMLValue.float) ?? .string(text)
    case .float:
      return Double(text).map(YAMLValue.float) ?? .string(text)
    case .none:
      return .string(text)
    }
  }

  private enum NumberShape { case integer, float, none }

  /// Matches `[-+]?[0-9]+` (integer) or `[-+]? ( \.[0-9]+ | [0-9]+ (\.[0-9]*)? ) ([eE][-+]?[0-9]+)?`.
  private static func numberShape(_ b: UnsafeBufferPointer<UInt8>) -> NumberShape {
    var i = 0
    let n = b.count
    if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
    let intStart = i
    while i < n, isDigit(b[i]) { i += 1 }
    let intDigits = i - intStart
    if i == n { return intDigits > 0 ? .integer : .none }
    var fracDigits = 0
    if b[i] == UInt8(ascii: ".") {
      i += 1
      let fracStart = i
      while i < n, isDigit(b[i]) { i += 1 }
      fracDigits = i - fracStart
    }
    guard intDigits > 0 || fracDigits > 0 else { return .none }
    if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
      i += 1
      if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
      let expStart = i
      while i < n, isDigit(b[i]) { i += 1 }
      if i == expStart { return .none }
    }
    return i == n ? .float : .none
  }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
  @inline(__always) static func isOctalDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 8 }
  @inline(__always) static func isHexDigit(_ c: UInt8) -> Bool {
    isDigit(c) || (c | 0x20) &- UInt8(ascii: "a") < 6
  }
}
