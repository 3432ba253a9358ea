import PruneBLAS

/// A network's dense layers in one precision, with the pattern-fixed passes over them (see
/// Network+PatternFixed). Float64 holds the network's own arrays, not a copy, and serves every
/// certificate and check; Float32 is a rounded copy for searches whose results are re-checked
/// in Float64, where its products run about twice as fast. Inlinable, so each precision gets
/// its own specialised passes.
public struct PatternFixedLayers<Scalar: BLASScalar>: Sendable {
    @usableFromInline let inputs: [Int]
    @usableFromInline let outputs: [Int]
    /// Row-major outputs × inputs, as DenseLayer stores them.
    @usableFromInline let weights: [[Scalar]]
    @usableFromInline let biases: [[Scalar]]

    @usableFromInline
    init(inputs: [Int], outputs: [Int], weights: [[Scalar]], biases: [[Scalar]]) {
        self.inputs = inputs
        self.outputs = outputs
        self.weights = weights
        self.biases = biases
    }

    /// The network's layers rounded to `Scalar` (to nearest).
    public init(rounding network: Network) {
        self.init(inputs: network.layers.map(\.inputs), outputs: network.layers.map(\.outputs),
                  weights: network.layers.map { $0.weights.map { Scalar($0) } },
                  biases: network.layers.map { $0.bias.map { Scalar($0) } })
    }

    @inlinable public var featureCount: Int { inputs[0] }
    @inlinable public var outputCount: Int { outputs[outputs.count - 1] }
    @inlinable public var hiddenWidths: [Int] { Array(outputs.dropLast()) }
    @inlinable public var hiddenCount: Int { outputs.dropLast().reduce(0, +) }
    /// The widest hidden layer (0 without hidden layers): the scratch buffers' row width.
    @inlinable var widestHidden: Int { outputs.dropLast().max() ?? 0 }

    /// Hidden pre-activations (k × N) and logits (k × C) of the pattern-fixed head at k feature
    /// vectors, into caller-owned buffers (resized when they differ); with `signed`, `pre`
    /// receives the slacks s ⊙ z_π(x).
    @inlinable
    public func forward(masks: PatternMaskRows<Scalar>, features x: [Scalar], count k: Int, signed: Bool,
                        preactivations pre: inout [Scalar], logits: inout [Scalar], scratch: inout PatternFixedBuffers<Scalar>) {
        let n = hiddenCount
        precondition(x.count >= k * featureCount, "points do not fit the network")
        checkMasks(masks, rows: k)
        if pre.count != k * n { pre = [Scalar](repeating: 0, count: k * n) }
        if logits.count != k * outputCount { logits = [Scalar](repeating: 0, count: k * outputCount) }
        // Hidden outputs ping-pong between two scratch buffers (moved out so they stay unique).
        scratch.withBuffers(k * max(widestHidden, outputCount), k * widestHidden, 0) { current, next, _ in
            firstLayer(x, count: k, into: &current)
            propagate(masks: masks, count: k, signed: signed, current: &current, next: &next, preactivations: &pre, logits: &logits)
        }
    }

    /// Two passes at the same k points, under masks `a` and `b`: the first layer is the same
    /// for every pattern, so its product (the widest) runs once. The logits are not kept.
    @inlinable
    public func forwardPair(masks a: PatternMaskRows<Scalar>, _ b: PatternMaskRows<Scalar>, features x: [Scalar], count k: Int,
                            signed: Bool, preactivations preA: inout [Scalar], _ preB: inout [Scalar],
                            scratch: inout PatternFixedBuffers<Scalar>) {
        let n = hiddenCount
        precondition(x.count >= k * featureCount, "points do not fit the network")
        checkMasks(a, rows: k)
        checkMasks(b, rows: k)
        if preA.count != k * n { preA = [Scalar](repeating: 0, count: k * n) }
        if preB.count != k * n { preB = [Scalar](repeating: 0, count: k * n) }
        guard outputs.count > 1 else { return }
        let n1 = outputs[0]
        var logits = [Scalar](repeating: 0, count: k * outputCount)
        scratch.withBuffers(k * max(widestHidden, outputCount), k * widestHidden, k * n1) { current, next, shared in
            firstLayer(x, count: k, into: &shared)
            for i in 0..<(k * n1) { current[i] = shared[i] }
            propagate(masks: a, count: k, signed: signed, current: &current, next: &next, preactivations: &preA, logits: &logits)
            for i in 0..<(k * n1) { current[i] = shared[i] }
            propagate(masks: b, count: k, signed: signed, current: &current, next: &next, preactivations: &preB, logits: &logits)
        }
    }

    /// The first layer's pre-activations W₀x + b₀ at k points (k × outputs[0]).
    @inlinable
    func firstLayer(_ x: [Scalar], count k: Int, into z: inout [Scalar]) {
        VectorKernels.fillRows(&z, rows: k, with: biases[0])
        BLAS.gemm(.none, .transposed, m: k, n: outputs[0], k: inputs[0],
                  a: x, lda: inputs[0], b: weights[0], ldb: inputs[0], beta: 1, c: &z, ldc: outputs[0])
    }

