import Foundation
import PruneBLAS
import PruneModel

/// Searches gate-closure proofs for many (region S, member π′) pairs at once: weights
/// ω ∈ [0, 1]^N on π′'s rows and multipliers y ≥ 0 on S's rows minimising
///
///     U(ω, y) = max_{x ∈ X} [ Σ_i ω_i σ′_i z′_i(x) + Σ_k y_k s_k z_{π,k}(x) ],
///
/// an upper bound on max over S ∩ X of −Σ ω_i v′_i (GateSeparation). U is a maximum of
/// functions linear in (ω, y), so it is jointly convex; by the minimax theorem some (ω, y) make
/// it negative exactly when min over the closure of S of Σ_i max(0, v′_i) > 0, i.e. when the
/// closures of S and of π′'s region do not meet. Projected Adam on both, each step one
/// pullback and one forward pass through each pattern-fixed network at the current corner.
public struct SeparationOptimizer: Sendable {
    public var steps: Int
    public var learningRate: Double

    public init(steps: Int = 200, learningRate: Double = 0.05) {
        self.steps = steps
        self.learningRate = learningRate
    }

    /// The best U found per pair, with the weights and multipliers (each k × N, row-major) of
    /// the best U below 0 (of the starting point when none is: no proof).
    /// Stops early once every pair is below its goal.
    /// `gateRows` (one per pair, default all) limits ω to the first rows of π′: its gate's.
    /// Pairs are independent, so large batches run as two halves on two threads (RowHalves).
    public func minimize(network: Network, box: InputBox, regions: [ActivationPattern], members: [ActivationPattern],
                         goals: [Double], gateRows: [Int]? = nil) -> (values: [Double], weights: [Double], multipliers: [Double]) {
        let k = regions.count
        precondition(members.count == k && goals.count == k && (gateRows?.count ?? k) == k)
        // The search runs in Float32: its products take about half the time of Float64, and it
        // only proposes (ω, y), which GateSeparation and the rigorous bound re-evaluate in
        // Float64. Measured on 100 random MNIST points: the same 1,031 gate closures proved.
        let layers = PatternFixedLayers<Float>(rounding: network)
        let halves = RowHalves.map(rows: k) { range in
            minimizeRows(layers: layers, box: box, regions: Array(regions[range]), members: Array(members[range]),
                         goals: Array(goals[range]), gateRows: gateRows.map { Array($0[range]) })
        }
        return (halves.flatMap(\.values), halves.flatMap(\.weights), halves.flatMap(\.multipliers))
    }

