import Foundation
import ONNXProto
import SwiftProtobuf

/// Writes a Network as an ONNX model (opset 13, IR version 8) that onnxruntime evaluates and
/// `ONNXModel.decode` reads back as an equal Network: input "input" [N, shape...] with a
/// symbolic batch "N", the feature extractor's ops, Gemm(transB = 1) layers with a Relu
/// between them, output "logits", and the input box and preprocessing as metadata_props.
///
/// A patched network is the same graph plus nodes after the logits, written by an
/// `ONNXLogitsExtension` (PruneRepair's patches), so protobuf stays in this module.
public enum ONNXExport {
    public static let opsetVersion: Int64 = 13
    public static let irVersion: Int64 = 8

    /// The serialized model. Weights are stored as raw little-endian FLOAT when every weight
    /// and bias of the network is exactly a Float32 value (lossless), else as DOUBLE, with the
    /// input and output declared in the same type. The bytes are deterministic.
    public static func data(of network: Network, producer: String) throws -> Data {
        try data(of: network, producer: producer, logits: nil)
    }

    /// As above, with `logits` appending nodes that turn the network's logits into the
    /// model's output. FLOAT only when the extension's constants are Float32 values too.
    public static func data(of network: Network, producer: String, logits appended: (any ONNXLogitsExtension)?) throws -> Data {
        var graph = ONNXGraphWriter(float32: storesFloat32(network, logits: appended))
        graph.writeInput(shape: network.input.shape)
        for layer in network.extractor.layers { graph.write(layer) }
        if network.extractor.outputShape.count > 1 { graph.writeFlatten() }
        let features = graph.tip
        var firstLayer: String?
        for (index, layer) in network.layers.enumerated() {
            let z = graph.writeGemm(layer, relu: index < network.layers.count - 1)
            if index == 0 && network.layers.count > 1 { firstLayer = z }
        }
        if let appended {
            let head = ONNXHeadTensors(features: features, firstLayer: firstLayer, logits: graph.tip)
            let output = try appended.write(into: &graph, head: head)
            // writeOutput renames the last node's output, so the extension must end with it.
            precondition(output == graph.tip, "an ONNX logits extension must end with the node that computes its output")
        }
        graph.writeOutput(classes: network.outputCount)

        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.producerName = producer
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion
        model.opsetImport = [opset]
        model.graph = graph.proto
        model.metadataProps = ONNXInputMetadata.properties(of: network.input)
        do {
            return try model.serializedBytes()
        } catch {
            // onnx.proto has no required fields, so only a model past protobuf's 2 GiB fails here.
            throw ModelError.invalidNetwork(detail: "cannot serialize the network as ONNX: \(error)")
        }
    }

    /// Whether the export stores FLOAT (else DOUBLE): only when nothing is rounded.
    public static func storesFloat32(_ network: Network, logits appended: (any ONNXLogitsExtension)? = nil) -> Bool {
        isFloat32Exact(network) && (appended?.isFloat32Exact ?? true)
    }

    /// Whether Float32 storage loses nothing: every dense and convolution weight and bias.
    static func isFloat32Exact(_ network: Network) -> Bool {
        func exact(_ v: [Double]) -> Bool { v.allSatisfy { Double(Float($0)) == $0 } }
        return network.layers.allSatisfy(\.isFloat32Exact) && network.extractor.layers.allSatisfy { layer in
            if case .convolution(let c) = layer { return exact(c.weights) && exact(c.bias) }
            return true
        }
    }
}

/// Builds the GraphProto node by node, naming tensors in order so output is reproducible.
public struct ONNXGraphWriter {
    let float32: Bool
    var proto = Onnx_GraphProto()
    /// The latest value on the data path.
    private(set) var tip = "input"
    private var counter = 0

    init(float32: Bool) {
        self.float32 = float32
        proto.name = "prune"
    }

    private var elementType: Int32 {
        Int32((float32 ? Onnx_TensorProto.DataType.float : .double).rawValue)
    }

    mutating func writeInput(shape: [Int]) {
        proto.input = [valueInfo("input", dims: [.dimParam("N")] + shape.map { .dimValue(Int64($0)) })]
    }

