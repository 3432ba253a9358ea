import ArgumentParser
import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair

/// The auditor's command: verify the owner's signed bundles, then re-check the claim for every
/// forgotten point from the original model, trusting none of the owner's numbers.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit an unlearning claim: verify the bundles, then re-check every forgotten point (C0–C6).",
        discussion: """
            Bundles are verified first (signatures under --trust, patch data, model binding, \
            chain; see Specs/patch-bundle.md). Then each row of --forget is matched to its \
            commitment and its verdict is recomputed: CERTIFIED (region-wide proof), FORGOTTEN \
            (point-level only), NOT_FORGOTTEN, NOT_COVERED, ERROR. Every decision uses rigorous \
            rounding bounds. Overall PASSED only if every row meets --require: 'claimed' (the \
            level the owner claimed for it, the default), 'certified' or 'forgotten'. Exit 0 \
            PASSED, 1 FAILED, 65 malformed input, 66 missing input. With --report, the signed \
            (--key), gzip-compressed audit report is written (Specs/report.md); a bundle that \
            fails verification still gives a FAILED report naming the failing check and its code.
            """)

    enum Requirement: String, ExpressibleByArgument, CaseIterable { case claimed, certified, forgotten }

    @Option(help: "The original model file.")
    var model: String

    @Option(help: "A patch bundle, in chain order; repeatable.")
    var bundle: [String]

    @Option(help: "A trusted public key (PEM); repeatable.")
    var trust: [String]

    @Option(help: "The forget request: samples with labels (CSV, .npy or IDX; gzip allowed).")
    var forget: String?

    @Option(help: "Labels for --forget (.npy, IDX).")
    var forgetLabels: String?

    @Option(help: "Index file selecting rows of --forget.")
    var forgetRows: String?

    // The earlier spellings of the forget request, still read.
    @Option(help: .hidden) var data: String?
    @Option(help: .hidden) var labels: String?
    @Option(help: .hidden) var rows: String?

    @Option(help: "Reference data (retained or held-out samples) on which to report locality: f̂ against f.")
    var reference: String?

    @Option(help: "Labels for --reference (.npy, IDX).")
    var referenceLabels: String?

    @Option(help: "Index file selecting rows of --reference.")
    var referenceRows: String?

    @Option(help: "The level every point must reach: claimed, certified or forgotten.")
    var require: Requirement = .claimed

    @Option(help: "Write the signed, compressed audit report here (Specs/report.md), e.g. audit.json.gz.")
    var report: String?

    @Option(help: "With --report: the auditor's private key (PEM, Ed25519 or ECDSA P-256). Without it the report is unsigned and never verifies.")
    var key: String?

    @Option(help: "With --report: the verification time, RFC 3339 UTC (default: now). Fixing it makes the report reproducible.")
    var time: String?

    @Flag(help: "Also re-solve every CERTIFIED point's region bound with the LP solver (CLP) as an independent cross-check; a disagreement withdraws the verdict (audit.resolve-disagrees). Recorded in the report's policy.")
    var resolve = false

    @Flag(help: "Machine-readable output.")
    var json = false

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key is required") }
        if bundle.isEmpty { throw ValidationError("at least one --bundle is required") }
        if forget != nil && data != nil { throw ValidationError("give the forget request once: --forget (or the older --data), not both") }
        if forget == nil && data == nil { throw ValidationError("the forget request is required: --forget DATA [--forget-labels L] [--forget-rows R]") }
        if forget != nil && (labels != nil || rows != nil) { throw ValidationError("with --forget use --forget-labels and --forget-rows") }
        if report == nil && (key != nil || time != nil) { throw ValidationError("--key and --time apply to --report") }
        if let time, !PatchBundlePredicate.isTimestamp(time) { throw ValidationError("--time \(time) is not RFC 3339 UTC (YYYY-MM-DDThh:mm:ssZ)") }
    }

    /// The forget request's files, whichever spelling was used.
    var forgetFiles: Auditor.DataFiles {
        if let forget { return Auditor.DataFiles(data: forget, labels: forgetLabels, rows: forgetRows) }
        return Auditor.DataFiles(data: data ?? "", labels: labels, rows: rows)
    }

    struct PointOutput: Encodable {
        let row: Int
        let label: Int
        let claim: String?
        let verdict: String
        let meetsRequirement: Bool
        let pointMargin: Double?
        let regionMargin: Double?
        let bundle: Int?
        let note: String
        let checks: [String: String]
    }

    struct LocalityOutput: Encodable {
        let data: String
        let samples: Int
        let predictionsChanged: [Int]
        let changedOutsideRegions: [Int]
        let openGates: Int
        let maxLogitChange: Double
    }

    struct ReportOutput: Encodable {
        let path: String
        let sha256: String
        let signed: Bool
        let merkleRoot: String
        let treeSize: Int
    }

    struct Output: Encodable {
        let result: String
        let locality: LocalityOutput?
        let model: String
        let bundles: [String]
        let require: String
        let counts: [String: Int]
        let points: [PointOutput]
        let report: ReportOutput?
    }

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        // The auditor's key is read before any work, so a bad key costs nothing.
        let auditorKey = try key.map { try PrivateKey(pemFile: $0) }
        let policy = AuditPolicy(require: AuditPolicy.Requirement(rawValue: require.rawValue) ?? .claimed, resolve: resolve)
        let inputs = Auditor.Inputs(
            model: model, bundles: bundle, trustedKeys: keys, forget: forgetFiles,
            reference: reference.map { Auditor.DataFiles(data: $0, labels: referenceLabels, rows: referenceRows) },
            policy: policy, time: time ?? PatchBundlePredicate.timestamp(Date()))
        var progress = Progress()
        let outcome = try Auditor.run(inputs, progress: { progress.line("prune verify: \($0)") })
        if let failure = outcome.globalFailure, report == nil { throw failure }

        let points = outcome.points.map { r in
            PointOutput(row: r.row, label: r.label, claim: r.claim, verdict: r.verdict.rawValue,
                        meetsRequirement: policy.meets(verdict: r.verdict, claim: r.claim), pointMargin: r.pointMargin,
                        regionMargin: r.regionMargin, bundle: r.bundle, note: r.note,
                        checks: Dictionary(r.checks.map { ($0.check, $0.status.rawValue) }, uniquingKeysWith: { $1 }))
        }
        let audit = outcome.report
        let locality = audit.locality.map { l in
            LocalityOutput(data: reference ?? "", samples: l.samples, predictionsChanged: l.predictionsChanged,
                           changedOutsideRegions: l.changedOutsideRegions, openGates: l.openGates, maxLogitChange: l.maxLogitChange)
        }
        var reportOutput: ReportOutput?
        if let report {
            let encoded = try AuditReportFile.write(audit, key: auditorKey, to: report)
            let tree = try audit.tree()
            reportOutput = ReportOutput(path: report, sha256: encoded.digest, signed: auditorKey != nil,
                                        merkleRoot: try tree.root().hexString, treeSize: tree.size)
        }
        let counts = Dictionary(audit.verdictCounts.filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: +)
        let output = Output(result: audit.result.rawValue, locality: locality, model: model, bundles: bundle, require: require.rawValue,
                            counts: counts, points: points, report: reportOutput)
        if json {
            try Console.json(output)
        } else {
            if let failure = outcome.globalFailure {
                Console.out("global check failed: \(audit.checks.first { $0.status == .fail }?.name ?? "?") [\(failure.code)]; "
                            + "\(audit.points.count) points NOT_CHECKED")
            }
            if !points.isEmpty {
                Console.out("| row | label | claim | verdict | point margin | region margin |")
                Console.out("| ---: | ---: | --- | --- | ---: | ---: |")
            }
            for p in points {
                Console.out("| \(p.row) | \(p.label) | \(p.claim ?? "–") | \(p.verdict)\(p.meetsRequirement ? "" : " ✗") | "
                            + "\(p.pointMargin.map { String(format: "%.4g", $0) } ?? "–") | "
                            + "\(p.regionMargin.map { String(format: "%.4g", -$0) } ?? "–") |")
            }
            Console.out(PointVerdict.allCases.compactMap { v in counts[v.rawValue].map { "\(v.rawValue) \($0)" } }.joined(separator: ", "))
            if let l = locality {
                Console.out("locality on \(l.data) (\(l.samples) samples, not a pass/fail check): predictions changed \(l.predictionsChanged.count)"
                            + (l.predictionsChanged.isEmpty ? "" : " at \(l.predictionsChanged.prefix(20).map(String.init).joined(separator: ","))")
                            + "; logits changed outside every patched region \(l.changedOutsideRegions.count)"
                            + (l.changedOutsideRegions.isEmpty ? "" : " at \(l.changedOutsideRegions.prefix(20).map(String.init).joined(separator: ","))")
                            + "; gates open at \(l.openGates); max |f̂ − f| \(String(format: "%.4g", l.maxLogitChange))")
            }
            if let r = reportOutput {
                Console.out("report \(r.path): sha256:\(r.sha256) (SHA-256 of the uncompressed bytes), \(r.signed ? "signed" : "UNSIGNED"), "
                            + "Merkle root \(r.merkleRoot) over \(r.treeSize) points")
            }
            Console.out("\(output.result): \(points.filter(\.meetsRequirement).count) of \(audit.points.count) points meet --require \(require.rawValue)")
        }
        if let failure = outcome.globalFailure {
            Console.error("prune: error: \(failure.message) [\(failure.code)]")
            throw ExitCode(failure.exitStatus.rawValue)
        }
        if audit.result != .passed { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
    }
}
