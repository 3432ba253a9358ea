import ArgumentParser
import Foundation
import PruneCore

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Certifiable machine unlearning of ReLU networks, and its audit.",
        discussion: """
            Exit codes: 0 success, 1 a verification ran and failed, 64 usage error, \
            65 malformed input data, 66 missing or unreadable input, 70 internal error, \
            73 output cannot be created (e.g. it exists), 74 I/O error while writing.
            """,
        version: PruneVersion.string,
        subcommands: [TrainCommand.self, EvalCommand.self, ExportCommand.self, UnlearnCommand.self,
                      BundleCommand.self, VerifyCommand.self, ReportCommand.self, KeygenCommand.self, HashCommand.self, SignModelCommand.self,
                      VerifyModelCommand.self, PackCommand.self, CheckCommand.self,
                      VersionCommand.self, BenchCommand.self]
    )

    /// Parses the arguments and runs the chosen command, mapping errors to exit statuses:
    /// prune's typed errors carry their own status, argument-parser's errors keep theirs
    /// (64 for usage), and anything else is a bug in prune (70).
    static func runAsProcess() -> Never {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let error as any PruneError {
            Console.error("prune: error: \(error.message) [\(error.code)]")
            Foundation.exit(error.exitStatus.rawValue)
        } catch where error is ExitCode || error is CleanExit || error is ValidationError || isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            Console.error("prune: internal error: \(error)")
            Foundation.exit(ExitStatus.internalError.rawValue)
        }
    }

    /// argument-parser answers `--help` by returning a help command whose `run` throws one of
    /// its own (internal) error types; those belong to it, not to prune.
    static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
