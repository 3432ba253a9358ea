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
        patternFixedLayers.forward(masks: masks, features: x, count: k, signed: signed, preactivations: &pre, logits: &logits,
                                   scratch: &scratch)
    }

    /// Two pattern-fixed passes at the same k points, under masks `a` and under masks `b`:
    /// the first layer is the same for every pattern, so its product (the widest) runs once.
    /// Writes the pre-activations (or slacks, with `signed`) of each; the logits are not kept.
    public func patternFixedForwardPair(masks a: PatternMasks, _ b: PatternMasks, features x: [Double], count k: Int,
                                        signed: Bool = false, preactivations preA: inout [Double], _ preB: inout [Double],
                                        scratch: inout PatternFixedScratch) {
        patternFixedLayers.forwardPair(masks: a, b, features: x, count: k, signed: signed, preactivations: &preA, &preB,
                                       scratch: &scratch)
    }

    /// The network's own layers (Float64, not copied) for the pattern-fixed passes.
    public var patternFixedLayers: PatternFixedLayers<Double> {
        PatternFixedLayers(inputs: layers.map(\.inputs), outputs: layers.map(\.outputs),
                           weights: layers.map(\.weights), biases: layers.map(\.bias))
    }

    /// The first layer's pre-activations W₀x + b₀ at a batch of feature vectors
    /// (batch × layers[0].outputs): all that gate calibration needs of its reference points.
    /// Throws, as headForward does, when the values are not whole feature vectors.
    public func firstLayerPreactivations(_ features: [Double]) throws(ModelError) -> [Double] {
        let k = try batchSize(of: features, width: featureCount)
        var z = [Double](repeating: 0, count: k * layers[0].outputs)
        patternFixedLayers.firstLayer(features, count: k, into: &z)
        return z
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
        patternFixedLayers.pullback(masks: masks, outputCotangents: v, count: k, hiddenCotangents: h, into: &result,
                                    scratch: &scratch)
    }

    /// pullback(masks: a, …, hiddenCotangents: ha) + pullback(masks: b, …, hiddenCotangents: hb)
    /// with zero logit cotangents: the two cotangents meet at the first layer, which is the
    /// same for every pattern, so its product (the widest) runs once.
    public func pullbackSum(masks a: PatternMasks, hiddenCotangents ha: [Double], _ b: PatternMasks, hiddenCotangents hb: [Double],
                            count k: Int, into result: inout [Double], scratch: inout PatternFixedScratch) {
        patternFixedLayers.pullbackSum(masks: a, hiddenCotangents: ha, b, hiddenCotangents: hb, count: k, into: &result,
                                       scratch: &scratch)
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
