import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair
import PruneTraining

/// Unlearning on MNIST against retraining from scratch, in one run: forget sets of random
/// training points (and optionally a whole class), with accuracy, locality, time, memory and
/// certification figures for each, and the retrain baseline beside them.
struct UnlearnBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlearn",
        abstract: "Unlearning on MNIST against retraining from scratch: accuracy, locality, time, certificates.")

    @Option(help: "Folder with the four MNIST IDX files (see `prune bench train --help`).")
    var mnist: String?

    @Option(help: "The model to unlearn from (default: train one with the baseline settings first).")
    var model: String?

    @Option(help: "Forget-set sizes (random training points), comma-separated.")
    var forget: String = "100,200,500"

    @Option(help: "Also forget a whole class.")
    var forgetClass: Int?

    @Option(help: "Region bounds: fast (dual first-order) or exact (CLP).")
    var bounds: BoundMode = .fast

    @Option(help: "Points on which fast bounds are compared with exact LP bounds.")
    var compareExact: Int = 5

    @Option(help: "Target policy for the random forget sets (class-level always uses common).")
    var target: TargetPolicy = .runnerUp

    @Option(help: "Margin τ.")
    var margin: Double = 0.01

    @Option(help: "Gate sharpness γ: 'auto' (calibrated, times --gamma-safety) or a number for every patch (a smaller γ widens the gates: the class-level trade-off).")
    var gamma: String = "auto"

    @Option(help: "Safety factor on the calibrated γ (≥ 1; default 2, 1.25 for a whole class).")
    var gammaSafety: Double?

    @Option(help: ArgumentHelp("Rows of each gate: 'all' hidden layers or the N leading ones (default: all for random sets, 1 for --forget-class).", valueName: "N|all"))
    var gateLayers: String?

    @Option(help: "Clusters for --forget-class (default: one patch per region).")
    var classClusters: Int?

    @Option(help: "Seed for the forget sets and the unlearning run.")
    var seed: UInt64 = 0

    @Flag(help: "Skip the retrain-from-scratch baseline.")
    var noRetrain = false

    @Option(help: "Epochs of the baseline (and of the model trained when --model is not given).")
    var epochs: Int = 5

    func run() throws {
        let dir = try TrainBenchmark.locateMNIST(mnist)
        let files = try TrainBenchmark.mnistFiles(in: dir)
        let train = try DatasetLoader.load(path: files[0], labels: files[1])
        let test = try DatasetLoader.load(path: files[2], labels: files[3])
        let preprocessing = try Preprocessing.divide(by: 255)
        var trainX = train.features, testX = test.features
        preprocessing.apply(to: &trainX, featureCount: train.featureCount)
        preprocessing.apply(to: &testX, featureCount: test.featureCount)
        let settings = TrainingConfiguration(hidden: [256, 256], epochs: epochs, batchSize: 128, learningRate: 0.1,
                                             momentum: 0.5, seed: 0)
        let network: Network
        if let model {
            network = try ModelFile.load(path: model)
        } else {
            Console.error("training the original model (\(epochs) epochs)…")
            var trainer = try MLPTrainer(configuration: settings, inputCount: 784, classCount: 10)
            try trainer.train(features: trainX.map { Float($0) }, labels: train.labels)
            network = try trainer.network(input: InputSpec(shape: [784], box: .uniform(784), preprocessing: preprocessing))
        }
        let m = 784
        // The model file's digest binds a patch file; a model trained here has no file, so its
        // ONNX bytes stand in.
        let modelDigest = try model.map { try Hash.digestFile(path: $0, algorithm: .sha256) }
            ?? Hash.digest(ONNXExport.data(of: network, producer: "prune-bench"), algorithm: .sha256)
        var cases = [(name: String, indices: [Int])]()
        var rng = SeededGenerator(seed: seed)
        for size in forget.split(separator: ",").compactMap({ Int($0) }) {
            cases.append(("random \(size)", Array(rng.permutation(train.count).prefix(size)).sorted()))
        }
        if let forgetClass {
            cases.append(("class \(forgetClass)", train.labels.indices.filter { train.labels[$0] == forgetClass }))
        }
        Console.out("| forget set | A_u before → after | A_r before → after | A_tes before → after | retained changed | test changed | certified | patches | patch file MB | unlearn s | peak RSS MB | retrain s | retrain A_u | retrain A_tes |")
        Console.out("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for (name, indices) in cases {
            let forgetSet = Set(indices)
            let retained = (0..<train.count).filter { !forgetSet.contains($0) }
            let forgetX = gather(trainX, indices, m), forgetY = indices.map { train.labels[$0] }
            let retainedX = gather(trainX, retained, m), retainedY = retained.map { train.labels[$0] }
            let isClass = name.hasPrefix("class")
            var config = UnlearningConfiguration(margin: margin, certify: isClass ? .representatives : .all, bounds: bounds,
                                                 target: target, seed: seed)
            if isClass {
                config.clusters = classClusters
                config.target = .common
            }
            config.gateLayers = try UnlearnCommand.gateLayers(gateLayers, classLevel: isClass)
            let safety = gammaSafety ?? GammaPolicy.defaultSafety(classLevel: isClass)
            config.gamma = try GammaPolicy(option: gamma, safety: safety)
            // γ is calibrated on the retained training points (for a class, all the other
            // classes' training points), never on the test points the table reports.
            let reference = retainedX
            let start = Date()
            let result = try Unlearner(network: network, configuration: config).run(
                forget: forgetX, labels: forgetY, reference: reference, log: { Console.error("  \(name): \($0)") })
            let seconds = Date().timeIntervalSince(start)
            // The patch file `prune unlearn` would write for this run (commitments over the raw
            // pixels), measured, not written.
            let file = try PatchFile(result: result, network: network, modelDigest: modelDigest.hexString, requestID: "bench \(name)",
                                     rawPoints: gather(train.features, indices, m), labels: forgetY)
            let fileMegabytes = Double(try file.jsonData().count) / 1e6
            let patched = PatchedNetwork(network: network, patches: result.patches)
            let (auBefore, auAfter, _) = try accuracy(patched, forgetX, forgetY)
            let (arBefore, arAfter, arChanged) = try accuracy(patched, retainedX, retainedY)
            let (atBefore, atAfter, atChanged) = try accuracy(patched, testX, test.labels)
            let certified = result.points.filter { $0.claim == .regionCertified }.count
            var retrainCells = "– | – | –"
            if !noRetrain {
                let t0 = Date()
                var trainer = try MLPTrainer(configuration: settings, inputCount: 784, classCount: 10)
                try trainer.train(features: retainedX.map { Float($0) }, labels: retainedY)
                let retrainSeconds = Date().timeIntervalSince(t0)
                let retrainAu = trainer.accuracy(features: forgetX.map { Float($0) }, labels: forgetY)
                let retrainAt = trainer.accuracy(features: testX.map { Float($0) }, labels: test.labels)
                retrainCells = String(format: "%.2f | %.2f %% | %.2f %%", retrainSeconds, 100 * retrainAu, 100 * retrainAt)
            }
            Console.out(String(format: "| %@ | %.2f → %.2f %% | %.2f → %.2f %% | %.2f → %.2f %% | %.3f %% | %.3f %% | %d / %d | %d | %.2f | %.2f | %.0f | %@ |",
                               name, 100 * auBefore, 100 * auAfter, 100 * arBefore, 100 * arAfter, 100 * atBefore, 100 * atAfter,
                               100 * arChanged, 100 * atChanged, certified, indices.count, result.patches.count, fileMegabytes, seconds,
                               Self.peakResidentMegabytes(), retrainCells))
            if let forgetClass, isClass {
                // The class-level goal: unseen samples of the class are forgotten too, the other classes kept.
                let inClass = test.labels.indices.filter { test.labels[$0] == forgetClass }
                let others = test.labels.indices.filter { test.labels[$0] != forgetClass }
                let (cBefore, cAfter, _) = try accuracy(patched, gather(testX, inClass, m), inClass.map { test.labels[$0] })
                let (oBefore, oAfter, oChanged) = try accuracy(patched, gather(testX, others, m), others.map { test.labels[$0] })
                Console.out(String(format: "  class %d test samples (%d): accuracy %.2f → %.2f %%; other classes' test samples (%d): accuracy %.2f → %.2f %% (drop %.2f points), predictions changed %.3f %%; γ %@; gates over %@",
                                   forgetClass, inClass.count, 100 * cBefore, 100 * cAfter, others.count, 100 * oBefore, 100 * oAfter,
                                   100 * (oBefore - oAfter), 100 * oChanged, gamma == "auto" ? "calibrated × \(safety)" : gamma,
                                   config.gateLayers.map { "the first \($0) hidden layer(s)" } ?? "every hidden layer"))
            }
            let (plain, withPatches) = try inferenceSeconds(patched, testX)
            Console.out(String(format: "  inference on the %d test samples: f %.3f s, f̂ with %d patches %.3f s (%.2f×)",
                               test.count, plain, result.patches.count, withPatches, withPatches / max(plain, 1e-12)))
            if !isClass && compareExact > 0 {
                try compareBounds(network: network, points: forgetX, labels: forgetY, count: min(compareExact, forgetY.count),
                                  steps: config.fastSteps)
            }
        }
    }

    func gather(_ x: [Double], _ rows: [Int], _ m: Int) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(rows.count * m)
        for r in rows { out += x[(r * m)..<((r + 1) * m)] }
        return out
    }

    /// Wall time of f alone and of f̂ (which includes f's pass) over the same batches, best of three.
    func inferenceSeconds(_ patched: PatchedNetwork, _ x: [Double]) throws -> (plain: Double, patched: Double) {
        let m = patched.network.featureCount, n = x.count / m, chunk = 4096
        func best(_ body: (ArraySlice<Double>) throws -> Void) rethrows -> Double {
            var fastest = Double.infinity
            for _ in 0..<3 {
                let t0 = Date()
                for first in stride(from: 0, to: n, by: chunk) { try body(x[(first * m)..<(min(first + chunk, n) * m)]) }
                fastest = min(fastest, Date().timeIntervalSince(t0))
            }
            return fastest
        }
        let plain = try best { _ = try patched.network.evaluate(Array($0)) }
        let withPatches = try best { _ = try patched.evaluate(Array($0)) }
        return (plain, withPatches)
    }

    /// Accuracy of f and f̂, and the fraction of samples whose prediction changed.
    func accuracy(_ patched: PatchedNetwork, _ x: [Double], _ y: [Int]) throws -> (Double, Double, Double) {
        var before = 0, after = 0, changed = 0
        let m = patched.network.featureCount, chunk = 4096
        for first in stride(from: 0, to: y.count, by: chunk) {
            let end = min(first + chunk, y.count)
            let eval = try patched.evaluate(Array(x[(first * m)..<(end * m)]))
            for (i, (o, p)) in zip(eval.originalPredictions, eval.predictions).enumerated() {
                if o == y[first + i] { before += 1 }
                if p == y[first + i] { after += 1 }
                if o != p { changed += 1 }
            }
        }
        let n = Double(max(1, y.count))
        return (Double(before) / n, Double(after) / n, Double(changed) / n)
    }

    /// Fast (first-order dual) against exact (CLP) bounds on the first points' regions.
    /// The fast certifier here searches as long as the unlearning run's did (`steps`).
    func compareBounds(network: Network, points: [Double], labels: [Int], count: Int, steps: Int) throws {
        let fast = RegionCertifier(network: network, box: network.input.box, mode: .fast,
                                   optimizer: FastDualOptimizer(steps: steps))
        let exact = RegionCertifier(network: network, box: network.input.box, mode: .exact)
        var worstGap = 0.0, fastSeconds = 0.0, exactSeconds = 0.0
        for i in 0..<count {
            let x = Array(points[(i * 784)..<((i + 1) * 784)])
            let eval = try network.evaluate(x)
            let logits = eval.logits(of: 0)
            let t = Unlearner.runnerUp(label: labels[i], logits: logits)
            let t0 = Date()
            let f = try fast.certify(pattern: eval.patterns[0], target: t)
            let t1 = Date()
            let e = try exact.certify(pattern: eval.patterns[0], target: t)
            let t2 = Date()
            fastSeconds += t1.timeIntervalSince(t0)
            exactSeconds += t2.timeIntervalSince(t1)
            let worstFast = (0..<10).filter { $0 != t }.map { f.bounds[$0] }.max()!
            let worstExact = (0..<10).filter { $0 != t }.map { e.bounds[$0] }.max()!
            worstGap = max(worstGap, abs(worstFast - worstExact) / max(1e-9, abs(worstExact)))
        }
        Console.out(String(format: "  bounds on %d regions: fast %.3f s/region, exact (CLP) %.3f s/region, largest relative gap of max_j M_j %.4f %%",
                           count, fastSeconds / Double(count), exactSeconds / Double(count), 100 * worstGap))
    }

    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

extension BoundMode: ExpressibleByArgument {}
