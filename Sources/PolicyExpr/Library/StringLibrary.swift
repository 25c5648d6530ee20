import Foundation
import PolicySource

/// Strings and bytes: the core string functions and conversions, and cel-go's strings
/// extension (`charAt`, `indexOf`, `split`, `format`, …).
///
/// Indices and sizes of strings count Unicode code points; out-of-range indices are errors
/// (`index out of range: 30`). Implementations work on UTF-8 bytes: ASCII needles never match
/// inside a multi-byte sequence, and a byte match of valid UTF-8 always starts on a code point.
/// Results longer than ``Limits/maxStringBytes`` are `size_limit_exceeded` errors.
public enum StringLibrary {
  /// The declarations of this library. Names shared with other libraries (`_+_`, `size`,
  /// `string`, `int`) carry only the string and bytes overloads here.
  public static let functions: [FunctionDecl] = core + conversions + extensions

  // MARK: Core

  static let core: [FunctionDecl] = [
    FunctionDecl("contains", [.method("contains_string", .string, .string, .bool, strings("contains") { .bool(UTF8Text.contains($1, in: $0)) })]),
    FunctionDecl("startsWith", [.method("starts_with_string", .string, .string, .bool, strings("startsWith") { .bool($0.utf8.starts(with: $1.utf8)) })]),
    FunctionDecl("endsWith", [.method("ends_with_string", .string, .string, .bool, strings("endsWith") { .bool($0.utf8.count >= $1.utf8.count && $0.utf8.suffix($1.utf8.count).elementsEqual($1.utf8)) })]),
    FunctionDecl("size", [
      .unary("size_string", .string, .int, size),
      .unary("size_bytes", .bytes, .int, size),
      .method("string_size", .string, .int, size),
      .method("bytes_size", .bytes, .int, size),
    ]),
    FunctionDecl("_+_", [
      .binary("add_string", .string, .string, .string) { a, b throws(EvalError) in
        guard case .string(let x) = a, case .string(let y) = b else { throw .noOverload("_+_", a, b) }
        try checkSize("_+_", x.utf8.count + y.utf8.count)
        return .string(x + y)
      },
      .binary("add_bytes", .bytes, .bytes, .bytes) { a, b throws(EvalError) in
        guard case .bytes(let x) = a, case .bytes(let y) = b else { throw .noOverload("_+_", a, b) }
        try checkSize("_+_", x.count + y.count)
        return .bytes(x + y)
      },
    ]),
  ]

  @Sendable static func size(_ v: Value) throws(EvalError) -> Value {
    switch v {
    case .string(let s): .int(Int64(UTF8Text.scalarCount(s)))
    case .bytes(let b): .int(Int64(b.count))
    default: throw .noOverload("size", v)
    }
  }

  // MARK: Conversions

