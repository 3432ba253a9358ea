import ArgumentParser
import Foundation
import PruneLP
import PruneModel
import PruneRepair

/// The two patch solvers on the same regions (issue 4): the constant logit offset prune ships
/// (exact region bounds by CLP, then the closed-form minimal ‖d‖∞) against REASSURE's minimal
/// affine patch (one dense CLP LP per region, H = max over the region of ‖c·x + d‖∞).
struct PatchSizeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch-size",
        abstract: "Constant offset against REASSURE's minimal affine patch: size and time on the same regions.")

    @Option(help: "The original model file.")
    var model: String

    @OptionGroup var data: DataOptions

    @Option(help: "How many rows (the first ones of --data after --rows) to compare on.")
    var count: Int = 5

    @Option(help: "Margin τ by which the runner-up must win on each region.")
    var margin: Double = 0.01

    @Option(help: "Time limit per affine LP, seconds (CLP stops there; the row is reported as not solved).")
    var timeLimit: Double = 600

    func run() throws {
        let network = try ModelFile.load(path: model)
        let set = try data.load()
        guard set.featureCount == network.inputCount else {
            throw ModelError.inputMismatch(detail: "\(data.data) has \(set.featureCount) features, \(model) takes \(network.inputCount)")
        }
        try set.validateLabels(classCount: network.outputCount)
        var x = set.features
        network.input.preprocessing.apply(to: &x, featureCount: set.featureCount)
        let m = network.featureCount, n = min(count, set.count)
        let exact = RegionCertifier(network: network, box: network.input.box, mode: .exact)
        Console.out("| row | label | target | constant ‖d‖∞ | affine H | relative difference | constant s | affine s |")
        Console.out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        var largest = 0.0, solved = 0
        for i in 0..<n {
            let point = Array(x[(i * m)..<((i + 1) * m)])
            let eval = try network.evaluate(point)
            let t = Unlearner.runnerUp(label: set.labels[i], logits: eval.logits(of: 0))
            let t0 = Date()
            let bounds = try exact.certify(pattern: eval.patterns[0], target: t).bounds
            let constant = OffsetSolver.minimalOffset(bounds: bounds, target: t, margin: margin).map(abs).max()!
            let t1 = Date()
            let cells: String
            do {
                let affine = try AffinePatchSolver.solve(region: LinearRegion(network: network, pattern: eval.patterns[0]),
                                                         box: network.input.box, target: t, margin: margin,
                                                         options: LPSolveOptions(timeLimitSeconds: timeLimit))
                let difference = abs(affine.size - constant) / max(1e-12, constant)
                largest = max(largest, difference)
                solved += 1
                cells = String(format: "%.6f | %.1e", affine.size, difference)
            } catch let error as RepairError {
                cells = "not solved (\(error.message)) | –"
            }
            let t2 = Date()
            Console.out(String(format: "| %d | %d | %d | %.6f | %@ | %.2f | %.2f |", i, set.labels[i], t, constant, cells,
                               t1.timeIntervalSince(t0), t2.timeIntervalSince(t1)))
        }
        Console.out(String(format: "affine LP solved on %d of %d regions; largest relative difference in size %.1e", solved, n, largest))
    }
}
