import ArgumentParser
import Foundation
import PruneAudit
import PruneCore
import PruneCrypto

/// Verifies an audit report: canonical bytes, the auditor's signature, the schema, and every
/// derived field recomputed from the leaves; with --recheck, the audit itself re-run.
struct ReportVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an audit report: signature, schema, Merkle root, counts; --recheck re-runs the audit.",
        discussion: """
            Checks, in the order of Specs/report.md: gzip and JSON in their canonical form, the \
            DSSE signature under the --trust keys, the in-toto Statement and its predicate, the \
            policy digest, the Merkle root and size recomputed from the leaves, the counts and \
            the overall result recomputed from the leaves and checks. With --recheck the audit \
            is run again on the given files, which must be the ones the report names, and must \
            give the same checks, leaves and locality. Exit 0 the report verified (whatever \
            result it records: see "result"), 1 it did not, 64 usage, 65 malformed, 66 missing.
            """)

    @Argument(help: "The report (.json.gz).")
    var report: String

    @Option(help: "A trusted auditor public key (PEM); repeatable.")
    var trust: [String]

    @Flag(help: "Re-run the audit on the given inputs and require the same results.")
    var recheck = false

    @Option(help: "With --recheck: the original model file.")
    var model: String?

    @Option(help: "With --recheck: a patch bundle, in chain order; repeatable.")
    var bundle: [String] = []

    @Option(help: "With --recheck: a trusted key of the model owner (PEM); repeatable.")
    var trustBundle: [String] = []

    @Option(help: "With --recheck: the forget request (data).")
    var forget: String?

    @Option(help: "With --recheck: labels for --forget.")
    var forgetLabels: String?

    @Option(help: "With --recheck: index file of --forget rows.")
    var forgetRows: String?

    @Option(help: "With --recheck: the reference data, if the report has some.")
    var reference: String?

    @Option(help: "With --recheck: labels for --reference.")
    var referenceLabels: String?

    @Option(help: "With --recheck: index file of --reference rows.")
    var referenceRows: String?

    @Flag(help: "Machine-readable output.")
    var json = false

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key (the auditor's) is required") }
        let recheckInputs = model != nil || !bundle.isEmpty || !trustBundle.isEmpty || forget != nil || reference != nil
        if recheck {
            if model == nil || bundle.isEmpty || trustBundle.isEmpty || forget == nil {
                throw ValidationError("--recheck needs --model, --bundle, --trust-bundle and --forget")
            }
        } else if recheckInputs {
            throw ValidationError("--model, --bundle, --trust-bundle, --forget and --reference go with --recheck")
        }
    }

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let file = try AuditReportFile.read(path: report)
        let verified: AuditReportFile.Verified
        do {
            verified = try AuditReportFile.verify(file, trustedKeys: keys)
            if recheck { try runRecheck(verified.report) }
        } catch let error as any PruneError {
            throw FileError(path: report, error)
        }
        let summary = try ReportSummary(verified.report, digest: verified.digest, verified: true, signed: true,
                                        signer: verified.signer.fingerprint)
        if json { return try Console.json(summary) }
        Console.out("VERIFIED: \(report) sha256:\(verified.digest), signed by key sha256:\(verified.signer.fingerprint)")
        Console.out("  the audit it records: \(summary.result) under --require \(summary.require), \(summary.treeSize) points, "
                    + "Merkle root \(summary.merkleRoot)" + (recheck ? "; --recheck: the same results" : ""))
    }

    func runRecheck(_ report: AuditReport) throws {
        let inputs = Auditor.Inputs(
            model: model ?? "", bundles: bundle, trustedKeys: try trustBundle.map { try PublicKey(pemFile: $0) },
            forget: Auditor.DataFiles(data: forget ?? "", labels: forgetLabels, rows: forgetRows),
            reference: reference.map { Auditor.DataFiles(data: $0, labels: referenceLabels, rows: referenceRows) },
            policy: report.policy, time: report.timeVerified, verifierVersion: report.verifierVersion)
        var progress = Progress()
        try Auditor.recheck(report, inputs: inputs, progress: { progress.line("prune report verify: \($0)") })
    }
}
