import ArgumentParser
import Foundation
import PruneAudit
import PruneBLAS
import PruneBundle
import PruneCrypto
import PruneModel

/// The auditor's throughput: a full `prune verify` of a signed unlearning claim on one core,
/// with the time of every stage and the peak memory. The inputs are an owner's real output
/// (scripts/bench/verify-mnist.sh makes them on MNIST with `prune unlearn`).
struct VerifyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit throughput: points per second of the full check, split by stage, and peak memory.",
        discussion: "Run scripts/bench/verify-mnist.sh to make a certified MNIST claim and time its audit.")

    @Option(help: "The original model file.")
    var model: String

    @Option(help: "A patch bundle, in chain order; repeatable.")
    var bundle: [String]

    @Option(help: "A trusted public key (PEM); repeatable.")
    var trust: [String]

    @Option(help: "The forget request's samples.")
    var forget: String

    @Option(help: "Labels for --forget (.npy, IDX).")
    var forgetLabels: String?

    @Option(help: "Index file selecting rows of --forget.")
    var forgetRows: String?

    @Option(help: "BLAS threads (the target is stated for one core).")
    var threads: Int = 1

    @Option(help: "Bundle bytes kept in memory before certificates are re-read per bundle (default 64 MiB, one bundle of the largest size; 0 re-reads always).")
    var certificateBudget: Int = AuditBundleSet.defaultCertificateBudget

    @Option(help: "Auditor key (PEM) to sign the report; an ephemeral Ed25519 key by default.")
    var key: String?

    func run() throws {
        BLAS.threadCount = threads
        var stages = AuditStages(memoryProbe: { UnlearnBenchmark.peakResidentMegabytes() })
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let auditorKey = try key.map { try PrivateKey(pemFile: $0) } ?? PrivateKey.generate(.ed25519)
        var inputs = Auditor.Inputs(model: model, bundles: bundle, trustedKeys: keys,
                                    forget: Auditor.DataFiles(data: forget, labels: forgetLabels, rows: forgetRows),
                                    reference: nil, policy: AuditPolicy(require: .claimed, resolve: false),
                                    time: "2026-01-01T00:00:00Z")
        inputs.certificateBudget = certificateBudget
        let start = ContinuousClock.now
        let outcome = try Auditor.run(inputs, stages: &stages)
        if let failure = outcome.globalFailure { throw failure }
        // The signed, compressed report in memory: the bytes `prune verify --report` writes.
        let encoded = try AuditReportFile.encode(outcome.report, key: auditorKey)
        stages.lap(AuditStages.report)
        let elapsed = ContinuousClock.now - start
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let perPoint = AuditStages.perPoint.reduce(0) { $0 + (stages.seconds[$1] ?? 0) }
        let reports = outcome.points
        let counts = Dictionary(grouping: reports, by: \.verdict).mapValues(\.count)
        let bundleBytes = try bundle.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? NSNumber)?.intValue ?? 0) }
        Console.out("| stage | seconds | share | peak RSS by then, MB |")
        Console.out("| --- | ---: | ---: | ---: |")
        for name in stages.order {
            let s = stages.seconds[name]!
            Console.out(String(format: "| %@ | %.3f | %.1f %% | %.0f |", name, s, 100 * s / max(total, 1e-12), stages.peakMegabytes[name] ?? 0))
        }
        Console.out(String(format: "| total | %.3f | 100 %% | |", total))
        Console.out(String(format: "points %d (%@), bundles %d (%d bytes, certificates re-read for %d), report %d bytes, BLAS threads %d",
                           reports.count,
                           PointVerdict.allCases.compactMap { v in counts[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", "),
                           bundle.count, bundleBytes, outcome.rereadBundles, encoded.file.count, BLAS.threadCount))
        Console.out(String(format: "per-point checks: %.1f points/s; whole audit: %.1f points/s; peak RSS %.0f MB",
                           Double(reports.count) / max(perPoint, 1e-12), Double(reports.count) / total,
                           UnlearnBenchmark.peakResidentMegabytes()))
    }
}
