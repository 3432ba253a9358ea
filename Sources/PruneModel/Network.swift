import PruneBLAS

/// A feed-forward ReLU network in Float64: an optional fixed feature extractor, then a dense
/// head W_L σ(W_{L−1} σ(… σ(W₁ a + b₁) …) + b_{L−1}) + b_L whose output is the logits.
/// Patches act on the logits of the head, over the head's input (the feature vector).
public struct Network: Sendable, Equatable {
    public let input: InputSpec
    public let extractor: FeatureExtractor
    /// The dense head; ReLU follows every layer but the last.
    public let layers: [DenseLayer]

    public init(input: InputSpec, extractor: FeatureExtractor? = nil, layers: [DenseLayer]) throws(ModelError) {
        let extractor = try Self.extractorOrIdentity(extractor, inputShape: input.shape)
        guard extractor.inputShape.reduce(1, *) == input.count else {
            throw .shapeMismatch(detail: "feature extractor takes \(extractor.inputShape), input is \(input.shape)")
        }
        guard let first = layers.first else { throw .invalidNetwork(detail: "no dense layers") }
        guard first.inputs == extractor.outputCount else {
            throw .shapeMismatch(detail: "first dense layer takes \(first.inputs) features, the input provides \(extractor.outputCount)")
        }
        for i in layers.indices.dropFirst() where layers[i].inputs != layers[i - 1].outputs {
            throw .shapeMismatch(detail: "dense layer \(i) takes \(layers[i].inputs) inputs, layer \(i - 1) gives \(layers[i - 1].outputs)")
        }
        self.input = input
        self.extractor = extractor
        self.layers = layers
    }

    private static func extractorOrIdentity(_ e: FeatureExtractor?, inputShape: [Int]) throws(ModelError) -> FeatureExtractor {
        if let e { return e }
        return try FeatureExtractor(inputShape: inputShape)
    }

    /// Number of raw input features m (before the extractor).
    public var inputCount: Int { input.count }
    /// Number of features entering the dense head (= inputCount for an MLP).
    public var featureCount: Int { layers[0].inputs }
    /// Number of logits C.
    public var outputCount: Int { layers[layers.count - 1].outputs }
    /// Hidden widths n₁ … n_{L−1} of the dense head.
    public var hiddenWidths: [Int] { layers.dropLast().map(\.outputs) }
    /// Total number of hidden neurons N.
    public var hiddenCount: Int { hiddenWidths.reduce(0, +) }
    /// Layer sizes of the head, input first: [n₀, n₁, …, C].
    public var headSizes: [Int] { [featureCount] + layers.map(\.outputs) }

    /// Feature vectors of a batch (row-major, `inputCount` values per sample).
    public func features(of inputs: [Double]) throws(ModelError) -> [Double] {
        let batch = try batchSize(of: inputs, width: inputCount)
        if extractor.isIdentity { return inputs }
        var out = [Double]()
        out.reserveCapacity(batch * featureCount)
        for s in 0..<batch {
            out += extractor.features(of: inputs[(s * inputCount)..<((s + 1) * inputCount)])
        }
        return out
    }

    /// Logits of a batch of raw inputs, row-major (batch × C).
    public func logits(_ inputs: [Double]) throws(ModelError) -> [Double] {
        try headForward(features(of: inputs), recordPatterns: false).logits
    }

    /// Logits and activation patterns of a batch of raw inputs.
    public func evaluate(_ inputs: [Double]) throws(ModelError) -> HeadEvaluation {
        try headForward(features(of: inputs), recordPatterns: true)
    }

    /// Logits (and optionally patterns) of the dense head on a batch of feature vectors:
    /// one matrix product per layer, Z = A·Wᵀ + b.
    /// With `recordFirstLayer`, also keeps the first hidden layer's pre-activations (batch × n₁):
    /// every region's first rows are these, so patch gates share them.
    public func headForward(_ features: [Double], recordPatterns: Bool,
                            recordFirstLayer: Bool = false) throws(ModelError) -> HeadEvaluation {
        let batch = try batchSize(of: features, width: featureCount)
        var patterns = recordPatterns ? Array(repeating: ActivationPattern(layerWidths: hiddenWidths), count: batch) : []
        var a = features
        var offset = 0
        var firstLayer = [Double]()
        for (index, layer) in layers.enumerated() {
            var z = [Double](repeating: 0, count: batch * layer.outputs)
            for s in 0..<batch {
                let row = s * layer.outputs
                for j in 0..<layer.outputs { z[row + j] = layer.bias[j] }
            }
            BLAS.gemm(.none, .transposed, m: batch, n: layer.outputs, k: layer.inputs,
                      a: a, lda: layer.inputs, b: layer.weights, ldb: layer.inputs, beta: 1, c: &z, ldc: layer.outputs)
            if index == 0 && recordFirstLayer && layers.count > 1 { firstLayer = z }
            if index < layers.count - 1 {
                for s in 0..<batch {
                    let row = s * layer.outputs
                    for j in 0..<layer.outputs {
                        if z[row + j] > 0 {
                            if recordPatterns { patterns[s][offset + j] = true }
                        } else {
                            z[row + j] = 0
                        }
                    }
                }
                offset += layer.outputs
            }
            a = z
        }
        return HeadEvaluation(batch: batch, classes: outputCount, logits: a, patterns: patterns, firstLayer: firstLayer)
    }

    /// The activation pattern of one raw input.
    public func activationPattern(at x: [Double]) throws(ModelError) -> ActivationPattern {
        try evaluate(x).patterns[0]
    }

    func batchSize(of values: [Double], width: Int) throws(ModelError) -> Int {
        guard values.count % width == 0 else {
            throw .inputMismatch(detail: "\(values.count) values is not a whole number of samples of \(width) features")
        }
        return values.count / width
    }
}

/// Logits (batch × C, row-major) and, when asked, the activation pattern of each sample.
public struct HeadEvaluation: Sendable {
    public let batch: Int
    public let classes: Int
    public let logits: [Double]
    public let patterns: [ActivationPattern]
    /// First hidden layer pre-activations (batch × n₁) when asked for, else empty.
    public let firstLayer: [Double]

    public func logits(of sample: Int) -> ArraySlice<Double> {
        logits[(sample * classes)..<((sample + 1) * classes)]
    }

    /// argmax of each sample's logits; ties go to the lowest class index (numpy's rule).
    public var predictions: [Int] { Self.predictions(logits: logits, classes: classes) }

    /// argmax of each row of `classes` logits, ties to the lowest class index.
    public static func predictions(logits: [Double], classes: Int) -> [Int] {
        stride(from: 0, to: logits.count, by: classes).map { start in
            var best = 0
            for j in 1..<classes where logits[start + j] > logits[start + best] { best = j }
            return best
        }
    }
}
