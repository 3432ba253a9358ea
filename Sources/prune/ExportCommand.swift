import ArgumentParser
import Foundation
import PruneCore
import PruneModel

/// Writes a model prune can read (ONNX or NNet) as ONNX, with its input box and
/// preprocessing in the metadata, so onnxruntime and other tools evaluate the same function.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model (ONNX or NNet) as ONNX that onnxruntime loads and that gives the same logits.")

    @Option(help: "Model file (.onnx or .nnet).")
    var model: String

    @Option(help: "Output ONNX file.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() throws {
        if !force && FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let network = try ModelFile.load(path: model)
        let data = try ONNXExport.data(of: network, producer: "prune \(PruneVersion.string) export")
        try FileOutput.write(data, to: out, overwrite: force)
        Console.out("wrote \(out) (\(data.count) bytes): input \(network.input.shape), head \(network.headSizes.map(String.init).joined(separator: ","))")
    }
}
