import ArgumentParser
import Foundation
import PruneAudit
import PruneCore

/// Checks a point's inclusion proof against a root the data holder trusts.
struct ReportCheckProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-proof",
        abstract: "Check an inclusion proof (from `report prove`) against a trusted Merkle root.",
        discussion: """
            Recomputes the root from the leaf and the audit path (RFC 9162 §2.1.3.2) and \
            compares it with --root, which must come from a verified report. With --point the \
            leaf must also hold that commitment. Exit 0 the proof verifies, 1 it does not, 65 \
            malformed proof, 66 missing file.
            """)

    @Argument(help: "The proof (JSON).")
    var proof: String

    @Option(help: "The trusted Merkle root (hex), e.g. from `prune report verify`.")
    var root: String

    @Option(help: "Require the leaf to hold this commitment.")
    var point: String?

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Output: Encodable {
        let verified: Bool
        let root: String
        let index: Int
        let treeSize: Int
        let reportDigest: String
        let row: Int
        let commitment: String?
        let verdict: String
        let code: String?
    }

    func run() throws {
        let data = try FileOutput.readSmallFile(proof, limit: 16 << 20)
        let output: Output
        do {
            let parsed = try ReportInclusionProof(jsonData: data)
            try parsed.check(trustedRoot: root)
            let leaf = try parsed.point()
            if let point, leaf.commitment != point.lowercased() {
                throw AuditReportError.proofInvalid(reason: "the leaf holds commitment \(leaf.commitment ?? "none"), not \(point)")
            }
            output = Output(verified: true, root: parsed.root, index: parsed.proof.index, treeSize: parsed.proof.treeSize,
                            reportDigest: parsed.reportDigest, row: leaf.row, commitment: leaf.commitment,
                            verdict: leaf.verdict.rawValue, code: leaf.code?.rawValue)
        } catch let error as any PruneError {
            throw FileError(path: proof, error)
        }
        if json { return try Console.json(output) }
        Console.out("VERIFIED: leaf \(output.index) of \(output.treeSize) under root \(output.root) (report sha256:\(output.reportDigest))")
        Console.out("  row \(output.row), commitment \(output.commitment ?? "–"): \(output.verdict)\(output.code.map { " [\($0)]" } ?? "")")
    }
}
