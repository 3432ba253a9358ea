import PruneModel

/// One patch network h = σ(p + K·G − K) − σ(−p + K·G − K) added to the logits, where
/// G(x) = max over the member regions of g_S(x; γ) and p(x) = c·x + d is the affine patch
/// (c = 0 for the default constant-offset patch). With K ≥ max over the box of |p|, h = p
/// wherever G = 1 (on the member regions), h = 0 wherever G = 0, and |h| ≤ |p| everywhere.
public struct Patch: Sendable, Equatable {
    /// Activation patterns of the member regions; the first is the representative's.
    public let members: [ActivationPattern]
    /// Gate sharpness γ > 0.
    public let gamma: Double
    /// d (C): the constant logit offset.
    public let offset: [Double]
    /// c (C × featureCount, row-major), or nil for a constant patch.
    public let linear: [Double]?
    /// K: at least max over the box of |p_j(x)| for every logit j.
    public let bound: Double
    /// The class this patch makes win on its regions.
    public let target: Int
    /// How many leading hidden layers' rows the gate uses, or nil for all of them (the exact
    /// region). With fewer layers a member's gate is 1 on a polytope that contains its region
    /// (a subset of the region's rows): the patch still equals p on every member region, and
    /// it also reaches unseen points that share the member's first-layer signs. That is what
    /// lets class-level unlearning generalise; γ then keeps it off the reference data.
    public let gateLayers: Int?

    public init(members: [ActivationPattern], gamma: Double, offset: [Double], linear: [Double]? = nil,
                bound: Double, target: Int, gateLayers: Int? = nil) {
        self.members = members
        self.gamma = gamma
        self.offset = offset
        self.linear = linear
        self.bound = bound
        self.target = target
        self.gateLayers = gateLayers
    }

    /// The number of gate rows: the first rows of each member pattern (rows are ordered layer
    /// by layer), all of them without `gateLayers`.
    public func gateRowCount(hiddenWidths: [Int]) -> Int {
        Self.gateRowCount(gateLayers: gateLayers, hiddenWidths: hiddenWidths)
    }

    public static func gateRowCount(gateLayers: Int?, hiddenWidths: [Int]) -> Int {
        hiddenWidths.prefix(gateLayers ?? hiddenWidths.count).reduce(0, +)
    }

    /// The same patch with another γ (the interference analysis sharpens gates).
    public func with(gamma: Double) -> Patch {
        Patch(members: members, gamma: gamma, offset: offset, linear: linear, bound: bound, target: target, gateLayers: gateLayers)
    }

    /// The smallest sound K, in closed form over the box (method.md §6): for each logit j,
    /// max over x ∈ X of |c_j x + d_j| = |d_j + c_j·mid| + Σ_k |c_jk|·radius_k.
    public static func requiredBound(offset: [Double], linear: [Double]?, box: InputBox) -> Double {
        let m = box.count
        var worst = 0.0
        for j in offset.indices {
            var centre = offset[j], spread = 0.0
            if let linear {
                for k in 0..<m {
                    let c = linear[j * m + k]
                    centre += c * (box.lower[k] + box.upper[k]) / 2
                    spread += abs(c) * (box.upper[k] - box.lower[k]) / 2
                }
            }
            worst = max(worst, abs(centre) + spread)
        }
        return worst
    }

    /// p(x) for one feature vector.
    public func affineValue(at x: ArraySlice<Double>) -> [Double] {
        guard let linear else { return offset }
        let m = x.count
        return offset.indices.map { j in
            var v = offset[j]
            for (k, xk) in x.enumerated() { v += linear[j * m + k] * xk }
            return v
        }
    }

    /// h(x) given the gate value G(x) and p(x).
    public func output(gate: Double, affine p: [Double]) -> [Double] {
        let shift = bound * gate - bound
        return p.map { max(0, $0 + shift) - max(0, -$0 + shift) }
    }
}
