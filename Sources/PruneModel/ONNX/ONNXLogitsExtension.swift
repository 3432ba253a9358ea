import ONNXProto

/// Nodes appended after an exported network's logits (a patched network's f̂ = f + Σh), written
/// through `ONNXGraphWriter`'s public building blocks so that callers never see protobuf.
public protocol ONNXLogitsExtension {
    /// Whether every constant the extension writes is exactly a Float32 value; the graph is
    /// stored as FLOAT only when this and the network's weights are.
    var isFloat32Exact: Bool { get }

    /// Appends nodes reading `head`; returns the tensor that becomes the model's "logits",
    /// which must be the output of the last node appended.
    func write(into graph: inout ONNXGraphWriter, head: ONNXHeadTensors) throws -> String
}

/// Tensors of the exported network an extension may read, each [N, width].
public struct ONNXHeadTensors: Sendable {
    /// The dense head's input (the flattened features).
    public let features: String
    /// The first hidden layer's pre-activations, or nil for a head without hidden layers.
    public let firstLayer: String?
    /// The network's logits.
    public let logits: String
}

/// An attribute of an appended node.
public enum ONNXAttribute: Sendable {
    case int(String, Int)
    case ints(String, [Int])
}

extension ONNXGraphWriter {
    /// Whether real tensors are FLOAT (else DOUBLE).
    public var storesFloat32: Bool { float32 }

    /// A real constant in the graph's element type; `dims` = [] is a scalar.
    public mutating func constant(_ stem: String, dims: [Int], _ values: [Double]) -> String {
        precondition(dims.reduce(1, *) == values.count, "constant \(stem): \(values.count) values for dims \(dims)")
        let tensor = name(stem)
        proto.initializer.append(realTensor(tensor, dims: dims, values))
        return tensor
    }

    /// A 1-D INT64 constant (axes, shapes, slice bounds).
    public mutating func constant(_ stem: String, int64 values: [Int64]) -> String {
        let tensor = name(stem)
        proto.initializer.append(intTensor(tensor, values))
        return tensor
    }

    /// Appends one node of the default ONNX domain; returns its output.
    public mutating func operation(_ op: String, _ inputs: [String], attributes: [ONNXAttribute] = []) -> String {
        node(op, inputs: inputs, attributes: attributes.map {
            switch $0 {
            case .int(let name, let value): int(name, value)
            case .ints(let name, let values): ints(name, values)
            }
        })
        return tip
    }
}