  static let conversions: [FunctionDecl] = [
    FunctionDecl("string", [
      .unary("string_to_string", .string, .string) { v throws(EvalError) in
        guard case .string = v else { throw .noOverload("string", v) }
        return v
      },
      .unary("int64_to_string", .int, .string) { v throws(EvalError) in
        guard case .int(let i) = v else { throw .noOverload("string", v) }
        return .string(String(i))
      },
      .unary("uint64_to_string", .uint, .string) { v throws(EvalError) in
        guard case .uint(let u) = v else { throw .noOverload("string", v) }
        return .string(String(u))
      },
      .unary("double_to_string", .double, .string) { v throws(EvalError) in
        guard case .double(let d) = v else { throw .noOverload("string", v) }
        return .string(DoubleText.conversionText(d))
      },
      .unary("bool_to_string", .bool, .string) { v throws(EvalError) in
        guard case .bool(let b) = v else { throw .noOverload("string", v) }
        return .string(b ? "true" : "false")
      },
      .unary("bytes_to_string", .bytes, .string) { v throws(EvalError) in
        guard case .bytes(let b) = v else { throw .noOverload("string", v) }
        guard let s = String(validating: b, as: UTF8.self) else {
          throw EvalError(.conversion, "invalid UTF-8 in bytes converted to string")
        }
        return .string(s)
      },
    ]),
    FunctionDecl("bytes", [
      .unary("string_to_bytes", .string, .bytes) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("bytes", v) }
        return .bytes(Array(s.utf8))
      },
      .unary("bytes_to_bytes", .bytes, .bytes) { v throws(EvalError) in
        guard case .bytes = v else { throw .noOverload("bytes", v) }
        return v
      },
    ]),
    FunctionDecl("int", [
      .unary("string_to_int64", .string, .int) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("int", v) }
        return .int(try UTF8Text.parseInt(s))
      },
    ]),
    FunctionDecl("uint", [
      .unary("string_to_uint64", .string, .uint) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("uint", v) }
        return .uint(try UTF8Text.parseUInt(s))
      },
    ]),
    FunctionDecl("double", [
      .unary("string_to_double", .string, .double) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("double", v) }
        return .double(try UTF8Text.parseDouble(s))
      },
    ]),
    FunctionDecl("bool", [
      .unary("string_to_bool", .string, .bool) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("bool", v) }
        switch s {
        case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
        case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
        default: throw EvalError(.conversion, "type conversion error from string '\(s)' to bool")
        }
      },
      .unary("bool_to_bool", .bool, .bool) { v throws(EvalError) in
        guard case .bool = v else { throw .noOverload("bool", v) }
        return v
      },
    ]),
  ]

  // MARK: Strings extension

  static let extensions: [FunctionDecl] = [
    FunctionDecl("charAt", [
      .method("string_char_at_int", .string, .int, .string) { s, i throws(EvalError) in
        guard case .string(let text) = s, case .int(let index) = i else { throw .noOverload("charAt", s, i) }
        let count = UTF8Text.scalarCount(text)
        guard index >= 0, index <= count else { throw .indexOutOfRange(index) }
        let u = Array(text.utf8)
        let start = UTF8Text.byteOffset(ofScalar: Int(index), in: u)
        let end = UTF8Text.byteOffset(ofScalar: 1, in: u, from: start)
        return .string(String(decoding: u[start..<end], as: UTF8.self))
      },
    ]),
    FunctionDecl("indexOf", [
      .method("string_index_of_string", .string, .string, .int) { s, sub throws(EvalError) in
        guard case .string(let text) = s, case .string(let needle) = sub else { throw .noOverload("indexOf", s, sub) }
        return .int(UTF8Text.indexOf(needle, in: text))
      },
      .method("string_index_of_string_int", .string, .string, .int, .int) { s, sub, off throws(EvalError) in
        guard case .string(let text) = s, case .string(let needle) = sub, case .int(let offset) = off else {
          throw .noOverload("indexOf", s, sub, off)
        }
        return .int(try UTF8Text.indexOf(needle, in: text, offset: offset))
      },
    ]),
    FunctionDecl("lastIndexOf", [
      .method("string_last_index_of_string", .string, .string, .int) { s, sub throws(EvalError) in
        guard case .string(let text) = s, case .string(let needle) = sub else { throw .noOverload("lastIndexOf", s, sub) }
        return .int(UTF8Text.lastIndexOf(needle, in: text))
      },
      .method("string_last_index_of_string_int", .string, .string, .int, .int) { s, sub, off throws(EvalError) in
        guard case .string(let text) = s, case .string(let needle) = sub, case .int(let offset) = off else {
          throw .noOverload("lastIndexOf", s, sub, off)
        }
        return .int(try UTF8Text.lastIndexOf(needle, in: text, offset: offset))
      },
    ]),
    FunctionDecl("lowerAscii", [.method("string_lower_ascii", .string, .string, string("lowerAscii") { .string(UTF8Text.mapASCII($0, upper: false)) })]),
    FunctionDecl("upperAscii", [.method("string_upper_ascii", .string, .string, string("upperAscii") { .string(UTF8Text.mapASCII($0, upper: true)) })]),
    FunctionDecl("replace", [
      .method("string_replace_string_string", .string, .string, .string, .string) { s, old, new throws(EvalError) in
        guard case .string(let text) = s, case .string(let o) = old, case .string(let n) = new else {
          throw .noOverload("replace", s, old, new)
        }
        return .string(try UTF8Text.replace(o, with: n, in: text, limit: -1))
      },
      Overload("string_replace_string_string_int", receiver: true, [.string, .string, .string, .int], .string, .variadic { args throws(EvalError) in
        guard args.count == 4, case .string(let text) = args[0], case .string(let o) = args[1],
              case .string(let n) = args[2], case .int(let limit) = args[3] else {
          throw EvalError(.noSuchOverload, "no such overload: 'replace' applied to (\(args.map(\.kindName).joined(separator: ", ")))")
        }
        return .string(try UTF8Text.replace(o, with: n, in: text, limit: limit))
      }),
    ]),
    FunctionDecl("split", [
      .method("string_split_string", .string, .string, .list(.string)) { s, sep throws(EvalError) in
        guard case .string(let text) = s, case .string(let separator) = sep else { throw .noOverload("split", s, sep) }
        return .list(UTF8Text.split(text, separator: separator, limit: -1).map(Value.string))
      },
      .method("string_split_string_int", .string, .string, .int, .list(.string)) { s, sep, n throws(EvalError) in
        guard case .string(let text) = s, case .string(let separator) = sep, case .int(let limit) = n else {
          throw .noOverload("split", s, sep, n)
        }
        return .list(UTF8Text.split(text, separator: separator, limit: limit).map(Value.string))
      },
    ]),
    FunctionDecl("substring", [
      .method("string_substring_int", .string, .int, .string) { s, a throws(EvalError) in
        guard case .string(let text) = s, case .int(let start) = a else { throw .noOverload("substring", s, a) }
        return .string(try UTF8Text.substring(text, start, nil))
      },
      .method("string_substring_int_int", .string, .int, .int, .string) { s, a, b throws(EvalError) in
        guard case .string(let text) = s, case .int(let start) = a, case .int(let end) = b else {
          throw .noOverload("substring", s, a, b)
        }
        return .string(try UTF8Text.substring(text, start, end))
      },
    ]),
    FunctionDecl("trim", [.method("string_trim", .string, .string, string("trim") { .string(UTF8Text.trim($0)) })]),
    FunctionDecl("reverse", [.method("string_reverse", .string, .string, string("reverse") { .string(String(String.UnicodeScalarView($0.unicodeScalars.reversed()))) })]),
    FunctionDecl("join", [
      .method("list_join", .list(.string), .string) { l throws(EvalError) in try join(l, separator: "") },
      .method("list_join_string", .list(.string), .string, .string) { l, sep throws(EvalError) in
        guard case .string(let separator) = sep else { throw .noOverload("join", l, sep) }
        return try join(l, separator: separator)
      },
    ]),
    FunctionDecl("strings.quote", [
      .unary("strings_quote", .string, .string) { v throws(EvalError) in
        guard case .string(let s) = v else { throw .noOverload("strings.quote", v) }
        let quoted = UTF8Text.quote(s)
        try checkSize("strings.quote", quoted.utf8.count)
        return .string(quoted)
      },
    ]),
    FunctionDecl("format", [
      .method("string_format", .string, .list(.dyn), .string) { s, l throws(EvalError) in
        guard case .string(let template) = s, case .list(let args) = l else { throw .noOverload("format", s, l) }
        return .string(try StringFormat.format(template, args))
      },
    ]),
  ]

  /// `list.join(separator)`: every element must be a string.
  static func join(_ list: Value, separator: String) throws(EvalError) -> Value {
    guard case .list(let items) = list else { throw .noOverload("join", list) }
    var parts: [String] = []
    parts.reserveCapacity(items.count)
    var total = separator.utf8.count * max(items.count - 1, 0)
    for (i, item) in items.enumerated() {
      guard case .string(let s) = item else {
        throw EvalError(.invalidArgument, "join: list element \(i) is \(item.kindName), expected string")
      }
      total += s.utf8.count
      parts.append(s)
    }
    try checkSize("join", total)
    return .string(parts.joined(separator: separator))
  }

  /// Throws when a result of `bytes` bytes would exceed ``Limits/maxStringBytes``.
  static func checkSize(_ function: String, _ bytes: Int) throws(EvalError) {
    guard bytes <= Limits.default.maxStringBytes else { throw .stringTooLong(function, bytes) }
  }

  /// Wraps a function of one string.
  private static func string(_ name: String, _ f: @escaping @Sendable (String) -> Value) -> @Sendable (Value) throws(EvalError) -> Value {
    { v throws(EvalError) in
      guard case .string(let s) = v else { throw .noOverload(name, v) }
      return f(s)
    }
  }

  /// Wraps a function of two strings.
  private static func strings(_ name: String, _ f: @escaping @Sendable (String, String) -> Value) -> @Sendable (Value, Value) throws(EvalError) -> Value {
    { a, b throws(EvalError) in
      guard case .string(let x) = a, case .string(let y) = b else { throw .noOverload(name, a, b) }
      return f(x, y)
    }
  }
}

