import ArgumentParser
import Foundation
import PruneAudit
import PruneCore
import PruneCrypto

/// Shows what a report records: the summary, then every point, worst first. Without --trust
/// the signature is not checked, and the output says so.
struct ReportShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an audit report: summary and per-point table, worst points first.",
        discussion: """
            The report is parsed strictly and its derived fields (Merkle root, counts, result) are \
            checked against its leaves. Its signature is checked only with --trust; otherwise \
            the first line says NOT VERIFIED. Exit 0 shown, 1 not verified (with --trust), 65 \
            malformed, 66 missing.
            """)

    @Argument(help: "The report (.json.gz).")
    var report: String

    @Option(help: "A trusted auditor public key (PEM); repeatable. With it the signature is verified first.")
    var trust: [String] = []

    @Option(help: "Points to list (0: all).")
    var limit: Int = 50

    @Flag(help: "Machine-readable output (every point).")
    var json = false

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let file = try AuditReportFile.read(path: report)
        let summary: ReportSummary
        do {
            if keys.isEmpty {
                let opened = try AuditReportFile.open(file)
                summary = try ReportSummary(try opened.unverifiedReport(), digest: opened.digest, verified: false,
                                            signed: opened.isSigned, signer: nil)
            } else {
                let verified = try AuditReportFile.verify(file, trustedKeys: keys)
                summary = try ReportSummary(verified.report, digest: verified.digest, verified: true, signed: true,
                                            signer: verified.signer.fingerprint)
            }
        } catch let error as any PruneError {
            throw FileError(path: report, error)
        }
        if json { return try Console.json(summary) }
        if !summary.verified { Console.out("NOT VERIFIED: the signature was not checked (prune report verify --trust AUDITOR.pub)") }
        summary.printHuman(limit: limit > 0 ? limit : nil)
    }
}
