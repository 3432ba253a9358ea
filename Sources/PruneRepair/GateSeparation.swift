import PruneModel

/// The objective of a gate-closure proof for a member region π′ of another patch on a region
/// S: φ(x) = Σ_i ω_i σ′_i z′_i(x) with weights ω_i ∈ [0, 1] on π′'s rows, σ′_i = +1 where π′
/// is active and −1 where it is not, and z′ the pre-activations with π′ fixed. −φ = Σ ω_i v′_i
/// is a weighted sum of π′'s row violations. With π′ fixed the network is affine in x
/// everywhere, so φ(x) = gᵀx + c: one pullback and one forward pass give it, and it reaches
/// rows of π′ that S's own network does not have (the deeper layers differ).
/// If max over S ∩ X of φ ≤ −L < 0 then, since Σ min(1, a_i) ≥ min(1, Σ ω_i a_i) for
/// a_i = γ′ max(0, v′_i) ≥ 0 and ω_i ∈ [0, 1], every point of S has Σ min(1, γ′ v′_i₊) ≥
/// min(1, γ′L) = 1 once γ′ ≥ 1/L: the gate is 0 on all of S.
/// Without weights, ω is 1 on the first-layer rows where π′ and S differ (those violations are
/// ≥ 0 everywhere on S, the first layer being shared) and 0 elsewhere.
public struct GateSeparation: Sendable {
    /// φ's gradient w (featureCount) and constant c, as computed in Float64.
    public let objective: AffineObjective
    /// An upper bound on |φ_exact(x) − φ_computed(x)| over the box: the rounding of w and c.
    public let error: Double

    private init(objective: AffineObjective, error: Double) {
        self.objective = objective
        self.error = error
    }

    /// nil when no row carries weight (π′ = S in the first layer, without weights), or when a
    /// weight is outside [0, 1] or on a row past `gateRows` (the gate's rows are the first
    /// `gateRows` of the pattern: a violation of any other row does not close it).
    public init?(network: Network, magnitudes: Network, box: InputBox, region s: ActivationPattern,
                 member: ActivationPattern, weights: [Double]? = nil, gateRows: Int? = nil, operations: Int) {
        guard let only = Self.batch(network: network, magnitudes: magnitudes, box: box, regions: [s], members: [member],
                                    weights: [weights], gateRows: [gateRows], operations: operations)[0] else { return nil }
        self = only
    }

    /// The objectives of many (region, member) rows at once: their pullbacks and forward passes
    /// share one set of matrix products (1,012 rows one at a time took 0.42 s). Each entry is
    /// nil where the single-row initialiser would return nil.
    public static func batch(network: Network, magnitudes: Network, box: InputBox, regions: [ActivationPattern],
                             members: [ActivationPattern], weights: [[Double]?], gateRows: [Int?],
                             operations: Int) -> [GateSeparation?] {
        let n = network.hiddenCount, m = network.featureCount, c = network.outputCount
        precondition(members.count == regions.count && weights.count == regions.count && gateRows.count == regions.count)
        // σ per row (ω_i with π′'s sign), or nil when the row proves nothing.
        var sigmas = [[Double]?]()
        for (r, member) in members.enumerated() {
            var sigma = [Double](repeating: 0, count: n)
            if let w = weights[r] {
                // Weights outside [0, 1] would make the sum no bound on the gate: refuse them.
                guard w.count == n, w.allSatisfy({ $0 >= 0 && $0 <= 1 }),
                      w[min(n, gateRows[r] ?? n)...].allSatisfy({ $0 == 0 }) else {
                    sigmas.append(nil)
                    continue
                }
                for i in 0..<n { sigma[i] = member[i] ? w[i] : -w[i] }
            } else {
                for i in 0..<(network.hiddenWidths.first ?? 0) where regions[r][i] != member[i] { sigma[i] = member[i] ? 1 : -1 }
            }
            sigmas.append(sigma.contains(where: { $0 != 0 }) ? sigma : nil)
        }
        let rows = sigmas.indices.filter { sigmas[$0] != nil }
        guard !rows.isEmpty else { return sigmas.map { _ in nil } }
        let k = rows.count, patterns = rows.map { members[$0] }
        let sigma = rows.flatMap { sigmas[$0]! }
        let zeroOutputs = [Double](repeating: 0, count: k * c), origin = [Double](repeating: 0, count: k * m)
        let w = network.pullback(patterns: patterns, outputCotangents: zeroOutputs, count: k, hiddenCotangents: sigma)
        let atZero = network.patternFixedForward(patterns: patterns, features: origin).preactivations
        // The same computations on |W|, |b|, |σ| bound their rounding (γ_ops times them).
        let wMagnitude = magnitudes.pullback(patterns: patterns, outputCotangents: zeroOutputs, count: k,
                                             hiddenCotangents: sigma.map(abs))
        let zMagnitude = magnitudes.patternFixedForward(patterns: patterns, features: origin).preactivations
        var result = [GateSeparation?](repeating: nil, count: members.count)
        for (q, r) in rows.enumerated() {
            var constant = 0.0, total = 0.0
            for i in 0..<n where sigma[q * n + i] != 0 { constant += sigma[q * n + i] * atZero[q * n + i] }
            for col in 0..<m { total += wMagnitude[q * m + col] * max(abs(box.lower[col]), abs(box.upper[col])) }
            for i in 0..<n where sigma[q * n + i] != 0 { total += abs(sigma[q * n + i]) * zMagnitude[q * n + i] }
            result[r] = GateSeparation(objective: AffineObjective(gradient: Array(w[(q * m)..<((q + 1) * m)]), constant: constant),
                                       error: RoundingBound.upper(0, magnitude: total, operations: operations + n + m))
        }
        return result
    }
}

extension GateSeparation {
    /// A proof for the pair read the other way. U(ω, y) for (region S, member π′) is
    /// max over X of Σ ω_i σ′_i z′_i(x) + Σ y_k s_k z_k(x), and both sums have the same form
    /// (σ and s are each pattern's ±1 signs), so swapping the roles gives U for (region π′,
    /// member S) at (y, ω). Dividing both by c = max(1, max y) brings the new weights into
    /// [0, 1] and the bound to U/c: still below 0 when U is. The new weights sit on every row of
    /// S, so they prove a gate over all of S's rows (an exact gate) closed. Callers re-check
    /// the result rigorously like any other proof.
    public static func reversed(weights w: [Double], multipliers y: [Double]) -> (weights: [Double], multipliers: [Double], scale: Double) {
        let scale = max(1, y.max() ?? 0)
        // y_i ≤ max y, and correctly rounded division is monotone: every weight stays ≤ 1.
        return (y.map { $0 / scale }, w.map { $0 / scale }, scale)
    }
}

/// An affine objective wᵀx + c on the head's input.
public struct AffineObjective: Sendable, Equatable {
    public let gradient: [Double]
    public let constant: Double

    public init(gradient: [Double], constant: Double) {
        self.gradient = gradient
        self.constant = constant
    }
}
