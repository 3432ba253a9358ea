import Foundation
import ONNXProto
import PruneCore
import SwiftProtobuf

/// Reads ONNX models (formats.md §11) into Float64 networks: a feature extractor (Conv,
/// MaxPool, AveragePool, Relu, Flatten/Reshape) followed by a dense ReLU head (Gemm, or
/// MatMul + Add). Anything prune cannot evaluate exactly is refused with a specific code
/// instead of being approximated.
public enum ONNXModel {
    /// Larger files are refused before they are read; protobuf itself stops at 2 GiB.
    public static let maximumFileSize = 1 << 30
    /// Nesting limit while decoding: ONNX models nest a handful of levels unless they carry
    /// subgraphs, which prune refuses anyway; the limit stops stack exhaustion on hostile input.
    public static let messageDepthLimit = 32
    /// The oldest default-domain opset read (the first with numpy-style broadcasting).
    public static let minimumOpset: Int64 = 7
    /// Most elements of one sample on the data path: the input and every feature-extractor
    /// output. A dimension costs a few bytes in the file but allocates the input box and every
    /// activation at load and evaluation, so the product is capped (`model.too-large`).
    /// 2²² = 4,194,304 (a 3×1024×1024 image fits; 32 MiB per Float64 vector).
    public static let maximumSampleElements = 1 << 22

    /// The element count of `shape`, refused with `model.too-large` past `maximumSampleElements`.
    static func checkSampleSize(_ shape: [Int], what: String) throws(ModelError) -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maximumSampleElements else {
                throw .tooLarge(detail: "\(what) has shape \(shape), more than \(maximumSampleElements) elements per sample")
            }
            count = product
        }
        return count
    }

    /// Loads the model at `path`; every model error names the file.
    public static func load(path: String) throws -> Network {
        let data = try FileOutput.readSmallFile(path, limit: maximumFileSize)
        do {
            return try decode(data, source: "the file")
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Decodes a serialized ModelProto. `source` names the bytes in the message when they do
    /// not decode (for example "the file" or "<stdin>").
    public static func decode(_ data: Data, source: String) throws(ModelError) -> Network {
        guard data.count <= maximumFileSize else {
            throw .malformed(format: "ONNX", reason: "\(source) is \(data.count) bytes, more than the limit of \(maximumFileSize)")
        }
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = messageDepthLimit
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw .malformed(format: "ONNX", reason: "cannot decode \(source) as a protobuf ModelProto (\(error))")
        }
        return try network(of: model)
    }

    private static func network(of model: Onnx_ModelProto) throws(ModelError) -> Network {
        guard model.hasGraph else { throw .malformed(format: "ONNX", reason: "the model has no graph") }
        // Opsets before 7 broadcast only with an explicit attribute; prune reads numpy broadcasting.
        let defaultOpsets = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = defaultOpsets.first?.version, opset >= minimumOpset else {
            throw .unsupportedGraph(detail: "the model imports \(defaultOpsets.first.map { "opset \($0.version)" } ?? "no opset") of the default domain; prune reads opset \(minimumOpset) or later")
        }
        guard model.functions.isEmpty else { throw .unsupportedGraph(detail: "the model defines local functions") }
        let graph = model.graph
        guard graph.sparseInitializer.isEmpty else { throw .unsupportedGraph(detail: "sparse initializers") }

        var initializers = [String: ONNXConstant]()
        for t in graph.initializer {
            initializers[t.name] = try ONNXConstant(tensor: t, name: t.name)
        }
        // Since IR version 4 initializers need not be listed as inputs; older files list them.
        let inputs = graph.input.filter { initializers[$0.name] == nil }
        guard inputs.count == 1 else {
            throw .unsupportedGraph(detail: "\(inputs.count) graph inputs (\(inputs.map(\.name))); prune needs exactly one")
        }
        guard graph.output.count == 1 else {
            throw .unsupportedGraph(detail: "\(graph.output.count) graph outputs; prune needs exactly one (the logits)")
        }
        let (shape, batchIsOne) = try inputShape(of: inputs[0])

        var mapper = ONNXGraphMapper(inputName: inputs[0].name, inputShape: shape, batchIsOne: batchIsOne, initializers: initializers)
        for (index, node) in graph.node.enumerated() {
            try mapper.map(node, index: index)
        }
        let (features, layers) = try mapper.finish(output: graph.output[0].name)
        let spec = try ONNXInputMetadata.inputSpec(shape: shape, properties: model.metadataProps)
        let network = try Network(input: spec, extractor: FeatureExtractor(inputShape: shape, layers: features), layers: layers)
        try checkDeclaredOutput(graph.output[0], classes: network.outputCount)
        return network
    }

    /// The input's shape without its batch dimension, which may be symbolic (or unset) or 1;
    /// every other dimension must be a fixed positive size.
    private static func inputShape(of input: Onnx_ValueInfoProto) throws(ModelError) -> (shape: [Int], batchIsOne: Bool) {
        guard case .tensorType(let tensor)? = input.type.value else {
            throw .unsupportedGraph(detail: "input \(input.name) is not a tensor")
        }
        let floatTypes = [Onnx_TensorProto.DataType.float.rawValue, Onnx_TensorProto.DataType.double.rawValue]
        guard floatTypes.contains(Int(tensor.elemType)) else {
            throw .unsupportedDataType(tensor: input.name, type: ONNXConstant.typeName(Int(tensor.elemType)))
        }
        guard tensor.hasShape, tensor.shape.dim.count >= 2 else {
            throw .dynamicShape(detail: "input \(input.name) needs a shape [batch, features...] with fixed feature sizes")
        }
        var batchIsOne = false
        if case .dimValue(let b)? = tensor.shape.dim[0].value {
            guard b == 1 else { throw .dynamicShape(detail: "input \(input.name) fixes the batch size to \(b); it must be symbolic or 1") }
            batchIsOne = true
        }
        var shape = [Int]()
        for (i, d) in tensor.shape.dim.enumerated().dropFirst() {
            guard case .dimValue(let v)? = d.value, v > 0, v <= Int64(Int32.max) else {
                let what = d.dimParam.isEmpty ? "unknown" : "symbolic (\(d.dimParam))"
                throw .dynamicShape(detail: "dimension \(i) of input \(input.name) is \(what)")
            }
            shape.append(Int(v))
        }
        _ = try checkSampleSize(shape, what: "input \(input.name)")
        return (shape, batchIsOne)
    }

    /// A declared output shape, when present, must agree with the head: [N, classes].
    private static func checkDeclaredOutput(_ output: Onnx_ValueInfoProto, classes: Int) throws(ModelError) {
        guard case .tensorType(let tensor)? = output.type.value, tensor.hasShape else { return }
        let dims = tensor.shape.dim
        var fits = dims.count == 2
        if fits, case .dimValue(let c)? = dims[1].value, c != Int64(classes) { fits = false }
        guard fits else {
            throw .shapeMismatch(detail: "output \(output.name) is declared with dimensions \(dims.map(\.dimValue)); the network gives [N, \(classes)]")
        }
    }
}
