import Foundation
import PolicySource

/// `string.format(list)`: printf-style substitution with cel-go's clauses and rules.
///
/// Clauses: `%s` (any value: lists as `[a, b]`, maps as `{k: v}` sorted by formatted key,
/// timestamps and durations as by `string()`, `null`, type names), `%d` (ints, uints, doubles),
/// `%f` and `%e` with an optional precision (`%.2f`; default 6), `%b` (ints, uints, bools),
/// `%x`/`%X` (ints, uints, strings, bytes), `%o` (ints, uints), and `%%` for a percent sign.
/// Doubles print `NaN`, `Infinity` and `-Infinity`. Decimals (Proviso's money type) print exactly
/// with `%s`, `%d` and `%f` (rounded half-even to the precision).
public enum StringFormat {
  /// The largest precision accepted in `%.Nf` / `%.Ne`.
  public static let maxPrecision = 100

  /// Formats `template` with `args`.
  ///
  /// - Throws: ``EvalError`` (`invalid_argument`) for an unknown clause, too few arguments or an
  ///   argument of the wrong kind, with cel-go's message text; `size_limit_exceeded` when the
  ///   result would exceed ``Limits/maxStringBytes``.
  public static func format(_ template: String, _ args: [Value]) throws(EvalError) -> String {
    var out: [UInt8] = []
    let t = Array(template.utf8)
    out.reserveCapacity(t.count + 16 * args.count)
    var i = 0
    var argIndex = 0
    while i < t.count {
      let c = t[i]
      guard c == UInt8(ascii: "%") else { out.append(c); i += 1; continue }
      if i + 1 < t.count, t[i + 1] == UInt8(ascii: "%") { out.append(c); i += 2; continue }
      guard argIndex < args.count else { throw EvalError(.invalidArgument, "index \(argIndex) out of range") }
      guard i + 1 < t.count else { throw EvalError(.invalidArgument, "unexpected end of string") }
      i += 1
      var precision = 6
      if t[i] == UInt8(ascii: ".") {
        i += 1
        let start = i
        var p = 0
        while i < t.count, t[i] &- UInt8(ascii: "0") < 10 {
          p = min(p * 10 + Int(t[i] &- UInt8(ascii: "0")), 1_000_000)
          i += 1
        }
        guard i < t.count else { throw clauseError("error while parsing precision: could not find end of precision specifier") }
        guard i > start else { throw clauseError("error while parsing precision: missing precision digits") }
        guard p <= maxPrecision else {
          throw clauseError("error while parsing precision: precision \(p) exceeds maximum allowed precision \(maxPrecision)")
        }
        precision = p
      }
      let verb = t[i]
      let arg = args[argIndex]
      switch verb {
      case UInt8(ascii: "s"): try appendString(arg, to: &out)
      case UInt8(ascii: "d"): try appendDecimalClause(arg, to: &out)
      case UInt8(ascii: "f"): try appendFixedClause(arg, precision: precision, to: &out)
      case UInt8(ascii: "e"): try appendScientificClause(arg, precision: precision, to: &out)
      case UInt8(ascii: "b"): try appendRadix(arg, radix: 2, uppercase: false, to: &out)
      case UInt8(ascii: "o"): try appendRadix(arg, radix: 8, uppercase: false, to: &out)
      case UInt8(ascii: "x"), UInt8(ascii: "X"): try appendHex(arg, uppercase: verb == UInt8(ascii: "X"), to: &out)
      default:
        var end = i + 1
        while end < t.count, t[end] & 0xC0 == 0x80 { end += 1 }
        throw clauseError("unrecognized formatting clause \"\(String(decoding: t[i..<end], as: UTF8.self))\"")
      }
      i += 1
      argIndex += 1
      guard out.count <= Limits.default.maxStringBytes else { throw .stringTooLong("format", out.count) }
    }
    return String(decoding: out, as: UTF8.self)
  }

  // MARK: Clauses

