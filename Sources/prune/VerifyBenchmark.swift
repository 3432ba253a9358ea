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

    func run() throws {
        BLAS.threadCount = threads
        var stages = AuditStages()
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let verified = try PatchBundleVerifier(trustedKeys: keys, modelPath: model).verify(paths: bundle)
        stages.lap("bundles: signatures, chain, model binding, patch data")
        let network = try ModelFile.load(path: model)
        let data = try DataOptions.load(forget, labels: forgetLabels, rows: forgetRows)
        try data.validateLabels(classCount: network.outputCount)
        stages.lap("load model and forget data")
        let start = ContinuousClock.now
        let reports = try ForgetAudit(network: network, bundles: verified).run(rows: data.features, labels: data.labels, stages: &stages)
        let elapsed = ContinuousClock.now - start
        let pointSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let counts = Dictionary(grouping: reports, by: \.verdict).mapValues(\.count)
        let total = stages.order.reduce(0) { $0 + stages.seconds[$1]! }
        let bundleBytes = try bundle.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? NSNumber)?.intValue ?? 0) }
        Console.out("| stage | seconds | share |")
        Console.out("| --- | ---: | ---: |")
        for name in stages.order {
            let s = stages.seconds[name]!
            Console.out(String(format: "| %@ | %.3f | %.1f %% |", name, s, 100 * s / max(total, 1e-12)))
        }
        Console.out(String(format: "| total | %.3f | 100 %% |", total))
        Console.out(String(format: "points %d (%@), bundles %d (%d bytes), BLAS threads %d", reports.count,
                           PointVerdict.allCases.compactMap { v in counts[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", "),
                           bundle.count, bundleBytes, BLAS.threadCount))
        Console.out(String(format: "per-point checks: %.1f points/s; whole audit: %.1f points/s; peak RSS %.0f MB",
                           Double(reports.count) / pointSeconds, Double(reports.count) / total, UnlearnBenchmark.peakResidentMegabytes()))
    }
}