extension EvalError {
  /// `index out of range: 30`, cel-go's text for string indices.
  static func indexOutOfRange(_ index: Int64) -> EvalError {
    EvalError(.outOfRange, "index out of range: \(index)")
  }
}

/// String algorithms over UTF-8 bytes with code-point indices.
enum UTF8Text {
  @inline(__always) static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

  /// The number of Unicode code points.
  static func scalarCount(_ s: String) -> Int {
    var n = 0
    for b in s.utf8 where !isContinuation(b) { n += 1 }
    return n
  }

  /// The byte offset `count` code points after byte offset `from` (clamped to the end).
  static func byteOffset(ofScalar count: Int, in u: [UInt8], from: Int = 0) -> Int {
    var i = from
    var remaining = count
    while i < u.count, remaining > 0 {
      i += 1
      while i < u.count, isContinuation(u[i]) { i += 1 }
      remaining -= 1
    }
    return i
  }

  /// The number of code points in `u[0..<byteOffset]`.
  static func scalarIndex(ofByte byteOffset: Int, in u: [UInt8]) -> Int {
    var n = 0
    for i in 0..<byteOffset where !isContinuation(u[i]) { n += 1 }
    return n
  }

  /// Whether `sub` occurs in `s`, searched in place (no copies of native strings).
  static func contains(_ sub: String, in s: String) -> Bool {
    var h = s, n = sub
    return h.withUTF8 { hb in n.withUTF8 { nb in search(nb, in: hb, from: 0) != nil } }
  }

