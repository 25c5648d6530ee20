import PolicyJSON

extension DecisionService {
  /// `{"policies":[{"id":…,"version":…,"loaded_at":…,"source_file":…,"last_reload_error":null|{…}}]}`.
  static func policiesJSON(_ policies: [PolicyStatus]) -> [UInt8] {
    var writer = JSONWriter(capacity: 128 * (policies.count + 1))
    writer.raw("{\"policies\":[")
    for (index, policy) in policies.enumerated() {
      if index > 0 { writer.raw(",") }
      writeStatus(policy, into: &writer)
      writer.raw("}")
    }
    writer.raw("]}")
    return writer.bytes
  }

  /// The status fields of `detail` plus `"source":…`.
  static func policyJSON(_ detail: PolicyDetail) -> [UInt8] {
    var writer = JSONWriter(capacity: 256 + detail.source.utf8.count)
    writeStatus(detail.status, into: &writer)
    writer.raw(",\"source\":")
    writer.string(detail.source)
    writer.raw("}")
    return writer.bytes
  }

  /// `{"reloaded":[{"policy":…,"status":"ok","version":…} | {"policy":…,"status":"failed","error":{…}}]}`.
  static func reloadJSON(_ results: [ReloadResult]) -> [UInt8] {
    var writer = JSONWriter()
    writer.raw("{\"reloaded\":[")
    for (index, result) in results.enumerated() {
      if index > 0 { writer.raw(",") }
      writer.raw("{\"policy\":")
      writer.string(result.policy)
      if let error = result.error {
        writer.raw(",\"status\":\"failed\",\"error\":")
        writer.rawBytes(error.json)
      } else {
        writer.raw(",\"status\":\"ok\",\"version\":")
        if let version = result.version { writer.string(version) } else { writer.null() }
      }
      writer.raw("}")
    }
    writer.raw("]}")
    return writer.bytes
  }

  /// Writes `{"id":…,…,"last_reload_error":…` without the closing brace.
  private static func writeStatus(_ status: PolicyStatus, into writer: inout JSONWriter) {
    writer.raw("{\"id\":")
    writer.string(status.id)
    writer.raw(",\"version\":")
    writer.string(status.version)
    writer.raw(",\"loaded_at\":")
    writer.string(LogTime.format(micros: status.loadedAt))
    writer.raw(",\"source_file\":")
    writer.string(status.sourceFile)
    writer.raw(",\"last_reload_error\":")
    if let error = status.lastReloadError { writer.rawBytes(error.json) } else { writer.null() }
  }
}

extension DecisionService {
  /// The answer for a body the engine refused: when the refusal is that the body is not JSON (the
  /// decoder's `input_malformed_json`), the 400 `malformed_json` answer located by the reader's
  /// error; otherwise `rejected` as it is. Runs the reader again only on that error path.
  static func malformedBody(_ body: [UInt8], rejected: WireError) -> WireError {
    guard rejected.errors.contains(where: { $0.code == InputError.Code.malformed.rawValue }) else { return rejected }
    do {
      _ = try JSONWriter.canonical(body)
      return rejected
    } catch {
      return .malformedJSON(error)
    }
  }
}

extension WireError {
  /// 400 `malformed_json` for a body the JSON reader refused, located by its line and column
  /// (1-based, the column in Unicode scalars); the detail's message is the reader's
  /// (`expected ',' or '}', found ']'`).
  static func malformedJSON(_ error: JSONError) -> WireError {
    .malformedJSON(line: error.line, column: error.column, problem: error.message)
  }
}
