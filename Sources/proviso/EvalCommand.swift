import Foundation
import PolicyExpr

/// `proviso eval 'EXPR'` and `proviso eval --cases FILE.jsonl`.
enum EvalCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["typed"], options: ["var", "type", "cases"])
    if let cases = a.option("cases") { return try runCases(cases) }
    guard a.positional.count == 1 else { throw UsageError(message: "eval needs one expression (quote it) or --cases FILE") }
    var bindings: [String: Value] = [:], types: [String: CELType] = [:]
    for spec in a.options["type"] ?? [] {
      let (name, text) = try split(spec, "--type")
      do { types[name] = try TypeString.parse(text) } catch { throw UsageError(message: "--type \(name): \(error)") }
    }
    for spec in a.options["var"] ?? [] {
      let (name, text) = try split(spec, "--var")
      let bytes = Array(text.utf8)
      if let t = types[name] {
        switch JSONSchemaDecoder.decode(bytes, as: t) {
        case .success(let v): bindings[name] = v
        case .failure(let e): throw UsageError(message: "--var \(name): \(e.errors.map(\.message).joined(separator: "; "))")
        }
      } else {
        switch JSONSchemaDecoder.decode(bytes, as: .dyn) {
        case .success(let v): bindings[name] = v
        case .failure: bindings[name] = .string(text)  // a bare word is a string: --var applicant=S-17
        }
      }
    }
    let source = a.positional[0]
    switch OneShot.evaluate(source, bindings: bindings, types: types) {
    case .value(let v, _):
      Console.out(a.has("typed") ? TypedValue.string(v) : JSONWriter.string(v))
      return .ok
    case .compileError(let ds):
      let file = SourceFile(path: "<expr>", text: source)
      Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(ds.map { $0.located(in: file, mapping: .identity) }))
      return .dataError
    case .runtimeError(let e, let range):
      let file = SourceFile(path: "<expr>", text: source)
      let d = Diagnostic(.error, code: "eval_error", message: "\(e.kind.rawValue): \(e.message)", range: range, file: file)
      Console.error(DiagnosticRenderer(colors: Console.stderrIsTerminal).render(d))
      return .failed
    }
  }

  static func split(_ spec: String, _ option: String) throws(UsageError) -> (String, String) {
    guard let eq = spec.firstIndex(of: "=") else { throw UsageError(message: "\(option) takes name=value, got '\(spec)'") }
    return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
  }

  /// One case per line: `{"id", "expr", "bindings": {name: typed}, "types": {name: "type"}}`.
  static func runCases(_ path: String) throws -> ExitStatus {
    let bytes = try Console.read(path)
    var out: [UInt8] = []
    var lineNumber = 0
    for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
      lineNumber += 1
      guard line.contains(where: { $0 != 32 && $0 != 13 }) else { continue }
      out += CaseLine.evaluate(Array(line), lineNumber: lineNumber)
      out.append(10)
      if out.count > 1 << 16 { Console.out(bytes: out); out.removeAll(keepingCapacity: true) }
    }
    Console.out(bytes: out)
    return .ok
  }
}

/// One `--cases` line in, one result line out; never throws.
enum CaseLine {
  static func evaluate(_ line: [UInt8], lineNumber: Int) -> [UInt8] {
    var w = JSONWriter()
    func finish(_ id: JSONValue?, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
      w.bytes.append(UInt8(ascii: "{"))
      w.writeString("id"); w.bytes.append(UInt8(ascii: ":"))
      if let id { w.write(id) } else { w.writeString("line \(lineNumber)") }
      w.bytes.append(UInt8(ascii: ","))
      body(&w)
      w.bytes.append(UInt8(ascii: "}"))
      return w.bytes
    }
    func fail(_ id: JSONValue?, _ message: String) -> [UInt8] {
      finish(id) { w in w.writeString("error"); w.bytes.append(UInt8(ascii: ":")); w.writeString(message) }
    }
    let json: JSONValue
    do { json = try JSONReader.parse(line) } catch { return fail(nil, "malformed case: \(error.description)") }
    guard case .object(let o) = json else { return fail(nil, "a case must be a JSON object") }
    let id = o["id"]
    guard case .string(let expr)? = o["expr"] else { return fail(id, "the case has no \"expr\" string") }
    var types: [String: CELType] = [:], bindings: [String: Value] = [:]
    if case .object(let t)? = o["types"] {
      for (k, v) in zip(t.keys, t.values) {
        guard case .string(let s) = v else { return fail(id, "type of '\(k)' must be a string") }
        do { types[k] = try TypeString.parse(s) } catch { return fail(id, "type of '\(k)': \(error)") }
      }
    }
    if case .object(let b)? = o["bindings"] {
      for (k, v) in zip(b.keys, b.values) {
        do { bindings[k] = try TypedValue.decode(v) } catch { return fail(id, "binding '\(k)': \(error)") }
      }
    }
    var checked = true
    if case .bool(true)? = o["disable_check"] { checked = false }
    switch OneShot.evaluate(expr, bindings: bindings, types: types, checked: checked) {
    case .value(let v, _):
      return finish(id) { w in w.writeString("value"); w.bytes.append(UInt8(ascii: ":")); TypedValue.write(v, to: &w) }
    case .compileError(let ds):
      let file = SourceFile(path: "<expr>", text: expr)
      let first = ds.first { $0.severity == .error }.map { $0.located(in: file, mapping: .identity) }
      let text = first.map { "\($0.location.map { "\($0.line):\($0.column): " } ?? "")\($0.message)" } ?? "compile error"
      return fail(id, text)
    case .runtimeError(let e, _):
      return fail(id, "\(e.kind.rawValue): \(e.message)")
    }
  }
}
