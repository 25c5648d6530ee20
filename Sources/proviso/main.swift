import Foundation

// proviso: check, test, run, diff, eval, score, serve, replay, log. Each subcommand is one file.
let commands: [String: (ArraySlice<String>) throws -> ExitStatus] = [
  "check": CheckCommand.run, "test": TestCommand.run, "run": RunCommand.run, "diff": DiffCommand.run,
  "eval": EvalCommand.run, "score": ScoreCommand.run, "serve": ServeCommand.run, "log": LogCommand.run,
  "replay": ReplayCommand.run,
  "lsp": LSPCommand.run,
  "watch": WatchCommand.run,
]

let args = CommandLine.arguments
guard args.count >= 2, let command = commands[args[1]] else {
  Console.error(Help.text)
  exit(args.count >= 2 && (args[1] == "--help" || args[1] == "help") ? 0 : ExitStatus.usage.rawValue)
}
do {
  exit(try command(args.dropFirst(2)).rawValue)
} catch let e as UsageError {
  Console.error("proviso \(args[1]): \(e.message)\n\n\(Help.text)")
  exit(ExitStatus.usage.rawValue)
} catch let e as IOFailure {
  Console.error("proviso \(args[1]): \(e.message)")
  exit(ExitStatus.ioError.rawValue)
} catch {
  Console.error("proviso \(args[1]): internal error: \(error)")
  exit(ExitStatus.internalError.rawValue)
}
