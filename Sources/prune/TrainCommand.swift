import ArgumentParser
import Foundation
import PruneCore
import PruneModel
import PruneTraining

/// Trains a dense ReLU MLP and writes it as ONNX: the sample model, and the
/// retrain-from-scratch baseline that unlearning is compared with.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a dense ReLU MLP (softmax cross-entropy, minibatch SGD or Adam) and write ONNX.",
        discussion: """
            Deterministic for a seed. Features are divided by --divide-by (default: the largest \
            training value, e.g. 16 for UCI digits, 255 for MNIST), and the model records that \
            preprocessing and its input box [0, 1] in the ONNX metadata.
            """)

    @OptionGroup var training: DataOptions

    @Option(help: "Held-out samples, evaluated after every epoch.")
    var test: String?

    @Option(help: "Labels of the held-out samples (.npy, IDX).")
    var testLabels: String?

    @Option(help: "Index file: 0-based rows of the held-out samples to use.")
    var testRows: String?

    @Option(help: "Hidden layer widths, comma-separated.")
    var hidden: String = "256,256"

    @Option(help: "Number of passes over the training data.")
    var epochs: Int = 10

    @Option(help: "Minibatch size.")
    var batch: Int = 128

    @Option(help: "Learning rate.")
    var lr: Double = 0.05

    @Option(help: "Momentum for SGD.")
    var momentum: Double = 0.9

    @Option(help: "sgd or adam.")
    var optimizer: Optimizer = .sgd

    @Option(help: "Seed for initialisation and shuffling.")
    var seed: UInt64 = 0

    @Option(help: "Divide raw features by this number ('auto': the largest training value).")
    var divideBy: String = "auto"

    @Option(help: "Number of classes (default: one more than the largest training label).")
    var classes: Int?

    @Option(help: "Output ONNX file.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() throws {
        if !force && FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let hiddenWidths = try hidden.split(separator: ",").map { part -> Int in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--hidden must be comma-separated integers, got '\(hidden)'")
            }
            return v
        }
        let trainSet = try training.load()
        let testSet = try test.map { try DataOptions.load($0, labels: testLabels, rows: testRows) }
        let classCount = classes ?? max(trainSet.impliedClassCount, testSet?.impliedClassCount ?? 0)
        try trainSet.validateLabels(classCount: classCount)
        try testSet?.validateLabels(classCount: classCount)
        if let testSet, testSet.featureCount != trainSet.featureCount {
            throw ValidationError("test samples have \(testSet.featureCount) features, training samples \(trainSet.featureCount)")
        }
        let preprocessing = try Self.preprocessing(divideBy, data: trainSet)
        let input = try Self.inputSpec(for: trainSet, preprocessing: preprocessing)

        var trainer = try MLPTrainer(
            configuration: TrainingConfiguration(hidden: hiddenWidths, epochs: epochs, batchSize: batch, learningRate: lr,
                                                 momentum: momentum, optimizer: optimizer, seed: seed),
            inputCount: trainSet.featureCount, classCount: classCount)
        var progress = Progress()
        progress.line("training [\(([trainSet.featureCount] + hiddenWidths + [classCount]).map(String.init).joined(separator: ","))] on \(trainSet.count) samples, \(epochs) epochs, batch \(batch), \(optimizer.rawValue), seed \(seed)")
        var epoch = 1
        try trainer.train(
            features: Self.floats(trainSet, preprocessing), labels: trainSet.labels,
            test: testSet.map { (Self.floats($0, preprocessing), $0.labels) },
            progress: { report in
                var text = String(format: "epoch %d/%d  loss %.4f  train acc %.4f", report.epoch, report.epochs,
                                  report.loss, report.trainAccuracy)
                if let acc = report.testAccuracy { text += String(format: "  test acc %.4f", acc) }
                text += String(format: "  %.2f s", report.seconds)
                progress.line(text)
                epoch = report.epoch + 1
            },
            batchProgress: { progress.bar("epoch \(epoch)/\(epochs)", fraction: $0) })
        let network = try trainer.network(input: input)
        let data = try ONNXExport.data(of: network, producer: "prune \(PruneVersion.string) train")
        try FileOutput.write(data, to: out, overwrite: force)
        Console.out("wrote \(out) (\(data.count) bytes)")
    }

    /// The preprocessing the model records: divide by a number, or by the largest value.
    static func preprocessing(_ option: String, data: Dataset) throws -> Preprocessing {
        if option == "auto" {
            let largest = data.features.map(abs).max() ?? 1
            return largest > 1 ? try .divide(by: largest) : .identity
        }
        guard let divisor = Double(option), divisor.isFinite, divisor != 0 else {
            throw ValidationError("--divide-by must be 'auto' or a non-zero number, got '\(option)'")
        }
        return try .divide(by: divisor)
    }

    /// Input box: [0, 1] per feature, widened to the training data's range if that is wider.
    static func inputSpec(for data: Dataset, preprocessing: Preprocessing) throws -> InputSpec {
        var values = data.features
        preprocessing.apply(to: &values, featureCount: data.featureCount)
        let lo = min(0, values.min() ?? 0), hi = max(1, values.max() ?? 1)
        return try InputSpec(shape: [data.featureCount], box: .uniform(data.featureCount, lower: lo, upper: hi),
                             preprocessing: preprocessing)
    }

    static func floats(_ data: Dataset, _ preprocessing: Preprocessing) -> [Float] {
        var values = data.features
        preprocessing.apply(to: &values, featureCount: data.featureCount)
        return values.map { Float($0) }
    }
}

extension Optimizer: ExpressibleByArgument {}