  /// The first byte offset ≥ `from` where `n` occurs in `h`.
  static func find(_ n: [UInt8], in h: [UInt8], from: Int) -> Int? {
    h.withUnsafeBufferPointer { hb in n.withUnsafeBufferPointer { nb in search(nb, in: hb, from: from) } }
  }

  private static func search(_ n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard !n.isEmpty else { return from <= h.count ? from : nil }
    guard h.count >= n.count, from <= h.count - n.count, let hBase = h.baseAddress, let nBase = n.baseAddress else { return nil }
    // memchr for the first byte, memcmp for the rest.
    let first = Int32(n[0])
    var i = from
    let last = h.count - n.count
    while i <= last {
      guard let hit = memchr(hBase + i, first, last - i + 1) else { return nil }
      let at = UnsafeRawPointer(hBase).distance(to: UnsafeRawPointer(hit))
      if memcmp(hBase + at, nBase, n.count) == 0 { return at }
      i = at + 1
    }
    return nil
  }

  /// The last byte offset ≤ `through` where `n` occurs in `h`.
  static func findLast(_ n: [UInt8], in h: [UInt8], through: Int) -> Int? {
    guard h.count >= n.count else { return nil }
    var i = min(through, h.count - n.count)
    while i >= 0 {
      var j = 0
      while j < n.count, h[i + j] == n[j] { j += 1 }
      if j == n.count { return i }
      i -= 1
    }
    return nil
  }

  /// `s.indexOf(sub)`: the code-point index of the first occurrence, or -1.
  static func indexOf(_ sub: String, in s: String) -> Int64 {
    let u = Array(s.utf8)
    guard let at = find(Array(sub.utf8), in: u, from: 0) else { return -1 }
    return Int64(scalarIndex(ofByte: at, in: u))
  }

  /// `s.indexOf(sub, offset)`: searching from code point `offset`, which must be in the string
  /// (or equal its length when `sub` is empty).
  static func indexOf(_ sub: String, in s: String, offset: Int64) throws(EvalError) -> Int64 {
    let count = Int64(scalarCount(s))
    guard offset >= 0, offset < count || (sub.isEmpty && offset == count) else { throw .indexOutOfRange(offset) }
    let u = Array(s.utf8)
    let start = byteOffset(ofScalar: Int(offset), in: u)
    guard let at = find(Array(sub.utf8), in: u, from: start) else { return -1 }
    return offset + Int64(scalarIndex(ofByte: at, in: u)) - Int64(scalarIndex(ofByte: start, in: u))
  }

