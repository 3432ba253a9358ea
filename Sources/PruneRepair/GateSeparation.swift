import PruneModel

/// The objective of a gate-closure proof for a member region π′ of another patch on a region
/// S: φ(x) = Σ_{i∈D} σ′_i z′_i(x) over the rows D where π′ and S's pattern differ in the first
/// `depth` hidden layers, with σ′_i = +1 where π′ is active and −1 where it is not, and z′ the pre-activations
/// with π′ fixed. −φ is the summed violation of π′'s rows in D. With π′ fixed the network is
/// affine in x everywhere, so φ(x) = wᵀx + c: one pullback and one forward pass give it, and
/// it bounds rows of π′ that S's own network does not have (the deeper layers differ).
/// Depth 1 terms are ≥ 0 violations everywhere on S (the first layer is shared); deeper rows
/// can separate regions whose first-layer hyperplanes meet, but may be satisfied on parts of
/// S, so the producer tries depth 1 first and the whole network second.
/// If max over S ∩ X of φ ≤ −L < 0, every point of S violates π′'s rows by at least L in
/// total, so Σ min(1, γ′·v′_i) ≥ min(1, γ′L) = 1 once γ′ ≥ 1/L: the gate is 0 on all of S.
public struct GateSeparation: Sendable {
    /// φ's gradient w (featureCount) and constant c, as computed in Float64.
    public let objective: AffineObjective
    /// An upper bound on |φ_exact(x) − φ_computed(x)| over the box: the rounding of w and c.
    public let error: Double

    /// nil when the patterns agree everywhere (π′ = S: a shared region, not a separation).
    public init?(network: Network, magnitudes: Network, box: InputBox, region s: ActivationPattern,
                 member: ActivationPattern, depth: Int, operations: Int) {
        let n = network.hiddenCount, m = network.featureCount
        let rows = network.hiddenWidths.prefix(max(1, depth)).reduce(0, +)
        var sigma = [Double](repeating: 0, count: n)
        var differs = false
        for i in 0..<rows where s[i] != member[i] {
            sigma[i] = member[i] ? 1 : -1
            differs = true
        }
        guard differs else { return nil }
        let zeroOutputs = [Double](repeating: 0, count: network.outputCount)
        let w = network.pullback(patterns: [member], outputCotangents: zeroOutputs, count: 1, hiddenCotangents: sigma)
        let atZero = network.patternFixedForward(pattern: member, features: [Double](repeating: 0, count: m)).preactivations
        var c = 0.0
        for i in 0..<n where sigma[i] != 0 { c += sigma[i] * atZero[i] }
        // The same computations on |W|, |b|, |σ| bound their rounding (γ_ops times them).
        let wMagnitude = magnitudes.pullback(patterns: [member], outputCotangents: zeroOutputs, count: 1,
                                             hiddenCotangents: sigma.map(abs))
        let zMagnitude = magnitudes.patternFixedForward(pattern: member, features: [Double](repeating: 0, count: m)).preactivations
        var total = 0.0
        for col in 0..<m { total += wMagnitude[col] * max(abs(box.lower[col]), abs(box.upper[col])) }
        for i in 0..<n where sigma[i] != 0 { total += zMagnitude[i] }
        objective = AffineObjective(gradient: w, constant: c)
        error = RoundingBound.upper(0, magnitude: total, operations: operations + n + m)
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
