import PruneModel

/// The linear region S_π of a point: every feature vector x at which each hidden neuron of the
/// dense head keeps the sign it has in pattern π,
///
///     S_π = { x : s_i · z_{π,i}(x) ≥ 0 for every hidden neuron i },  s_i = +1 if active, −1 if not,
///
/// where z_π is the pattern-fixed network's pre-activation. As Ax ≤ b: a_i = −s_i ŵ_i and
/// b_i = s_i β_i with z_{π,i}(x) = ŵ_iᵀx + β_i. On S_π ∩ X the network is f(x) = F₁x + F₂.
///
/// The region is kept implicit (network + pattern bits): rows, F₁ and F₂ are rebuilt from the
/// weights on demand, never by autograd (method.md §3.2) and never stored.
public struct LinearRegion: Sendable {
    public let network: Network
    public let pattern: ActivationPattern

    public init(network: Network, pattern: ActivationPattern) {
        precondition(pattern.layerWidths == network.hiddenWidths, "pattern does not belong to this network")
        self.network = network
        self.pattern = pattern
    }

    /// The region of the feature vector `x` (its pattern under the tie rule z > 0).
    public init(network: Network, containing x: [Double]) throws(ModelError) {
        let eval = try network.headForward(x, recordPatterns: true)
        self.init(network: network, pattern: eval.patterns[0])
    }

    /// Number of constraint rows N (one per hidden neuron).
    public var rowCount: Int { network.hiddenCount }

    /// s_i: +1 for an active neuron, −1 for an inactive one.
    public func sign(_ neuron: Int) -> Double { pattern[neuron] ? 1 : -1 }

    /// Slacks b − Ax = s ⊙ z_π(x) at a batch of k feature vectors (k × N); all ≥ 0 inside S.
    public func slacks(at x: [Double]) -> [Double] {
        var z = network.patternFixedForward(pattern: pattern, features: x).preactivations
        let n = rowCount
        for i in z.indices where !pattern[i % n] { z[i] = -z[i] }
        return z
    }

    /// Whether feature vector `x` satisfies every row (slack ≥ 0).
    public func contains(_ x: [Double]) -> Bool {
        slacks(at: x).allSatisfy { $0 >= 0 }
    }

    /// The dense constraint rows: A (N × featureCount, row-major) and b (N). Only for callers
    /// that need them all at once, such as an LP.
    public func constraints() -> (a: [Double], b: [Double]) {
        let n = rowCount, m = network.featureCount
        // Ŵ by one backward pass of the N unit cotangents on the hidden pre-activations.
        var identity = [Double](repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        var a = network.pullback(pattern: pattern, outputCotangents: [Double](repeating: 0, count: n * network.outputCount),
                                 count: n, hiddenCotangents: identity)
        // β = z_π(0).
        var b = network.patternFixedForward(pattern: pattern, features: [Double](repeating: 0, count: m)).preactivations
        for i in 0..<n {
            let s = sign(i)
            for c in 0..<m { a[i * m + c] *= -s }
            b[i] *= s
        }
        return (a, b)
    }

    /// The affine map of the network on the region: F₁ (C × featureCount, row-major), F₂ (C).
    public func affineMap() -> (f1: [Double], f2: [Double]) {
        let c = network.outputCount
        var identity = [Double](repeating: 0, count: c * c)
        for i in 0..<c { identity[i * c + i] = 1 }
        let f1 = network.pullback(pattern: pattern, outputCotangents: identity, count: c)
        let f2 = network.patternFixedForward(pattern: pattern, features: [Double](repeating: 0, count: network.featureCount)).logits
        return (f1, f2)
    }
}
