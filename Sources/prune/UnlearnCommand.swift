import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair

/// The model owner's command: forget points (or a whole class) by patching, and write the
/// patch file that `prune bundle sign` turns into signed evidence.
struct UnlearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlearn",
        abstract: "Forget training points by PRUNE patches with region certificates; write a patch file.",
        discussion: """
            Each forgotten point gets a patch that makes another class (the runner-up by default) \
            win on its whole linear region by --margin, with a dual certificate per region. \
            Gates are calibrated on --retained data so that no retained point outside the \
            patched regions changes. With --class K every sample of class K in --forget is \
            forgotten, one patch per region, with gates over the first hidden layer's rows \
            only (--gate-layers 1) so that they reach the class's unseen samples; give the \
            retained samples of the other classes as --retained to calibrate them.
            """)

    @Option(help: "The original model (.onnx or .nnet).")
    var model: String

    @Option(help: "The forget request: samples with labels (CSV, .npy or IDX).")
    var forget: String

    @Option(help: "Labels for --forget (.npy, IDX).")
    var forgetLabels: String?

    @Option(help: "Index file selecting rows of --forget.")
    var forgetRows: String?

    @Option(help: "Retained reference data that calibrates the gates (recommended).")
    var retained: String?

    @Option(help: "Labels for --retained (.npy, IDX).")
    var retainedLabels: String?

    @Option(help: "Index file selecting rows of --retained.")
    var retainedRows: String?

    @Option(help: "Forget every sample of this class in --forget.")
    var `class`: Int?

    @Option(help: "all: every point's own region is certified; representatives: one per cluster.")
    var certify: CertifyPolicy = .all

    @Option(help: "Region bounds: fast (dual first-order, default) or exact (one CLP LP per spec row).")
    var bounds: BoundMode = .fast

    @Option(help: "Target class: runner-up (default), common (one class for the request; default with --class) or random (seeded). A patch whose target breaks another forgotten region's claim moves to its next class (up to 3 passes).")
    var target: TargetPolicy?

    @Option(help: "With --target common: this class instead of the request's most frequent runner-up.")
    var commonClass: Int?

    @Option(help: "Gate sharpness γ: 'auto' (calibrated on --retained, times --gamma-safety) or a number.")
    var gamma: String = "auto"

    @Option(help: "Safety factor on the calibrated γ (≥ 1; default 2, 1.25 for a whole class).")
    var gammaSafety: Double?

    @Option(help: "Margin τ by which the target must win on each certified region.")
    var margin: Double = 0.01

    @Option(help: ArgumentHelp("Rows of each gate: 'all' hidden layers (the exact region; the default) or the N leading ones. 1 reaches unseen points that share a forgotten point's first-layer signs: the default with --class.", valueName: "N|all"))
    var gateLayers: String?

    @Option(help: "Clusters per round (default: one patch per region, shared by the forgotten points in it with the same label).")
    var clusters: Int?

    @Option(help: "Maximum rounds of the representative loop.")
    var rounds: Int = 4

    @Option(help: "Seed for clustering and random targets.")
    var seed: UInt64 = 0

    @Option(help: "Identifier of the forget request, part of every point's commitment.")
    var requestId: String = "request-1"

    @Option(help: ArgumentHelp("Forget only rows START..<END of the request (0-based, END excluded), for a request split over several chained bundles; commitments keep each row's place in the whole request.", valueName: "START:END"))
    var part: String?

    @Option(help: "Output patch file (JSON), or the signed bundle with --key.")
    var out: String

    @Option(help: "Sign directly: write a patch bundle to --out with this private key (PEM), as `prune bundle sign` does.")
    var key: String?

    @Option(help: "With --key: the previous bundle of this model's chain.")
    var parent: String?

    @Option(help: "With --key: creation time, RFC 3339 UTC (default: now).")
    var createdAt: String?

    @Flag(help: "Replace --out if it exists.")
    var force = false

    /// `--part START:END` as a range, nil without the option.
    func partRange() throws -> Range<Int>? {
        guard let part else { return nil }
        let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard bounds.count == 2, let start = bounds[0], let end = bounds[1], start >= 0, end > start else {
            throw ValidationError("--part must be START:END with 0 ≤ START < END, got '\(part)'")
        }
        return start..<end
    }

    func validate() throws {
        _ = try partRange()
        if key == nil && (parent != nil || createdAt != nil) { throw ValidationError("--parent and --created-at need --key") }
        if let createdAt, !PatchBundlePredicate.isTimestamp(createdAt) {
            throw ValidationError("--created-at must be RFC 3339 UTC (YYYY-MM-DDThh:mm:ssZ), got '\(createdAt)'")
        }
    }

    /// `--gate-layers`: nil means all layers; the class-level default is 1.
    static func gateLayers(_ option: String?, classLevel: Bool) throws -> Int? {
        guard let option else { return classLevel ? 1 : nil }
        if option == "all" { return nil }
        guard let layers = Int(option), layers >= 1 else {
            throw ValidationError("--gate-layers must be 'all' or a number of hidden layers ≥ 1, got '\(option)'")
        }
        return layers
    }

    func run() throws {
        if !force && FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let network = try ModelFile.load(path: model)
        let modelDigest = try Hash.digestFile(path: model, algorithm: .sha256).hexString
        var request = try DataOptions.load(forget, labels: forgetLabels, rows: forgetRows)
        if let `class` { request = request.selecting(request.labels.indices.filter { request.labels[$0] == `class` }) }
        guard request.count > 0 else { throw ValidationError("the forget request selects no samples") }
        guard request.featureCount == network.inputCount else {
            throw ModelError.inputMismatch(detail: "\(forget) has \(request.featureCount) features, \(model) takes \(network.inputCount)")
        }
        try request.validateLabels(classCount: network.outputCount)
        var inputs = request.features
        network.input.preprocessing.apply(to: &inputs, featureCount: request.featureCount)
        let rows = try partRange() ?? 0..<request.count
        guard rows.upperBound <= request.count else {
            throw ValidationError("--part \(rows.lowerBound):\(rows.upperBound) runs past the request's \(request.count) rows")
        }

        var reference: [Double]?
        if let retained {
            var data = try DataOptions.load(retained, labels: retainedLabels, rows: retainedRows)
            if let `class` { data = data.selecting(data.labels.indices.filter { data.labels[$0] != `class` }) }
            guard data.featureCount == network.inputCount else {
                throw ModelError.inputMismatch(detail: "\(retained) has \(data.featureCount) features, \(model) takes \(network.inputCount)")
            }
            var values = data.features
            network.input.preprocessing.apply(to: &values, featureCount: data.featureCount)
            reference = values
        }

        var configuration = UnlearningConfiguration(margin: margin, certify: `class` == nil ? certify : .representatives,
                                                    bounds: bounds, target: target ?? (`class` == nil ? .runnerUp : .common),
                                                    maxRounds: rounds, seed: seed)
        configuration.clusters = clusters
        configuration.gateLayers = try Self.gateLayers(gateLayers, classLevel: `class` != nil)
        configuration.gamma = try GammaPolicy(option: gamma, safety: gammaSafety ?? GammaPolicy.defaultSafety(classLevel: `class` != nil))
        if let commonClass {
            guard configuration.target == .common else { throw ValidationError("--common-class needs --target common") }
            guard (0..<network.outputCount).contains(commonClass) else {
                throw ValidationError("--common-class \(commonClass) is not a class of \(model) (0…\(network.outputCount - 1))")
            }
            configuration.commonTarget = commonClass
        } else if part != nil, configuration.target == .common {
            // One target for the whole request, whichever part this run forgets.
            let logits = try network.headForward(inputs, recordPatterns: false).logits
            configuration.commonTarget = Unlearner.mostFrequentRunnerUp(logits: logits, labels: request.labels, classes: network.outputCount)
        }
        if reference == nil, case .calibrated = configuration.gamma {
            Console.error("warning: no --retained data: every gate uses γ = \(configuration.defaultGamma), uncalibrated")
        }
        var progress = Progress()
        let start = Date()
        let m = request.featureCount
        let result = try Unlearner(network: network, configuration: configuration).run(
            forget: Array(inputs[(rows.lowerBound * m)..<(rows.upperBound * m)]), labels: Array(request.labels[rows]),
            reference: reference, log: { progress.line($0) })
        let file = try PatchFile(result: result, network: network, modelDigest: modelDigest, requestID: requestId,
                                 rawPoints: request.features, labels: request.labels,
                                 part: part == nil ? nil : PatchFile.Part(first: rows.lowerBound, count: rows.count))
        let data = try key.map {
            try BundleSigning.sign(file, patchesPath: out, model: model, key: $0, parent: parent, createdAt: createdAt)
        } ?? file.jsonData()
        try FileOutput.write(data, to: out, overwrite: force)
        let claims = Dictionary(grouping: result.points, by: \.claim).mapValues(\.count)
        Console.out(String(format: "forgot %d points with %d patches in %.2f s", rows.count, result.patches.count,
                           Date().timeIntervalSince(start)))
        Console.out("claims: " + [PointClaim.regionCertified, .pointLevel, .notForgotten]
            .map { "\($0.rawValue) \(claims[$0] ?? 0)" }.joined(separator: ", "))
        Console.out("wrote \(out) (\(data.count) bytes)")
    }
}

extension CertifyPolicy: ExpressibleByArgument {}
extension TargetPolicy: ExpressibleByArgument {}