  /// `s.lastIndexOf(sub)`: the code-point index of the last occurrence, or -1; the length of
  /// `s` for an empty `sub`.
  static func lastIndexOf(_ sub: String, in s: String) -> Int64 {
    let u = Array(s.utf8)
    guard let at = findLast(Array(sub.utf8), in: u, through: u.count) else { return -1 }
    return Int64(scalarIndex(ofByte: at, in: u))
  }

  /// `s.lastIndexOf(sub, offset)`: the last occurrence starting at or before code point
  /// `offset`, which must be in the string (or equal its length when `sub` is empty).
  static func lastIndexOf(_ sub: String, in s: String, offset: Int64) throws(EvalError) -> Int64 {
    let count = Int64(scalarCount(s))
    guard offset >= 0, offset < count || (sub.isEmpty && offset == count) else { throw .indexOutOfRange(offset) }
    if sub.isEmpty { return offset }
    let u = Array(s.utf8)
    guard let at = findLast(Array(sub.utf8), in: u, through: byteOffset(ofScalar: Int(offset), in: u)) else { return -1 }
    return Int64(scalarIndex(ofByte: at, in: u))
  }

  /// `s.substring(start[, end])` in code points; `end` defaults to the length.
  static func substring(_ s: String, _ start: Int64, _ end: Int64?) throws(EvalError) -> String {
    let count = Int64(scalarCount(s))
    if let end, start > end { throw EvalError(.outOfRange, "invalid substring range. start: \(start), end: \(end)") }
    guard start >= 0, start <= count else { throw .indexOutOfRange(start) }
    let stop = end ?? count
    guard stop >= 0, stop <= count else { throw .indexOutOfRange(stop) }
    let u = Array(s.utf8)
    let a = byteOffset(ofScalar: Int(start), in: u)
    let b = byteOffset(ofScalar: Int(stop - start), in: u, from: a)
    return String(decoding: u[a..<b], as: UTF8.self)
  }

  /// ASCII letters mapped to one case; other code points unchanged (ASCII bytes never occur
  /// inside multi-byte sequences, so a byte map is exact).
  static func mapASCII(_ s: String, upper: Bool) -> String {
    let (from, to): (UInt8, UInt8) = upper ? (UInt8(ascii: "a"), UInt8(ascii: "A")) : (UInt8(ascii: "A"), UInt8(ascii: "a"))
    let mapped = s.utf8.map { b in b &- from < 26 ? b &- from &+ to : b }
    return String(decoding: mapped, as: UTF8.self)
  }

  /// Go's `strings.Replace(s, old, new, limit)`; a negative limit replaces all. An empty `old`
  /// matches before every code point and at the end.
  static func replace(_ old: String, with new: String, in s: String, limit: Int64) throws(EvalError) -> String {
    if limit == 0 || old == new { return s }
    let u = Array(s.utf8), o = Array(old.utf8), n = Array(new.utf8)
    var positions: [Int] = []
    if o.isEmpty {
      var i = 0
      while limit < 0 || positions.count < limit {
        positions.append(i)
        if i >= u.count { break }
        i = byteOffset(ofScalar: 1, in: u, from: i)
      }
    } else {
      var i = 0
      while limit < 0 || positions.count < limit, let at = find(o, in: u, from: i) {
        positions.append(at)
        i = at + o.count
      }
    }
    guard !positions.isEmpty else { return s }
    let size = u.count + positions.count * (n.count - o.count)
    try StringLibrary.checkSize("replace", size)
    var out: [UInt8] = []
    out.reserveCapacity(size)
    var last = 0
    for p in positions {
      out.append(contentsOf: u[last..<p])
      out.append(contentsOf: n)
      last = p + o.count
    }
    out.append(contentsOf: u[last...])
    return String(decoding: out, as: UTF8.self)
  }

