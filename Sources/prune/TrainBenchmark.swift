import ArgumentParser
import Foundation
import PruneCore
import PruneModel
import PruneTraining

/// Epoch time of prune's trainer against the same algorithm in numpy (scripts/bench/numpy_train.py),
/// on MNIST, in one run on one machine, one after the other so they never share the cores.
struct TrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Epoch time and accuracy of prune's trainer against numpy on MNIST.",
        discussion: """
            MNIST is looked up in --mnist, then $PRUNE_MNIST_DIR, then ../shared/data/mnist; \
            scripts/fetch-mnist.sh downloads it. The folder must hold train-images-idx3-ubyte, \
            train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each \
            optionally .gz).
            """)

    @Option(help: "Folder with the four MNIST IDX files.")
    var mnist: String?

    @Option(help: "Hidden layer widths, comma-separated.")
    var hidden: String = "256,256"

    @Option(help: "Epochs each trainer runs.")
    var epochs: Int = 5

    @Option(help: "Minibatch size.")
    var batch: Int = 128

    @Option(help: "Learning rate (both trainers).")
    var lr: Double = 0.1

    @Option(help: "SGD momentum (both trainers).")
    var momentum: Double = 0.5

    @Option(help: "Python interpreter with numpy.")
    var python: String = "python3"

    @Option(help: "The numpy baseline script.")
    var numpyScript: String = "scripts/bench/numpy_train.py"

    @Flag(help: "Skip the numpy baseline.")
    var pruneOnly = false

    func run() throws {
        let dir = try Self.locateMNIST(mnist)
        let files = try Self.mnistFiles(in: dir)
        Console.out("MNIST from \(dir); hidden \(hidden); batch \(batch); \(epochs) epochs; lr \(lr), momentum \(momentum); \(ProcessInfo.processInfo.activeProcessorCount) cores")

        var numpyEpochs = [(seconds: Double, accuracy: Double)]()
        if !pruneOnly {
            guard FileManager.default.fileExists(atPath: numpyScript) else {
                throw IOError.notFound(path: numpyScript)
            }
            numpyEpochs = try runNumpy(files)
        }

        let train = try DatasetLoader.load(path: files[0], labels: files[1])
        let test = try DatasetLoader.load(path: files[2], labels: files[3])
        let preprocessing = try Preprocessing.divide(by: 255)
        let widths = hidden.split(separator: ",").compactMap { Int($0) }
        var trainer = try MLPTrainer(
            configuration: TrainingConfiguration(hidden: widths, epochs: epochs, batchSize: batch, learningRate: lr,
                                                 momentum: momentum, seed: 0),
            inputCount: train.featureCount, classCount: 10)
        var pruneEpochs = [(seconds: Double, accuracy: Double)]()
        try trainer.train(features: TrainCommand.floats(train, preprocessing), labels: train.labels,
                          test: (TrainCommand.floats(test, preprocessing), test.labels)) {
            pruneEpochs.append(($0.seconds, $0.testAccuracy ?? 0))
        }

        Console.out("| epoch | prune s | prune test acc | numpy s | numpy test acc |")
        Console.out("| ---: | ---: | ---: | ---: | ---: |")
        for e in 0..<epochs {
            let n = e < numpyEpochs.count ? numpyEpochs[e] : nil
            Console.out(String(format: "| %d | %.3f | %.4f | %@ | %@ |", e + 1, pruneEpochs[e].seconds, pruneEpochs[e].accuracy,
                               n.map { String(format: "%.3f", $0.seconds) } ?? "–",
                               n.map { String(format: "%.4f", $0.accuracy) } ?? "–"))
        }
        let pruneMedian = Self.median(pruneEpochs.map(\.seconds))
        Console.out(String(format: "median epoch: prune %.3f s", pruneMedian))
        if !numpyEpochs.isEmpty {
            let numpyMedian = Self.median(numpyEpochs.map(\.seconds))
            Console.out(String(format: "median epoch: numpy %.3f s; ratio prune/numpy %.3f (target ≤ 1.5)", numpyMedian, pruneMedian / numpyMedian))
        }
    }

    /// The four IDX files (each optionally gzip-compressed): train images, train labels,
    /// test images, test labels.
    static func mnistFiles(in dir: String) throws -> [String] {
        try ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
            .map { name -> String in
                for candidate in [name, name + ".gz"] where FileManager.default.fileExists(atPath: dir + "/" + candidate) {
                    return dir + "/" + candidate
                }
                throw IOError.notFound(path: dir + "/" + name + "[.gz]")
            }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    static func locateMNIST(_ option: String?) throws -> String {
        var candidates = [String]()
        if let option { candidates.append(option) }
        if let env = ProcessInfo.processInfo.environment["PRUNE_MNIST_DIR"] { candidates.append(env) }
        candidates.append("../shared/data/mnist")
        for c in candidates {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: c, isDirectory: &isDir), isDir.boolValue { return c }
        }
        throw ValidationError("MNIST not found (looked in \(candidates.joined(separator: ", "))). Run scripts/fetch-mnist.sh to download it, then pass --mnist DIR.")
    }

    /// Runs the numpy script and parses its JSON line per epoch.
    func runNumpy(_ files: [String]) throws -> [(seconds: Double, accuracy: Double)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, numpyScript] + files + ["--hidden", hidden, "--epochs", String(epochs),
                                                             "--batch", String(batch), "--lr", String(lr),
                                                             "--momentum", String(momentum)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.mismatch("\(python) \(numpyScript) exited with status \(process.terminationStatus)")
        }
        struct Line: Decodable { let seconds: Double; let test_accuracy: Double }
        return try String(decoding: output, as: UTF8.self).split(separator: "\n").map {
            let line = try JSONDecoder().decode(Line.self, from: Data($0.utf8))
            return (line.seconds, line.test_accuracy)
        }
    }
}
