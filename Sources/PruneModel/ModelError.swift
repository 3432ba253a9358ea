import PruneCore

/// Why a network could not be loaded, built or evaluated. Codes are stable (`model.*`); the
/// loaders wrap these in `FileError` so every message names the file.
public enum ModelError: PruneError, Equatable {
    /// The file is not a decodable model of the expected format (truncated, corrupt protobuf).
    case malformed(format: String, reason: String)
    /// An ONNX operator prune does not evaluate; refused rather than mis-evaluated.
    case unsupportedOperator(op: String, node: String)
    /// A supported operator with an attribute value prune does not implement (Gemm transA=1, ...).
    case unsupportedAttribute(op: String, node: String, attribute: String, value: String)
    /// A tensor stored outside the model file (ONNX external data).
    case externalData(tensor: String)
    /// A tensor element type prune does not read (only float, double and integer shape tensors).
    case unsupportedDataType(tensor: String, type: String)
    /// A shape that does not resolve to fixed sizes (symbolic or unknown dimensions).
    case dynamicShape(detail: String)
    /// Tensor sizes that do not fit together (an initializer of the wrong shape, ...).
    case shapeMismatch(detail: String)
    /// A graph prune cannot map onto a feature extractor plus a dense ReLU head.
    case unsupportedGraph(detail: String)
    /// A weight, bias, bound or preprocessing value that is NaN or infinite.
    case nonFinite(detail: String)
    /// Inconsistent network data built in memory (sizes, box lo > hi, zero std, ...).
    case invalidNetwork(detail: String)
    /// An input whose size does not match the network's declared input.
    case inputMismatch(detail: String)
    /// A declared size past a documented limit (`Specs/limits.md`), refused before allocating.
    case tooLarge(detail: String)

    public var code: String {
        switch self {
        case .malformed: "model.malformed"
        case .unsupportedOperator: "model.unsupported-operator"
        case .unsupportedAttribute: "model.unsupported-attribute"
        case .externalData: "model.external-data"
        case .unsupportedDataType: "model.unsupported-data-type"
        case .dynamicShape: "model.dynamic-shape"
        case .shapeMismatch: "model.shape-mismatch"
        case .unsupportedGraph: "model.unsupported-graph"
        case .nonFinite: "model.non-finite"
        case .invalidNetwork: "model.invalid-network"
        case .inputMismatch: "model.input-mismatch"
        case .tooLarge: "model.too-large"
        }
    }

    public var exitStatus: ExitStatus { .dataError }

    public var message: String {
        switch self {
        case .malformed(let format, let reason): "not a valid \(format) model: \(reason)"
        case .unsupportedOperator(let op, let node): "unsupported ONNX operator \(op) (node \(node))"
        case .unsupportedAttribute(let op, let node, let attribute, let value):
            "unsupported attribute \(attribute)=\(value) on \(op) (node \(node))"
        case .externalData(let tensor): "tensor \(tensor) is stored in external data, which prune does not read"
        case .unsupportedDataType(let tensor, let type): "tensor \(tensor) has unsupported element type \(type)"
        case .dynamicShape(let detail): "shape does not resolve to fixed sizes: \(detail)"
        case .shapeMismatch(let detail): "shape mismatch: \(detail)"
        case .unsupportedGraph(let detail): "unsupported graph: \(detail)"
        case .nonFinite(let detail): "non-finite value: \(detail)"
        case .invalidNetwork(let detail): "invalid network: \(detail)"
        case .inputMismatch(let detail): "input does not match the network: \(detail)"
        case .tooLarge(let detail): "too large: \(detail)"
        }
    }
}