    /// The head from the first layer's pre-activations (in `current`) on: each hidden layer's
    /// pre-activation is recorded in `pre` and masked, the last layer's output goes to `logits`.
    @inlinable
    func propagate(masks: PatternMaskRows<Scalar>, count k: Int, signed: Bool, current: inout [Scalar], next: inout [Scalar],
                   preactivations pre: inout [Scalar], logits: inout [Scalar]) {
        let n = hiddenCount
        guard outputs.count > 1 else {
            for i in 0..<(k * outputCount) { logits[i] = current[i] }
            return
        }
        var offset = 0
        for index in outputs.indices {
            if index > 0 {
                if index == outputs.count - 1 {
                    VectorKernels.fillRows(&logits, rows: k, with: biases[index])
                    BLAS.gemm(.none, .transposed, m: k, n: outputs[index], k: inputs[index], a: current, lda: inputs[index],
                              b: weights[index], ldb: inputs[index], beta: 1, c: &logits, ldc: outputs[index])
                    return
                }
                VectorKernels.fillRows(&next, rows: k, with: biases[index])
                BLAS.gemm(.none, .transposed, m: k, n: outputs[index], k: inputs[index], a: current, lda: inputs[index],
                          b: weights[index], ldb: inputs[index], beta: 1, c: &next, ldc: outputs[index])
                swap(&current, &next)
            }
            MaskKernels.recordAndMask(&current, rows: k, width: outputs[index], copy: &pre, copyStride: n, copyOffset: offset,
                                      masks: masks.active, signs: signed ? masks.signs : nil,
                                      maskRows: masks.rows, maskStride: n, maskOffset: offset)
            offset += outputs[index]
        }
    }

    /// U = V·F₁ + Σ_ℓ H_ℓ·Ŵ_ℓ (k × featureCount) for logit cotangents V (k × C) and optional
    /// hidden cotangents H (k × N), into `result` (resized when it differs).
    @inlinable
    public func pullback(masks: PatternMaskRows<Scalar>, outputCotangents v: [Scalar], count k: Int, hiddenCotangents h: [Scalar]?,
                         into result: inout [Scalar], scratch: inout PatternFixedBuffers<Scalar>) {
        let n = hiddenCount
        checkMasks(masks, rows: k)
        precondition(v.count == k * outputCount, "output cotangents are not k × C")
        precondition(h == nil || h!.count == k * n, "hidden cotangents are not k × N")
        if result.count != k * featureCount { result = [Scalar](repeating: 0, count: k * featureCount) }
        scratch.withBuffers(k * max(widestHidden, outputCount), k * widestHidden, 0) { current, next, _ in
            firstLayerCotangent(masks: masks, outputCotangents: v, count: k, hiddenCotangents: h, current: &current, next: &next)
            pullFirstLayer(current, count: k, into: &result)
        }
    }

    /// pullback(a, ha) + pullback(b, hb) with zero logit cotangents: the two cotangents meet
    /// at the first layer, the same for every pattern, so its product (the widest) runs once.
    @inlinable
    public func pullbackSum(masks a: PatternMaskRows<Scalar>, hiddenCotangents ha: [Scalar], _ b: PatternMaskRows<Scalar>,
                            hiddenCotangents hb: [Scalar], count k: Int, into result: inout [Scalar],
                            scratch: inout PatternFixedBuffers<Scalar>) {
        let n = hiddenCount
        checkMasks(a, rows: k)
        checkMasks(b, rows: k)
        precondition(ha.count == k * n && hb.count == k * n, "hidden cotangents are not k × N")
        if result.count != k * featureCount { result = [Scalar](repeating: 0, count: k * featureCount) }
        let width = max(widestHidden, outputCount)
        let zeros = [Scalar](repeating: 0, count: k * outputCount)
        let n0 = outputs[0]
        scratch.withBuffers(k * width, k * widestHidden, k * width) { current, next, sum in
            firstLayerCotangent(masks: a, outputCotangents: zeros, count: k, hiddenCotangents: ha, current: &current, next: &next)
            for i in 0..<(k * n0) { sum[i] = current[i] }
            firstLayerCotangent(masks: b, outputCotangents: zeros, count: k, hiddenCotangents: hb, current: &current, next: &next)
            MaskKernels.add(current, to: &sum, count: k * n0)
            pullFirstLayer(sum, count: k, into: &result)
        }
    }

    /// The cotangent of the first layer's pre-activation (k × outputs[0], left in `current`)
    /// for logit cotangents v and hidden cotangents h, through the masks.
    @inlinable
    func firstLayerCotangent(masks: PatternMaskRows<Scalar>, outputCotangents v: [Scalar], count k: Int, hiddenCotangents h: [Scalar]?,
                             current: inout [Scalar], next: inout [Scalar]) {
        let n = hiddenCount
        for i in 0..<(k * outputCount) { current[i] = v[i] }
        var offset = n
        for index in stride(from: outputs.count - 1, through: 1, by: -1) {
            BLAS.gemm(.none, .none, m: k, n: inputs[index], k: outputs[index],
                      a: current, lda: outputs[index], b: weights[index], ldb: inputs[index], c: &next, ldc: inputs[index])
            // Through D_{index} (the ReLU below), then add that layer's own cotangent.
            offset -= inputs[index]
            MaskKernels.maskAndAdd(&next, rows: k, width: inputs[index],
                                   masks: masks.active, maskRows: masks.rows, maskStride: n, maskOffset: offset,
                                   adding: h, hStride: n, hOffset: offset)
            swap(&current, &next)
        }
    }

    /// U = G·W₀ for the first layer's pre-activation cotangents G (k × outputs[0]).
    @inlinable
    func pullFirstLayer(_ g: [Scalar], count k: Int, into result: inout [Scalar]) {
        BLAS.gemm(.none, .none, m: k, n: inputs[0], k: outputs[0],
                  a: g, lda: outputs[0], b: weights[0], ldb: inputs[0], c: &result, ldc: inputs[0])
    }

    @inlinable
    func checkMasks(_ masks: PatternMaskRows<Scalar>, rows k: Int) {
        precondition(masks.rows == 1 || masks.rows == k, "need one pattern, or one per row")
        precondition(masks.width == hiddenCount, "pattern does not fit the network")
    }
}
