import PruneCore

/// Loads a network from a file, choosing the format by extension: `.onnx` or `.nnet`.
public enum ModelFile {
    public static func load(path: String) throws -> Network {
        let lower = path.lowercased()
        if lower.hasSuffix(".onnx") { return try ONNXModel.load(path: path) }
        if lower.hasSuffix(".nnet") { return try NNetModel.load(path: path) }
        throw FileError(path: path, ModelError.malformed(format: "model", reason: "unknown model format; expected a .onnx or .nnet file"))
    }
}
