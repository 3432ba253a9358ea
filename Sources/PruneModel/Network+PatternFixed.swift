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
        var a = x
        var pre = [Double](repeating: 0, count: k * hiddenCount)
        var offset = 0
        for (index, layer) in layers.enumerated() {
            var z = [Double](repeating: 0, count: k * layer.outputs)
            for r in 0..<k {
                for j in 0..<layer.outputs { z[r * layer.outputs + j] = layer.bias[j] }
            }
            BLAS.gemm(.none, .transposed, m: k, n: layer.outputs, k: layer.inputs,
                      a: a, lda: layer.inputs, b: layer.weights, ldb: layer.inputs, beta: 1, c: &z, ldc: layer.outputs)
            if index == layers.count - 1 { return (pre, z) }
            for r in 0..<k {
                let pattern = patterns.count == 1 ? patterns[0] : patterns[r]
                for j in 0..<layer.outputs {
                    pre[r * hiddenCount + offset + j] = z[r * layer.outputs + j]
                    if !pattern[offset + j] { z[r * layer.outputs + j] = 0 }
                }
            }
            offset += layer.outputs
            a = z
        }
        fatalError("unreachable: a network has at least one layer")
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
        precondition(v.count == k * outputCount, "output cotangents are not k × C")
        precondition(h == nil || h!.count == k * hiddenCount, "hidden cotangents are not k × N")
        var g = v
        var offset = hiddenCount
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            // g is the cotangent of layer `index`'s pre-activation z: pull it through W.
            var next = [Double](repeating: 0, count: k * layer.inputs)
            BLAS.gemm(.none, .none, m: k, n: layer.inputs, k: layer.outputs,
                      a: g, lda: layer.outputs, b: layer.weights, ldb: layer.inputs, c: &next, ldc: layer.inputs)
            if index == 0 { return next }
            // Through D_{index} (the ReLU below), then add that layer's own cotangent.
            let width = layer.inputs
            offset -= width
            for r in 0..<k {
                let pattern = patterns.count == 1 ? patterns[0] : patterns[r]
                for j in 0..<width {
                    if !pattern[offset + j] { next[r * width + j] = 0 }
                    if let h { next[r * width + j] += h[r * hiddenCount + offset + j] }
                }
            }
            g = next
        }
        fatalError("unreachable: a network has at least one layer")
    }

    /// The vector–Jacobian product for a single logit cotangent v: vᵀF₁.
    public func pullback(pattern: ActivationPattern, outputCotangent v: [Double]) -> [Double] {
        pullback(pattern: pattern, outputCotangents: v, count: 1)
    }

    private func checkPatterns(_ patterns: [ActivationPattern], rows k: Int) {
        precondition(patterns.count == 1 || patterns.count == k, "need one pattern, or one per row")
        precondition(patterns.allSatisfy { $0.layerWidths == hiddenWidths }, "pattern does not fit the network")
    }
}
