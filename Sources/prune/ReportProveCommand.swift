import ArgumentParser
import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCrypto

/// Writes the inclusion proof of one point (by its commitment) to stdout, for the data
/// holder to keep and check later with `report check-proof` against a root they trust.
struct ReportProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Write the Merkle inclusion proof of one point of a report (JSON, stdout).",
        discussion: """
            The proof holds the point's leaf (its result as canonical JSON: commitment, verdict, \
            margins, patch; no data), its index, the tree size, the audit path, the root and the \
            report digest. With --trust the report's signature is verified first; without it \
            stderr says NOT VERIFIED. Exit 0 written, 1 no such point (or not verified), 65 \
            malformed, 66 missing.
            """)

    @Argument(help: "The report (.json.gz).")
    var report: String

    @Option(help: "The point's commitment (hex SHA-256, as in the bundle and the report).")
    var point: String

    @Option(help: "A trusted auditor public key (PEM); repeatable.")
    var trust: [String] = []

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let file = try AuditReportFile.read(path: report)
        let proof: ReportInclusionProof
        do {
            let (audit, digest): (AuditReport, String)
            if keys.isEmpty {
                let opened = try AuditReportFile.open(file)
                (audit, digest) = (try opened.unverifiedReport(), opened.digest)
                Console.error("NOT VERIFIED: the report's signature was not checked; check the proof against a root from `prune report verify`")
            } else {
                let verified = try AuditReportFile.verify(file, trustedKeys: keys)
                (audit, digest) = (verified.report, verified.digest)
            }
            proof = try ReportInclusionProof(report: audit, reportDigest: digest, commitment: point)
        } catch let error as any PruneError {
            throw FileError(path: report, error)
        }
        FileHandle.standardOutput.write(JSONSerializer.data(try proof.jsonValue, style: .pretty) + Data("\n".utf8))
    }
}
