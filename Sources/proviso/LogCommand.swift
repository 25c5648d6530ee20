import Foundation
import PolicyServer

/// `proviso log --log FILE.sqlite [--id ID] [--policy P] [--since TS] [--until TS] [--limit N] [--reloads]`:
/// decisions from the decision log as JSONL, each with the name of the token that asked (`"token"`);
/// `--reloads` prints the recorded `POST /v1/reload` calls instead.
enum LogCommand {
  static func run(_ args: ArraySlice<String>) throws -> ExitStatus {
    let a = try Arguments(args, flags: ["reloads"], options: ["log", "id", "policy", "since", "until", "limit"])
    guard let path = a.option("log") else { throw UsageError(message: "log needs --log FILE.sqlite") }
    do {
      let reader = try DecisionLogReader(path: path)
      if a.has("reloads") {
        for r in try reader.reloads() { Console.out(r.jsonLine) }
        return .ok
      }
      if let id = a.option("id") {
        guard let r = try reader.decision(id: id) else {
          Console.error("proviso log: no decision '\(id)' in \(path)")
          return .failed
        }
        Console.out(r.jsonLine)
        return .ok
      }
      let query = DecisionQuery(policy: a.option("policy"), since: try a.option("since").map(micros), until: try a.option("until").map(micros),
                                limit: a.option("limit").flatMap(Int.init))
      var out: [UInt8] = []
      try reader.forEachDecision(matching: query) { r in
        out += Array(r.jsonLine.utf8); out.append(10)
        if out.count > 1 << 16 { Console.out(bytes: out); out.removeAll(keepingCapacity: true) }
        return true
      }
      Console.out(bytes: out)
      return .ok
    } catch let e as DecisionLogError {
      Console.error("proviso log: \(e)")
      return .ioError
    }
  }

  /// An RFC 3339 time as microseconds since the epoch (the log's clock).
  static func micros(_ text: String) throws(UsageError) -> Int64 {
    let t = try RunCommand.parseNow(text)
    return t.seconds * 1_000_000 + Int64(t.nanos / 1000)
  }
}
