import ArgumentParser
import Foundation
import PruneAudit
import PruneCore
import PruneCrypto

/// `prune report html R --out report.html`: the report as one self-contained page a regulator
/// can open in a browser, with no network access (see `ReportHTML`).
struct ReportHTMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write an audit report as one self-contained HTML page (inline CSS, SVG and script; no network).",
        discussion: """
            The page shows the verdict, the inputs and their digests, the global checks, the \
            points per verdict, a histogram of certified margins, the table of points \
            (filterable by verdict), locality and the commands that re-verify the report. With \
            --trust the signature is verified first (exit 1 if it does not verify); without it \
            the page says NOT VERIFIED. The output is never overwritten. Exit 0 written, 1 not \
            verified, 65 malformed, 66 missing, 73 the output exists.
            """)

    @Argument(help: "The report (.json.gz).")
    var report: String

    @Option(help: "A trusted auditor public key (PEM); repeatable. With it the signature is verified first.")
    var trust: [String] = []

    @Option(help: "Where to write the page, e.g. report.html.")
    var out: String

    func run() throws {
        if FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let file = try AuditReportFile.read(path: report)
        let page: ReportHTML
        do {
            if keys.isEmpty {
                let opened = try AuditReportFile.open(file)
                let r = try opened.unverifiedReport()
                page = ReportHTML(report: r, digest: opened.digest, verified: false, signer: nil,
                                  merkleRoot: try r.tree().root().hexString, reportPath: report)
            } else {
                let verified = try AuditReportFile.verify(file, trustedKeys: keys)
                page = ReportHTML(report: verified.report, digest: verified.digest, verified: true,
                                  signer: verified.signer.fingerprint,
                                  merkleRoot: try verified.report.tree().root().hexString, reportPath: report)
            }
        } catch let error as any PruneError {
            throw FileError(path: report, error)
        }
        try FileOutput.write(Data(page.render().utf8), to: out, overwrite: false)
        Console.out("wrote \(out): \(page.report.result.rawValue), \(page.report.points.count) points"
                    + (page.verified ? "" : " (signature NOT VERIFIED)"))
    }
}
