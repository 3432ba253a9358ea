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
            PASSED, 1 FAILED, 65 malformed input, 66 missing input. The signed report is not \
            written yet.
            """)

    enum Requirement: String, ExpressibleByArgument, CaseIterable { case claimed, certified, forgotten }

    @Option(help: "The original model file.")
    var model: String

    @Option(help: "A patch bundle, in chain order; repeatable.")
    var bundle: [String]

    @Option(help: "A trusted public key (PEM); repeatable.")
    var trust: [String]

    @OptionGroup var forget: DataOptions

    @Option(help: "Reference data (retained or held-out samples) on which to report locality: f̂ against f.")
    var reference: String?

    @Option(help: "Labels for --reference (.npy, IDX).")
    var referenceLabels: String?

    @Option(help: "Index file selecting rows of --reference.")
    var referenceRows: String?

    @Option(help: "The level every point must reach: claimed, certified or forgotten.")
    var require: Requirement = .claimed

    @Flag(help: "Machine-readable output.")
    var json = false

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key is required") }
        if bundle.isEmpty { throw ValidationError("at least one --bundle is required") }
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

    struct Output: Encodable {
        let result: String
        let locality: LocalityOutput?
        let model: String
        let bundles: [String]
        let require: String
        let counts: [String: Int]
        let points: [PointOutput]
    }

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let verified = try PatchBundleVerifier(trustedKeys: keys, modelPath: model).verify(paths: bundle)
        let network = try ModelFile.load(path: model)
        let data = try forget.load()
        guard data.featureCount == network.inputCount else {
            throw ModelError.inputMismatch(detail: "\(forget.data) has \(data.featureCount) features, \(model) takes \(network.inputCount)")
        }
        try data.validateLabels(classCount: network.outputCount)
        let reports = try ForgetAudit(network: network, bundles: verified).run(rows: data.features, labels: data.labels)
        let points = reports.map { r in
            PointOutput(row: r.row, label: r.label, claim: r.claim, verdict: r.verdict.rawValue,
                        meetsRequirement: meets(r), pointMargin: r.pointMargin, regionMargin: r.regionMargin,
                        bundle: r.bundle, note: r.note,
                        checks: Dictionary(r.checks.map { ($0.check, $0.status.rawValue) }, uniquingKeysWith: { $1 }))
        }
        let passed = points.allSatisfy(\.meetsRequirement)
        let locality = try reference.map { path -> LocalityOutput in
            let data = try DataOptions.load(path, labels: referenceLabels, rows: referenceRows)
            guard data.featureCount == network.inputCount else {
                throw ModelError.inputMismatch(detail: "\(path) has \(data.featureCount) features, \(model) takes \(network.inputCount)")
            }
            var inputs = data.features
            network.input.preprocessing.apply(to: &inputs, featureCount: data.featureCount)
            let report = try LocalityAudit.run(PatchedNetwork(network: network, patches: verified.flatMap(\.patches)), inputs: inputs)
            return LocalityOutput(data: path, samples: report.count, predictionsChanged: report.changedPredictions,
                                  changedOutsideRegions: report.changedOutsideRegions, openGates: report.openGates,
                                  maxLogitChange: report.maxLogitChange)
        }
        let counts = Dictionary(grouping: points, by: \.verdict).mapValues(\.count)
        let output = Output(result: passed ? "PASSED" : "FAILED", locality: locality, model: model, bundles: bundle, require: require.rawValue,
                            counts: counts, points: points)
        if json {
            try Console.json(output)
        } else {
            Console.out("| row | label | claim | verdict | point margin | region margin |")
            Console.out("| ---: | ---: | --- | --- | ---: | ---: |")
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
            Console.out("\(output.result): \(points.filter(\.meetsRequirement).count) of \(points.count) points meet --require \(require.rawValue)")
        }
        if !passed { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
    }

    func meets(_ r: ForgetAudit.PointReport) -> Bool {
        switch require {
        case .certified: return r.verdict == .certified
        case .forgotten: return r.verdict == .certified || r.verdict == .forgotten
        case .claimed:
            if r.claim == "region-certified" { return r.verdict == .certified }
            return r.verdict == .certified || r.verdict == .forgotten
        }
    }
}