    mutating func writeOutput(classes: Int) {
        // The last node's output is renamed "logits".
        proto.node[proto.node.count - 1].output = ["logits"]
        proto.output = [valueInfo("logits", dims: [.dimParam("N"), .dimValue(Int64(classes))])]
    }

    mutating func write(_ layer: FeatureLayer) {
        switch layer {
        case .relu:
            node("Relu")
        case .reshape(let shape):
            // −1 in front keeps the batch: the other entries are fixed, so it infers N.
            let target = name("shape")
            proto.initializer.append(intTensor(target, [-1] + shape.map(Int64.init)))
            node("Reshape", extraInputs: [target])
        case .convolution(let c):
            let w = name("conv.weight"), b = name("conv.bias")
            proto.initializer.append(realTensor(w, dims: [c.outChannels, c.inChannels, c.kernel.height, c.kernel.width], c.weights))
            proto.initializer.append(realTensor(b, dims: [c.outChannels], c.bias))
            node("Conv", extraInputs: [w, b], attributes: [
                ints("dilations", [1, 1]), int("group", 1), ints("kernel_shape", [c.kernel.height, c.kernel.width]),
                ints("pads", c.pads), ints("strides", [c.strides.height, c.strides.width]),
            ])
        case .pooling(let p):
            var attributes = [ints("kernel_shape", [p.kernel.height, p.kernel.width]), ints("pads", p.pads),
                              ints("strides", [p.strides.height, p.strides.width])]
            if p.kind == .average { attributes.append(int("count_include_pad", p.countIncludePad ? 1 : 0)) }
            node(p.kind == .max ? "MaxPool" : "AveragePool", attributes: attributes)
        }
    }

    mutating func writeFlatten() {
        node("Flatten", attributes: [int("axis", 1)])
    }

    /// Returns the layer's pre-activation (the Gemm's output).
    @discardableResult
    mutating func writeGemm(_ layer: DenseLayer, relu: Bool) -> String {
        let w = name("dense.weight"), b = name("dense.bias")
        proto.initializer.append(realTensor(w, dims: [layer.outputs, layer.inputs], layer.weights))
        proto.initializer.append(realTensor(b, dims: [layer.outputs], layer.bias))
        node("Gemm", extraInputs: [w, b], attributes: [int("transB", 1)])
        let z = tip
        if relu { node("Relu") }
        return z
    }

    // MARK: building blocks

    mutating func name(_ stem: String) -> String {
        counter += 1
        return "\(stem).\(counter)"
    }

    /// Appends a node that consumes the data path (plus constants) and becomes its new end.
    private mutating func node(_ op: String, extraInputs: [String] = [], attributes: [Onnx_AttributeProto] = []) {
        node(op, inputs: [tip] + extraInputs, attributes: attributes)
    }

    /// Appends a node with these inputs; its output becomes the end of the data path.
    mutating func node(_ op: String, inputs: [String], attributes: [Onnx_AttributeProto]) {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name(op)
        n.input = inputs
        n.output = [n.name + ".out"]
        n.attribute = attributes
        proto.node.append(n)
        tip = n.output[0]
    }

    private func valueInfo(_ name: String, dims: [Onnx_TensorShapeProto.Dimension.OneOf_Value]) -> Onnx_ValueInfoProto {
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = elementType
        tensor.shape.dim = dims.map { var d = Onnx_TensorShapeProto.Dimension(); d.value = $0; return d }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }

    /// FLOAT or DOUBLE raw_data, little-endian, built byte by byte (no raw memory access).
    func realTensor(_ name: String, dims: [Int], _ values: [Double]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        t.dataType = elementType
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * (float32 ? 4 : 8))
        for v in values {
            let bits = float32 ? UInt64(Float(v).bitPattern) : v.bitPattern
            for i in 0..<(float32 ? 4 : 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * i))) }
        }
        t.rawData = Data(bytes)
        return t
    }

    func intTensor(_ name: String, _ values: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [Int64(values.count)]
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.int64Data = values
        return t
    }

    func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }
}