    func minimizeRows<T: BLASScalar>(layers: PatternFixedLayers<T>, box: InputBox, regions: [ActivationPattern],
                                     members: [ActivationPattern], goals: [Double],
                                     gateRows: [Int]?) -> (values: [Double], weights: [Double], multipliers: [Double]) {
        let k = regions.count, n = layers.hiddenCount, m = layers.featureCount
        // Rows past a pair's gate keep ω = 0: their gradient is zeroed before each step.
        let limited = gateRows.map { rows in (0..<k).filter { rows[$0] < n }.map { ($0, rows[$0]) } } ?? []
        guard k > 0, n > 0 else { return ([Double](repeating: .infinity, count: k), [], []) }
        // σ′ (the members' signs) and s (the regions'), unpacked once for every step.
        let memberMasks = PatternMaskRows<T>(members, width: n), regionMasks = PatternMaskRows<T>(regions, width: n)
        let sigma = memberMasks.signs, sign = regionMasks.signs
        var w = [T](repeating: 0, count: k * n), y = w
        let n1 = layers.hiddenWidths.first ?? 0
        for r in 0..<k {
            // Start from the first-layer proof: weight 1 where the first layers differ, and
            // y = 1 there, which cancels it (U = 0 at most); the search pushes U below 0.
            for i in 0..<n1 where sigma[r * n + i] != sign[r * n + i] { w[r * n + i] = 1; y[r * n + i] = 1 }
        }
        let zeros = [T](repeating: 0, count: k * m)
        var memberAtZero = [T](), regionAtZero = [T](), scratch = PatternFixedBuffers<T>()
        layers.forwardPair(masks: memberMasks, regionMasks, features: zeros, count: k, signed: false,
                           preactivations: &memberAtZero, &regionAtZero, scratch: &scratch)
        let lower = box.lower.map { T($0) }, upper = box.upper.map { T($0) }

        // Buffers reused by every step.
        var h = [T](repeating: 0, count: k * n), ys = h, gradientW = h, gradientY = h
        var gw = [T]()
        var values = [T](repeating: 0, count: k), corners = [T](repeating: 0, count: k * m)
        func evaluate() {
            MaskKernels.multiply(w, bySigns: sigma, signRows: memberMasks.rows, rows: k, width: n, into: &h)
            MaskKernels.multiply(y, bySigns: sign, signRows: regionMasks.rows, rows: k, width: n, into: &ys)
            // Both pullbacks at once: they meet at the first layer, whose product runs once.
            layers.pullbackSum(masks: memberMasks, hiddenCotangents: h, regionMasks, hiddenCotangents: ys, count: k,
                               into: &gw, scratch: &scratch)
            for r in 0..<k { values[r] = 0 }
            MaskKernels.accumulateRowDotPairs(h, memberAtZero, ys, regionAtZero, rows: k, width: n, into: &values)
            MaskKernels.boxMaximum(gw, rows: k, width: m, lower: lower, upper: upper, corners: &corners, totals: &values)
        }

        evaluate()
        var best = values, bestW = w, bestY = y
        let targets = goals.map { T($0) }
        var firstW = [T](repeating: 0, count: k * n), secondW = firstW, firstY = firstW, secondY = firstW
        // Adam's constants in Float64; the bias corrections are computed from them in Float64 too.
        let (b1, b2) = (0.9, 0.999)
        let (beta1, beta2, eps) = (T(b1), T(b2), T(1e-12))
        for step in 1...max(1, steps) {
            if zip(best, targets).allSatisfy({ $0 <= $1 }) { break }
            // ∂U/∂ω_i = σ′_i z′_i(x*), ∂U/∂y_i = s_i z_{π,i}(x*) at the current corner.
            layers.forwardPair(masks: memberMasks, regionMasks, features: corners, count: k, signed: true,
                               preactivations: &gradientW, &gradientY, scratch: &scratch)
            for (r, rows) in limited { for i in rows..<n { gradientW[r * n + i] = 0 } }
            // Cubic decay: U is exactly linear along rays from the start (where it is 0), so only
            // the schedule's shape matters, not its scale. Measured on 100 random MNIST points
            // (931 rows): 100 steps proved 833 with (1 − t/T)³, 800 with ⁴, 744 with ², and 514
            // with the cosine decay the certificates use; 150 cosine steps proved 890.
            let lr = T(learningRate * pow(1 - Double(step - 1) / Double(max(1, steps)), 3))
            let c1 = T(1 - pow(b1, Double(step))), c2 = T(1 - pow(b2, Double(step)))
            MaskKernels.projectedAdamStep(weights: &w, first: &firstW, second: &secondW, gradient: gradientW,
                                          learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, c1: c1, c2: c2,
                                          lower: 0, upper: 1)
            MaskKernels.projectedAdamStep(weights: &y, first: &firstY, second: &secondY, gradient: gradientY,
                                          learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, c1: c1, c2: c2,
                                          lower: 0, upper: .infinity)
            evaluate()
            for r in 0..<k where values[r] < best[r] {
                best[r] = values[r]
                // Only a bound below 0 proves anything: copying the others would be wasted.
                guard values[r] < 0 else { continue }
                for i in 0..<n { bestW[r * n + i] = w[r * n + i]; bestY[r * n + i] = y[r * n + i] }
            }
        }
        return (best.map { Double($0) }, bestW.map { Double($0) }, bestY.map { Double($0) })
    }
}
