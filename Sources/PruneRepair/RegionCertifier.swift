import PruneModel

/// How region bounds M_j are computed.
public enum BoundMode: String, Sendable, CaseIterable {
    /// First-order minimisation of the dual bound (no LP): sound, close to exact, fast.
    case fast
    /// One CLP linear program per spec row: the exact maximum and its optimal duals.
    case exact
}

/// The certificate of "target t wins on region S" before the patch: for every j ≠ t, an upper
/// bound M_j on max over S ∩ X of f_j − f_t, and the multipliers y_j ≥ 0 that prove it
/// through `DualBound` (no LP needed to check).
public struct RegionCertificate: Sendable, Equatable {
    public let pattern: ActivationPattern
    public let target: Int
    /// M_j for every logit j (the entry at `target` is 0 and unused).
    public let bounds: [Double]
    /// y_j for every logit j (N each, row-major C × N; the target's row is all zero).
    public let multipliers: [Double]
}

/// Computes region certificates in fast or exact mode.
public struct RegionCertifier: Sendable {
    public let network: Network
    /// The box over the head's input.
    public let box: InputBox
    public let mode: BoundMode
    public let optimizer: FastDualOptimizer

    public init(network: Network, box: InputBox, mode: BoundMode = .fast, optimizer: FastDualOptimizer = FastDualOptimizer()) {
        self.network = network
        self.box = box
        self.mode = mode
        self.optimizer = optimizer
    }

    /// The cotangents e_j − e_t for every j ≠ t, stacked (C−1 rows of C), and their j.
    func specRows(target t: Int) -> (cotangents: [Double], logits: [Int]) {
        let c = network.outputCount
        var v = [Double](), js = [Int]()
        for j in 0..<c where j != t {
            var row = [Double](repeating: 0, count: c)
            row[j] = 1
            row[t] = -1
            v += row
            js.append(j)
        }
        return (v, js)
    }

    public func certify(pattern: ActivationPattern, target t: Int) throws -> RegionCertificate {
        let region = LinearRegion(network: network, pattern: pattern)
        let (v, js) = specRows(target: t)
        let (c, n) = (network.outputCount, network.hiddenCount)
        var bounds = [Double](repeating: 0, count: c)
        var multipliers = [Double](repeating: 0, count: c * n)
        let dual = DualBound(region: region, box: box)
        let ys: [Double]
        switch mode {
        case .fast:
            ys = optimizer.minimize(dual, cotangents: v, count: js.count).multipliers
        case .exact:
            ys = try region.exactBounds(cotangents: v, count: js.count, box: box).flatMap(\.multipliers)
        }
        // The bound is what the multipliers prove, recomputed the way a verifier will.
        let values = dual.evaluate(cotangents: v, multipliers: ys, count: js.count).values
        for (r, j) in js.enumerated() {
            bounds[j] = values[r]
            for i in 0..<n { multipliers[j * n + i] = ys[r * n + i] }
        }
        return RegionCertificate(pattern: pattern, target: t, bounds: bounds, multipliers: multipliers)
    }
}
