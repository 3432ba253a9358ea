import PruneBLAS

/// The pattern-fixed head f_π: every ReLU replaced by multiplication with the diagonal 0/1
/// matrix D_ℓ of a pattern, so f_π(x) = F₁x + F₂ is affine in the feature vector x. These
/// functions never materialise F₁ or the region's constraint rows.
///
/// Each takes a batch of k rows and either one pattern for all rows or one pattern per row:
/// rows of different regions share the same matrix products, so many regions are processed
/// for the price of one larger product.
extension Network {
    /// Hidden pre-activations z_π(x) (k × N, stacked by layer) and logits f_π(x) (k × C) of the
    /// pattern-fixed head at a batch of k feature vectors (k × featureCount, row-major). On the
    /// region of π they equal z(x) and f(x); outside it they are the affine continuation.
    public func patternFixedForward(pattern: ActivationPattern, features x: [Double]) -> (preactivations: [Double], logits: [Double]) {
        patternFixedForward(patterns: [pattern], features: x)
    }

    /// As above with `patterns` holding one pattern per row (or a single pattern for all).
    public func patternFixedForward(patterns: [ActivationPattern], features x: [Double]) -> (preactivations: [Double], logits: [Double]) {
        precondition(x.count % featureCount == 0, "points do not fit the network")
        let k = x.count / featureCount
        checkPatterns(patterns, rows: k)
        var pre = [Double](), logits = [Double](), scratch = PatternFixedScratch()
        patternFixedForward(masks: PatternMasks(patterns, width: hiddenCount), features: x, count: k,
                            preactivations: &pre, logits: &logits, scratch: &scratch)
        return (pre, logits)
    }

    /// As above with the patterns as masks, writing into caller-owned buffers (resized to k × N
    /// and k × C when they differ) so that repeated passes allocate nothing. With `signed`,
    /// `pre` receives the slacks s ⊙ z_π(x) (s = +1 active, −1 inactive) instead of z_π(x).
    public func patternFixedForward(masks: PatternMasks, features x: [Double], count k: Int, signed: Bool = false,
                                    preactivations pre: inout [Double], logits: inout [Double],
                                    scratch: inout PatternFixedScratch) {
        let n = hiddenCount
        precondition(x.count >= k * featureCount, "points do not fit the network")
        checkMasks(masks, rows: k)
        if pre.count != k * n { pre = [Double](repeating: 0, count: k * n) }
        if logits.count != k * outputCount { logits = [Double](repeating: 0, count: k * outputCount) }
        // Hidden outputs ping-pong between two scratch buffers (moved out so they stay unique).
        var current = scratch.take(0, count: k * max(widestHidden, outputCount))
        var next = scratch.take(1, count: k * widestHidden)
        defer {
            scratch.restore(0, current)
            scratch.restore(1, next)
        }
        firstLayer(x, count: k, into: &current)
        propagate(masks: masks, count: k, signed: signed, current: &current, next: &next, preactivations: &pre, logits: &logits)
    }

    /// Two pattern-fixed passes at the same k points, under masks `a` and under masks `b`:
    /// the first layer is the same for every pattern, so its product (the widest) runs once.
    /// Writes the pre-activations (or slacks, with `signed`) of each; the logits are not kept.
    public func patternFixedForwardPair(masks a: PatternMasks, _ b: PatternMasks, features x: [Double], count k: Int,
                                        signed: Bool = false, preactivations preA: inout [Double], _ preB: inout [Double],
                                        scratch: inout PatternFixedScratch) {
        let n = hiddenCount
        precondition(x.count >= k * featureCount, "points do not fit the network")
        checkMasks(a, rows: k)
        checkMasks(b, rows: k)
        if preA.count != k * n { preA = [Double](repeating: 0, count: k * n) }
        if preB.count != k * n { preB = [Double](repeating: 0, count: k * n) }
        guard layers.count > 1, let n1 = hiddenWidths.first else { return }
        var logits = [Double](repeating: 0, count: k * outputCount)
        scratch.withBuffers(k * max(widestHidden, outputCount), k * widestHidden, k * n1) { current, next, shared in
            firstLayer(x, count: k, into: &shared)
            for i in 0..<(k * n1) { current[i] = shared[i] }
            propagate(masks: a, count: k, signed: signed, current: &current, next: &next, preactivations: &preA, logits: &logits)
            for i in 0..<(k * n1) { current[i] = shared[i] }
            propagate(masks: b, count: k, signed: signed, current: &current, next: &next, preactivations: &preB, logits: &logits)
        }
    }

