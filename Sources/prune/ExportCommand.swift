import ArgumentParser
import Foundation
import PruneCore
import PruneModel
import PruneRepair

/// Writes a model prune can read (ONNX or NNet) as ONNX, with its input box and
/// preprocessing in the metadata, so onnxruntime and other tools evaluate the same function;
/// with patches, the patched network f̂ = f + Σh as one ONNX graph.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model (ONNX or NNet), or its patched network f̂, as ONNX that onnxruntime loads and that gives the same logits.",
        discussion: """
            With --patches or --bundle the output computes f̂ = f + Σh (patch gates and patch \
            networks as dense ONNX nodes after the logits). It is stored as DOUBLE unless the \
            weights and every patch constant are Float32 values, so its input is then \
            tensor(double). prune's own loader reads only the plain network form, so it \
            refuses a patched export (model.unsupported-operator).
            """)

    @Option(help: "Model file (.onnx or .nnet).")
    var model: String

    @OptionGroup var patchOptions: PatchOptions

    @Option(help: "Output ONNX file.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() throws {
        if !force && FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let network = try ModelFile.load(path: model)
        let producer = "prune \(PruneVersion.string) export"
        let patched = try patchOptions.load(network: network, model: model)
        let data = try patched.map { try $0.onnxData(producer: producer) } ?? ONNXExport.data(of: network, producer: producer)
        try FileOutput.write(data, to: out, overwrite: force)
        Console.out("wrote \(out) (\(data.count) bytes): input \(network.input.shape), head \(network.headSizes.map(String.init).joined(separator: ","))")
        if let patched {
            let members = patched.patches.reduce(0) { $0 + $1.members.count }
            Console.out("  f̂ with \(patched.patches.count) patches (\(members) member regions)\(patchOptions.source), "
                + (patched.onnxStoresFloat32 ? "float32" : "float64"))
        }
    }
}