  /// Go's `strings.SplitN(s, sep, limit)`: a negative limit splits everywhere, 0 gives no parts,
  /// and the last of `limit` parts holds the rest. An empty separator splits into code points.
  static func split(_ s: String, separator: String, limit: Int64) -> [String] {
    if limit == 0 { return [] }
    let u = Array(s.utf8), sep = Array(separator.utf8)
    var parts: [String] = []
    var start = 0
    if sep.isEmpty {
      while start < u.count {
        if limit > 0, parts.count == limit - 1 { break }
        let end = byteOffset(ofScalar: 1, in: u, from: start)
        parts.append(String(decoding: u[start..<end], as: UTF8.self))
        start = end
      }
      if start < u.count { parts.append(String(decoding: u[start...], as: UTF8.self)) }
      return parts
    }
    while limit < 0 || parts.count < limit - 1, let at = find(sep, in: u, from: start) {
      parts.append(String(decoding: u[start..<at], as: UTF8.self))
      start = at + sep.count
    }
    parts.append(String(decoding: u[start...], as: UTF8.self))
    return parts
  }

  /// Whether `c` is Unicode White_Space (Go's `unicode.IsSpace`): not the zero-width spaces.
  static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
  }

  /// Leading and trailing Unicode white space removed.
  static func trim(_ s: String) -> String {
    let scalars = s.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isWhitespace($0) })!
    return String(scalars[first...last])
  }

  /// `strings.quote(s)`: a double-quoted CEL string literal with `\a \b \f \n \r \t \v \\ \"`
  /// escaped and every other code point kept as is.
  static func quote(_ s: String) -> String {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    out.reserveCapacity(s.utf8.count + 2)
    for b in s.utf8 {
      switch b {
      case 0x07: out.append(contentsOf: #"\a"#.utf8)
      case 0x08: out.append(contentsOf: #"\b"#.utf8)
      case 0x0C: out.append(contentsOf: #"\f"#.utf8)
      case 0x0A: out.append(contentsOf: #"\n"#.utf8)
      case 0x0D: out.append(contentsOf: #"\r"#.utf8)
      case 0x09: out.append(contentsOf: #"\t"#.utf8)
      case 0x0B: out.append(contentsOf: #"\v"#.utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
      case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, nothing else.
  static func parseInt(_ s: String) throws(EvalError) -> Int64 {
    var u = Substring(s).utf8[...]
    var negative = false
    if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { negative = c == UInt8(ascii: "-"); u = u.dropFirst() }
    guard let magnitude = digits(u) else { throw EvalError(.conversion, "cannot convert string '\(s)' to int") }
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { throw EvalError(.outOfRange, "int conversion of '\(s)' out of range") }
      return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { throw EvalError(.outOfRange, "int conversion of '\(s)' out of range") }
    return Int64(magnitude)
  }

  /// Go's `strconv.ParseUint(s, 10, 64)`: decimal digits only, no sign.
  static func parseUInt(_ s: String) throws(EvalError) -> UInt64 {
    guard let value = digits(Substring(s).utf8[...]) else {
      throw EvalError(.conversion, "cannot convert string '\(s)' to uint")
    }
    return value
  }

  /// Decimal digits to a UInt64; `nil` when empty or not all digits, `UInt64.max` (over every
  /// range check) on overflow.
  private static func digits(_ u: Substring.UTF8View.SubSequence) -> UInt64? {
    guard !u.isEmpty else { return nil }
    var v: UInt64 = 0
    var overflow = false
    for b in u {
      guard b &- UInt8(ascii: "0") < 10 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(b &- UInt8(ascii: "0")))
      overflow = overflow || o1 || o2
      v = a
    }
    return overflow ? .max : v
  }

  /// Go's `strconv.ParseFloat(s, 64)`: decimal or hex floats, `NaN`, `Inf`, `Infinity`
  /// (any case, optional sign); no spaces or underscores; a finite text that overflows is an error.
  static func parseDouble(_ s: String) throws(EvalError) -> Double {
    var body = Substring(s)
    if body.hasPrefix("+") || body.hasPrefix("-") { body = body.dropFirst() }
    let word = body.lowercased()
    let isSpecial = word == "nan" || word == "inf" || word == "infinity"
    guard !body.isEmpty, isSpecial || body.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "_") && $0 > 0x20 }),
          let d = Double(isSpecial ? (s.hasPrefix("-") ? "-" : "") + word : s) else {
      throw EvalError(.conversion, "cannot convert string '\(s)' to double")
    }
    guard d.isFinite || isSpecial else { throw EvalError(.outOfRange, "double conversion of '\(s)' out of range") }
    return d
  }
}