    /// The first layer's pre-activations W₀x + b₀ at a batch of feature vectors
    /// (batch × layers[0].outputs): all that gate calibration needs of its reference points.
    /// Throws, as headForward does, when the values are not whole feature vectors.
    public func firstLayerPreactivations(_ features: [Double]) throws(ModelError) -> [Double] {
        let k = try batchSize(of: features, width: featureCount)
        var z = [Double](repeating: 0, count: k * layers[0].outputs)
        firstLayer(features, count: k, into: &z)
        return z
    }

    /// The first layer's pre-activations W₀x + b₀ at k points (k × layers[0].outputs).
    private func firstLayer(_ x: [Double], count k: Int, into z: inout [Double]) {
        let layer = layers[0]
        VectorKernels.fillRows(&z, rows: k, with: layer.bias)
        BLAS.gemm(.none, .transposed, m: k, n: layer.outputs, k: layer.inputs,
                  a: x, lda: layer.inputs, b: layer.weights, ldb: layer.inputs, beta: 1, c: &z, ldc: layer.outputs)
    }

    /// The pattern-fixed head from the first layer's pre-activations (in `current`) on: each
    /// hidden layer's pre-activation is recorded in `pre` and masked, the last layer's output
    /// goes to `logits`.
    private func propagate(masks: PatternMasks, count k: Int, signed: Bool, current: inout [Double], next: inout [Double],
                           preactivations pre: inout [Double], logits: inout [Double]) {
        let n = hiddenCount
        guard layers.count > 1 else {
            for i in 0..<(k * outputCount) { logits[i] = current[i] }
            return
        }
        var offset = 0
        for index in layers.indices {
            let layer = layers[index]
            if index > 0 {
                let last = index == layers.count - 1
                if last {
                    VectorKernels.fillRows(&logits, rows: k, with: layer.bias)
                    BLAS.gemm(.none, .transposed, m: k, n: layer.outputs, k: layer.inputs, a: current, lda: layer.inputs,
                              b: layer.weights, ldb: layer.inputs, beta: 1, c: &logits, ldc: layer.outputs)
                    return
                }
                VectorKernels.fillRows(&next, rows: k, with: layer.bias)
                BLAS.gemm(.none, .transposed, m: k, n: layer.outputs, k: layer.inputs, a: current, lda: layer.inputs,
                          b: layer.weights, ldb: layer.inputs, beta: 1, c: &next, ldc: layer.outputs)
                swap(&current, &next)
            }
            MaskKernels.recordAndMask(&current, rows: k, width: layer.outputs, copy: &pre, copyStride: n, copyOffset: offset,
                                      masks: masks.active, signs: signed ? masks.signs : nil,
                                      maskRows: masks.rows, maskStride: n, maskOffset: offset)
            offset += layer.outputs
        }
    }

    /// Vector–Jacobian product through the pattern-fixed head, for `k` cotangents at once:
    /// returns U = V·F₁ + Σ_ℓ H_ℓ·Ŵ_ℓ (k × featureCount, row-major), where V (k × C) are
    /// cotangents on the logits and H (k × N, optional) on the hidden pre-activations. One
    /// backward pass of matrix products; neither F₁ nor Ŵ_ℓ is formed.
    ///
    /// With H a row of signed dual multipliers this is Aᵀy for the region's rows
    /// a_i = −s_i ŵ_i, which is what certificate checks need.
    public func pullback(pattern: ActivationPattern, outputCotangents v: [Double], count k: Int,
                         hiddenCotangents h: [Double]? = nil) -> [Double] {
        pullback(patterns: [pattern], outputCotangents: v, count: k, hiddenCotangents: h)
    }

    /// As above with `patterns` holding one pattern per row (or a single pattern for all).
    public func pullback(patterns: [ActivationPattern], outputCotangents v: [Double], count k: Int,
                         hiddenCotangents h: [Double]? = nil) -> [Double] {
        checkPatterns(patterns, rows: k)
        var result = [Double](), scratch = PatternFixedScratch()
        pullback(masks: PatternMasks(patterns, width: hiddenCount), outputCotangents: v, count: k, hiddenCotangents: h,
                 into: &result, scratch: &scratch)
        return result
    }

    /// As above with the patterns as masks, writing U into `result` (resized to k × featureCount
    /// when it differs) so that repeated passes allocate nothing.
    public func pullback(masks: PatternMasks, outputCotangents v: [Double], count k: Int, hiddenCotangents h: [Double]?,
                         into result: inout [Double], scratch: inout PatternFixedScratch) {
        let n = hiddenCount
        checkMasks(masks, rows: k)
        precondition(v.count == k * outputCount, "output cotangents are not k × C")
        precondition(h == nil || h!.count == k * n, "hidden cotangents are not k × N")
        if result.count != k * featureCount { result = [Double](repeating: 0, count: k * featureCount) }
        var current = scratch.take(0, count: k * max(widestHidden, outputCount))
        var next = scratch.take(1, count: k * widestHidden)
        defer {
            scratch.restore(0, current)
            scratch.restore(1, next)
        }
        firstLayerCotangent(masks: masks, outputCotangents: v, count: k, hiddenCotangents: h, current: &current, next: &next)
        pullFirstLayer(current, count: k, into: &result)
    }

