import PruneModel

/// Lagrangian upper bounds on a linear function of the logits over a region.
///
/// For any multipliers y ≥ 0 on the region rows and any cotangent v on the logits,
///
///     max_{x ∈ S ∩ X} vᵀf(x)  ≤  U(y) = max_{x ∈ X} [ vᵀf_π(x) + Σ_i y_i s_i z_{π,i}(x) ],
///
/// because on S every s_i z_{π,i}(x) ≥ 0 and f = f_π. The inner function is affine in x, so U
/// is one backward pass (its gradient g = vᵀF₁ + Σ y_i s_i ŵ_i) plus the box corner chosen by
/// the signs of g. This is the dual certificate a verifier re-checks without an LP solver.
public struct DualBound: Sendable {
    public let region: LinearRegion
    /// The box X over the head's input (the feature vector).
    public let box: InputBox
    /// Pattern-fixed logits and pre-activations at x = 0: the constant term of U.
    private let logitsAtZero: [Double]
    private let preactivationsAtZero: [Double]

    public init(region: LinearRegion, box: InputBox) {
        precondition(box.count == region.network.featureCount, "box does not match the feature vector")
        self.region = region
        self.box = box
        let zero = region.network.patternFixedForward(pattern: region.pattern,
                                                      features: [Double](repeating: 0, count: box.count))
        logitsAtZero = zero.logits
        preactivationsAtZero = zero.preactivations
    }

    /// U(y) for k (cotangent, multiplier) pairs at once: `v` is k × C, `y` is k × N (entries
    /// ≥ 0). Returns the k bounds and the maximising corners (k × featureCount).
    ///
    /// `hiddenObjective` (k × N, optional) adds hᵀz_π(x) to the objective: the maximised
    /// function is then vᵀf_π(x) + hᵀz_π(x), which covers rows of other regions whose
    /// pre-activations are shared with this one (all of the first layer).
    public func evaluate(cotangents v: [Double], multipliers y: [Double], count k: Int,
                         hiddenObjective: [Double]? = nil) -> (values: [Double], corners: [Double]) {
        let net = region.network
        let (n, c, m) = (net.hiddenCount, net.outputCount, net.featureCount)
        precondition(v.count == k * c && y.count == k * n, "cotangents or multipliers have the wrong size")
        precondition(hiddenObjective == nil || hiddenObjective!.count == k * n, "hidden objective has the wrong size")
        var signed = y
        for i in signed.indices where !region.pattern[i % n] { signed[i] = -signed[i] }
        if let h = hiddenObjective {
            for i in signed.indices { signed[i] += h[i] }
        }
        let g = net.pullback(pattern: region.pattern, outputCotangents: v, count: k, hiddenCotangents: signed)
        var values = [Double](repeating: 0, count: k)
        var corners = [Double](repeating: 0, count: k * m)
        for r in 0..<k {
            var total = 0.0
            for j in 0..<c { total += v[r * c + j] * logitsAtZero[j] }
            for i in 0..<n { total += signed[r * n + i] * preactivationsAtZero[i] }
            for col in 0..<m {
                let gc = g[r * m + col]
                let corner = gc >= 0 ? box.upper[col] : box.lower[col]
                corners[r * m + col] = corner
                total += gc * corner
            }
            values[r] = total
        }
        return (values, corners)
    }

    /// The box-only bound (y = 0): max over X of vᵀf_π(x), the loosest certificate.
    public func boxOnly(cotangents v: [Double], count k: Int) -> [Double] {
        evaluate(cotangents: v, multipliers: [Double](repeating: 0, count: k * region.rowCount), count: k).values
    }
}
