import ArgumentParser

/// `prune report verify|show|prove|check-proof`: the auditor's signed report (`Specs/report.md`).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Verify, show, render (HTML) and prove points of a signed audit report (written by `prune verify --report`).",
        subcommands: [ReportVerifyCommand.self, ReportShowCommand.self, ReportProveCommand.self, ReportCheckProofCommand.self, ReportHTMLCommand.self])
}
