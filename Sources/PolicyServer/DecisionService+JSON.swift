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
