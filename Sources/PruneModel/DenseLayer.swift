/// An affine layer y = W x + b in Float64. W is row-major, `outputs` × `inputs`, so row i
/// holds the weights of neuron i (the ONNX Gemm transB = 1 / PyTorch `nn.Linear` layout).
public struct DenseLayer: Sendable, Equatable {
    public let inputs: Int
    public let outputs: Int
    public let weights: [Double]
    public let bias: [Double]

    public init(inputs: Int, outputs: Int, weights: [Double], bias: [Double]) throws(ModelError) {
        guard inputs > 0, outputs > 0 else {
            throw .invalidNetwork(detail: "dense layer of size \(outputs)×\(inputs)")
        }
        let (count, overflow) = inputs.multipliedReportingOverflow(by: outputs)
        guard !overflow, weights.count == count, bias.count == outputs else {
            throw .shapeMismatch(detail: "dense layer \(outputs)×\(inputs) given \(weights.count) weights and \(bias.count) biases")
        }
        if let i = weights.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(detail: "weight [\(i / inputs), \(i % inputs)] of a \(outputs)×\(inputs) layer is \(weights[i])")
        }
        if let i = bias.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(detail: "bias [\(i)] of a \(outputs)×\(inputs) layer is \(bias[i])")
        }
        self.inputs = inputs
        self.outputs = outputs
        self.weights = weights
        self.bias = bias
    }

    /// Builds a layer from Float32 values (ONNX, the trainer); Float32 → Float64 is exact.
    public init(inputs: Int, outputs: Int, float32Weights: [Float], float32Bias: [Float]) throws(ModelError) {
        try self.init(inputs: inputs, outputs: outputs,
                      weights: float32Weights.map(Double.init), bias: float32Bias.map(Double.init))
    }

    /// Whether every weight and bias is exactly a Float32 value (so Float32 storage is lossless).
    public var isFloat32Exact: Bool {
        weights.allSatisfy { Double(Float($0)) == $0 } && bias.allSatisfy { Double(Float($0)) == $0 }
    }
}
