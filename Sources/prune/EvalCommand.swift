import ArgumentParser
import Foundation
import PruneModel
import PruneRepair

/// Accuracy of a model on labelled data, overall and per class, evaluated in Float64 after
/// the model's own recorded preprocessing.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy and per-class accuracy of a model (ONNX or NNet) on labelled data.")

    @Option(help: "Model file (.onnx or .nnet).")
    var model: String

    @OptionGroup var dataset: DataOptions

    @OptionGroup var patchOptions: PatchOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct ClassResult: Encodable {
        let label: Int
        let samples: Int
        let correct: Int
        let accuracy: Double?
    }

    struct Result: Encodable {
        let model: String
        let data: String
        let samples: Int
        let correct: Int
        let accuracy: Double
        let perClass: [ClassResult]
        /// Samples (after preprocessing) outside the model's input box: claims about the box say nothing about them.
        let outsideInputBox: Int
    }

    func run() throws {
        let network = try ModelFile.load(path: model)
        let patched = try patchOptions.load(network: network, model: model)
        let data = try dataset.load()
        guard data.featureCount == network.inputCount else {
            throw ModelError.inputMismatch(detail: "\(dataset.data) has \(data.featureCount) features per sample, \(model) takes \(network.inputCount)")
        }
        try data.validateLabels(classCount: network.outputCount)
        var inputs = data.features
        network.input.preprocessing.apply(to: &inputs, featureCount: data.featureCount)
        let outside = (0..<data.count).filter {
            !network.input.box.contains(inputs[($0 * data.featureCount)..<(($0 + 1) * data.featureCount)])
        }.count
        var predictions = [Int]()
        predictions.reserveCapacity(data.count)
        let chunk = 4096
        for first in stride(from: 0, to: data.count, by: chunk) {
            let end = min(first + chunk, data.count)
            let batch = Array(inputs[(first * data.featureCount)..<(end * data.featureCount)])
            predictions += try patched.map { try $0.evaluate(batch).predictions } ?? network.evaluate(batch).predictions
        }
        var samples = [Int](repeating: 0, count: network.outputCount), correct = samples
        for (p, y) in zip(predictions, data.labels) {
            samples[y] += 1
            if p == y { correct[y] += 1 }
        }
        let total = correct.reduce(0, +)
        let result = Result(
            model: model, data: dataset.data, samples: data.count, correct: total,
            accuracy: data.count == 0 ? 0 : Double(total) / Double(data.count),
            perClass: (0..<network.outputCount).map {
                ClassResult(label: $0, samples: samples[$0], correct: correct[$0],
                            accuracy: samples[$0] == 0 ? nil : Double(correct[$0]) / Double(samples[$0]))
            },
            outsideInputBox: outside)
        if json { return try Console.json(result) }
        Console.out("model \(model)\(patchOptions.source), data \(dataset.data): \(data.count) samples")
        Console.out(String(format: "accuracy %.4f (%d of %d)", result.accuracy, total, data.count))
        Console.out("| class | samples | correct | accuracy |")
        Console.out("| ---: | ---: | ---: | ---: |")
        for c in result.perClass {
            Console.out("| \(c.label) | \(c.samples) | \(c.correct) | \(c.accuracy.map { String(format: "%.4f", $0) } ?? "–") |")
        }
        if outside > 0 { Console.out("note: \(outside) samples lie outside the model's input box") }
    }
}