  /// `%s`: the value as text; lists and maps recursively.
  static func appendString(_ v: Value, to out: inout [UInt8]) throws(EvalError) {
    switch v {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .uint(let u): out.append(contentsOf: String(u).utf8)
    case .double(let d): out.append(contentsOf: DoubleText.shortestFixed(d).utf8)
    case .decimal(let d): out.append(contentsOf: d.description.utf8)
    case .string(let s): out.append(contentsOf: s.utf8)
    case .bytes(let b): out.append(contentsOf: b)
    case .timestamp(let t): out.append(contentsOf: t.rfc3339.utf8)
    case .duration(let d): out.append(contentsOf: d.secondsText.utf8)
    case .type(let t): out.append(contentsOf: t.runtimeName.utf8)
    case .list(let items):
      out.append(UInt8(ascii: "["))
      for (k, item) in items.enumerated() {
        if k > 0 { out.append(contentsOf: ", ".utf8) }
        try appendString(item, to: &out)
        guard out.count <= Limits.default.maxStringBytes else { throw .stringTooLong("format", out.count) }
      }
      out.append(UInt8(ascii: "]"))
    case .map(let m):
      var entries: [(key: [UInt8], value: [UInt8])] = []
      entries.reserveCapacity(m.count)
      for (k, value) in zip(m.keys, m.values) {
        var key: [UInt8] = []
        var val: [UInt8] = []
        try appendString(k, to: &key)
        try appendString(value, to: &val)
        entries.append((key, val))
      }
      entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
      out.append(UInt8(ascii: "{"))
      for (k, e) in entries.enumerated() {
        if k > 0 { out.append(contentsOf: ", ".utf8) }
        out.append(contentsOf: e.key)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: e.value)
        guard out.count <= Limits.default.maxStringBytes else { throw .stringTooLong("format", out.count) }
      }
      out.append(UInt8(ascii: "}"))
    case .object, .optional:
      throw formattingError("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given \(v.kindName)")
    }
  }

  /// `%d`: integers in base 10; doubles (and decimals) in the shortest exact fixed notation.
  static func appendDecimalClause(_ v: Value, to out: inout [UInt8]) throws(EvalError) {
    switch v {
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .uint(let u): out.append(contentsOf: String(u).utf8)
    case .double(let d): out.append(contentsOf: DoubleText.shortestFixed(d).utf8)
    case .decimal(let d): out.append(contentsOf: d.description.utf8)
    default: throw formattingError("decimal clause can only be used on integers, was given \(v.kindName)")
    }
  }

  /// `%f`: fixed point with `precision` digits, rounded half-even on the exact value.
  static func appendFixedClause(_ v: Value, precision: Int, to out: inout [UInt8]) throws(EvalError) {
    switch v {
    case .int(let i): out.append(contentsOf: DoubleText.fixed(Double(i), precision: precision).utf8)
    case .uint(let u): out.append(contentsOf: DoubleText.fixed(Double(u), precision: precision).utf8)
    case .double(let d): out.append(contentsOf: DoubleText.fixed(d, precision: precision).utf8)
    case .decimal(let d): out.append(contentsOf: DoubleText.fixed(d, precision: precision).utf8)
    default: throw formattingError("fixed-point clause can only be used on doubles, was given \(v.kindName)")
    }
  }

  /// `%e`: scientific notation `d.dddddde+XX` with `precision` fraction digits.
  static func appendScientificClause(_ v: Value, precision: Int, to out: inout [UInt8]) throws(EvalError) {
    switch v {
    case .int(let i): out.append(contentsOf: DoubleText.scientific(Double(i), precision: precision).utf8)
    case .uint(let u): out.append(contentsOf: DoubleText.scientific(Double(u), precision: precision).utf8)
    case .double(let d): out.append(contentsOf: DoubleText.scientific(d, precision: precision).utf8)
    case .decimal(let d): out.append(contentsOf: DoubleText.scientific(d.doubleValue, precision: precision).utf8)
    default: throw formattingError("scientific clause can only be used on doubles, was given \(v.kindName)")
    }
  }

  /// `%b` and `%o`: integers in base 2 or 8 with a leading `-` when negative; `%b` also takes bools.
  static func appendRadix(_ v: Value, radix: Int, uppercase: Bool, to out: inout [UInt8]) throws(EvalError) {
    switch v {
    case .int(let i): out.append(contentsOf: String(i, radix: radix, uppercase: uppercase).utf8)
    case .uint(let u): out.append(contentsOf: String(u, radix: radix, uppercase: uppercase).utf8)
    case .bool(let b) where radix == 2: out.append(b ? UInt8(ascii: "1") : UInt8(ascii: "0"))
    default:
      throw formattingError(radix == 2
        ? "only integers and bools can be formatted as binary, was given \(v.kindName)"
        : "octal clause can only be used on integers, was given \(v.kindName)")
    }
  }

  /// `%x` / `%X`: integers in base 16; strings and bytes as two hex digits per byte.
  static func appendHex(_ v: Value, uppercase: Bool, to out: inout [UInt8]) throws(EvalError) {
    let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    func bytes(_ b: some Sequence<UInt8>) {
      for x in b { out.append(digits[Int(x >> 4)]); out.append(digits[Int(x & 15)]) }
    }
    switch v {
    case .int(let i): out.append(contentsOf: String(i, radix: 16, uppercase: uppercase).utf8)
    case .uint(let u): out.append(contentsOf: String(u, radix: 16, uppercase: uppercase).utf8)
    case .string(let s): bytes(s.utf8)
    case .bytes(let b): bytes(b)
    default: throw formattingError("only integers, byte buffers, and strings can be formatted as hex, was given \(v.kindName)")
    }
  }

  private static func clauseError(_ detail: String) -> EvalError {
    EvalError(.invalidArgument, "could not parse formatting clause: \(detail)")
  }

  private static func formattingError(_ detail: String) -> EvalError {
    EvalError(.invalidArgument, "error during formatting: \(detail)")
  }
}