    /// pullback(masks: a, …, hiddenCotangents: ha) + pullback(masks: b, …, hiddenCotangents: hb)
    /// with zero logit cotangents: the two cotangents meet at the first layer, which is the
    /// same for every pattern, so its product (the widest) runs once.
    public func pullbackSum(masks a: PatternMasks, hiddenCotangents ha: [Double], _ b: PatternMasks, hiddenCotangents hb: [Double],
                            count k: Int, into result: inout [Double], scratch: inout PatternFixedScratch) {
        let n = hiddenCount
        checkMasks(a, rows: k)
        checkMasks(b, rows: k)
        precondition(ha.count == k * n && hb.count == k * n, "hidden cotangents are not k × N")
        if result.count != k * featureCount { result = [Double](repeating: 0, count: k * featureCount) }
        let width = max(widestHidden, outputCount)
        let zeros = [Double](repeating: 0, count: k * outputCount)
        let n0 = layers[0].outputs
        scratch.withBuffers(k * width, k * widestHidden, k * width) { current, next, sum in
            firstLayerCotangent(masks: a, outputCotangents: zeros, count: k, hiddenCotangents: ha, current: &current, next: &next)
            for i in 0..<(k * n0) { sum[i] = current[i] }
            firstLayerCotangent(masks: b, outputCotangents: zeros, count: k, hiddenCotangents: hb, current: &current, next: &next)
            MaskKernels.add(current, to: &sum, count: k * n0)
            pullFirstLayer(sum, count: k, into: &result)
        }
    }

    /// The cotangent of the first layer's pre-activation (k × layers[0].outputs, left in
    /// `current`) for logit cotangents v and hidden cotangents h, through the masks.
    private func firstLayerCotangent(masks: PatternMasks, outputCotangents v: [Double], count k: Int, hiddenCotangents h: [Double]?,
                                     current: inout [Double], next: inout [Double]) {
        let n = hiddenCount
        for i in 0..<(k * outputCount) { current[i] = v[i] }
        var offset = n
        for index in stride(from: layers.count - 1, through: 1, by: -1) {
            let layer = layers[index]
            BLAS.gemm(.none, .none, m: k, n: layer.inputs, k: layer.outputs,
                      a: current, lda: layer.outputs, b: layer.weights, ldb: layer.inputs, c: &next, ldc: layer.inputs)
            // Through D_{index} (the ReLU below), then add that layer's own cotangent.
            offset -= layer.inputs
            MaskKernels.maskAndAdd(&next, rows: k, width: layer.inputs,
                                   masks: masks.active, maskRows: masks.rows, maskStride: n, maskOffset: offset,
                                   adding: h, hStride: n, hOffset: offset)
            swap(&current, &next)
        }
    }

    /// U = G·W₀ for the first layer's pre-activation cotangents G (k × layers[0].outputs).
    private func pullFirstLayer(_ g: [Double], count k: Int, into result: inout [Double]) {
        let layer = layers[0]
        BLAS.gemm(.none, .none, m: k, n: layer.inputs, k: layer.outputs,
                  a: g, lda: layer.outputs, b: layer.weights, ldb: layer.inputs, c: &result, ldc: layer.inputs)
    }

    /// The vector–Jacobian product for a single logit cotangent v: vᵀF₁.
    public func pullback(pattern: ActivationPattern, outputCotangent v: [Double]) -> [Double] {
        pullback(pattern: pattern, outputCotangents: v, count: 1)
    }

    private func checkPatterns(_ patterns: [ActivationPattern], rows k: Int) {
        precondition(patterns.count == 1 || patterns.count == k, "need one pattern, or one per row")
        precondition(patterns.allSatisfy { $0.layerWidths == hiddenWidths }, "pattern does not fit the network")
    }

    private func checkMasks(_ masks: PatternMasks, rows k: Int) {
        precondition(masks.rows == 1 || masks.rows == k, "need one pattern, or one per row")
        precondition(masks.width == hiddenCount, "pattern does not fit the network")
    }

    /// The widest hidden layer (0 without hidden layers): the scratch buffers' row width.
    var widestHidden: Int { layers.dropLast().map(\.outputs).max() ?? 0 }
}