/// Text forms of doubles, matching Go's `strconv` where cel-go uses it.
enum DoubleText {
  /// The shortest digits that read back as `d`: `value = 0.d1d2…dn × 10^pointPosition`
  /// (Go's `decimalSlice` `d` and `dp`). Zero has no digits.
  static func shortestDigits(_ d: Double) -> (digits: [UInt8], pointPosition: Int) {
    // Swift's description is the shortest round-trip form: "123.456", "1e-05", "1.5e+300".
    let text = Array(d.magnitude.description.utf8)
    var digits: [UInt8] = []
    var beforePoint = 0
    var sawPoint = false
    var exponent = 0
    var i = 0
    while i < text.count {
      let c = text[i]
      if c == UInt8(ascii: ".") { sawPoint = true } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
        exponent = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
        break
      } else {
        digits.append(c)
        if !sawPoint { beforePoint += 1 }
      }
      i += 1
    }
    var point = beforePoint + exponent
    var lead = 0
    while lead < digits.count, digits[lead] == UInt8(ascii: "0") { lead += 1; point -= 1 }
    digits.removeFirst(lead)
    while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
    if digits.isEmpty { point = 0 }
    return (digits, point)
  }

  /// Go's `strconv.FormatFloat(d, 'f', -1, 64)`, with cel-go's `NaN`, `Infinity`, `-Infinity`.
  static func shortestFixed(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    let (digits, point) = shortestDigits(d)
    var out: [UInt8] = d.sign == .minus ? [UInt8(ascii: "-")] : []
    appendFixed(digits, point: point, fractionDigits: max(digits.count - point, 0), to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `string(d)`: ``goG(_:)`` for finite doubles, and `inf`, `-inf` and `nan` for the others,
  /// as cel-cpp and the Rust cel crate print them (cel-go's `+Inf` and `NaN` are the odd ones out).
  static func conversionText(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    return goG(d)
  }

  /// Go's `fmt.Sprintf("%g", d)`, which cel-go's `string(double)` uses: the shortest digits,
  /// in exponent form when the decimal exponent is below -4 or at least 6 (Go's rule for
  /// shortest `%g`), e.g. `123456`, `1.234567e+06`, `0.0001`, `1e-05`, `+Inf`.
  static func goG(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
    let (digits, point) = shortestDigits(d)
    var out: [UInt8] = d.sign == .minus ? [UInt8(ascii: "-")] : []
    let exponent = point - 1
    if !digits.isEmpty, exponent < -4 || exponent >= 6 {
      out.append(digits[0])
      if digits.count > 1 { out.append(UInt8(ascii: ".")); out.append(contentsOf: digits[1...]) }
      appendExponent(exponent, to: &out)
    } else {
      appendFixed(digits, point: point, fractionDigits: max(digits.count - point, 0), to: &out)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `%.Nf` with exact half-even rounding of the binary value (C and Go agree).
  static func fixed(_ d: Double, precision: Int) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    return String(format: "%.\(precision)f", d)
  }

  /// `%.Nf` of an exact decimal, rounded half-even to `precision` places.
  static func fixed(_ d: DecimalNumber, precision: Int) -> String {
    // The decimal's own rounding keeps exactly `precision` places ("2.30").
    guard let r = try? d.rounded(places: precision, mode: .halfEven) else { return d.description }
    return r.description
  }


  /// `%.Ne`: `d.dddddde+XX`, at least two exponent digits (C and Go agree).
  static func scientific(_ d: Double, precision: Int) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    return String(format: "%.\(precision)e", d)
  }

  private static func appendFixed(_ digits: [UInt8], point: Int, fractionDigits: Int, to out: inout [UInt8]) {
    let zero = UInt8(ascii: "0")
    if point <= 0 {
      out.append(zero)
    } else {
      for k in 0..<point { out.append(k < digits.count ? digits[k] : zero) }
    }
    guard fractionDigits > 0 else { return }
    out.append(UInt8(ascii: "."))
    for k in 0..<fractionDigits {
      let index = point + k
      out.append(index >= 0 && index < digits.count ? digits[index] : zero)
    }
  }

  private static func appendExponent(_ exponent: Int, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "e"))
    out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
    let magnitude = String(exponent.magnitude)
    if magnitude.utf8.count < 2 { out.append(UInt8(ascii: "0")) }
    out.append(contentsOf: magnitude.utf8)
  }
}

extension EvalError {
  /// `result of 'replace' would be 2097152 bytes, over the limit of 1048576`.
  static func stringTooLong(_ function: String, _ bytes: Int) -> EvalError {
    EvalError(.sizeLimit, "result of '\(function)' would be \(bytes) bytes, over the limit of \(Limits.default.maxStringBytes)")
  }
}
