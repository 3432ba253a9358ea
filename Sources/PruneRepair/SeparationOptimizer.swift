import Foundation
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

    /// The best U found per pair, with its weights and multipliers (each k × N, row-major).
    /// Stops early once every pair is below its goal.
    public func minimize(network: Network, box: InputBox, regions: [ActivationPattern], members: [ActivationPattern],
                         goals: [Double]) -> (values: [Double], weights: [Double], multipliers: [Double]) {
        let k = regions.count, n = network.hiddenCount, m = network.featureCount, c = network.outputCount
        precondition(members.count == k && goals.count == k)
        guard k > 0, n > 0 else { return ([Double](repeating: .infinity, count: k), [], []) }
        var sigma = [Double](repeating: 0, count: k * n), sign = sigma
        var w = sigma, y = sigma
        let n1 = network.hiddenWidths.first ?? 0
        for r in 0..<k {
            for i in 0..<n {
                sigma[r * n + i] = members[r][i] ? 1 : -1
                sign[r * n + i] = regions[r][i] ? 1 : -1
                // Start from the first-layer proof: weight 1 where the first layers differ, and
                // y = 1 there, which cancels it (U = 0 at most); the search pushes U below 0.
                if i < n1 && regions[r][i] != members[r][i] { w[r * n + i] = 1; y[r * n + i] = 1 }
            }
        }
        let zeros = [Double](repeating: 0, count: k * m)
        let memberAtZero = network.patternFixedForward(patterns: members, features: zeros).preactivations
        let regionAtZero = network.patternFixedForward(patterns: regions, features: zeros).preactivations
        let noOutputs = [Double](repeating: 0, count: k * c)

        func evaluate() -> (values: [Double], corners: [Double]) {
            var h = [Double](repeating: 0, count: k * n), ys = h
            for i in 0..<(k * n) { h[i] = w[i] * sigma[i]; ys[i] = y[i] * sign[i] }
            let gw = network.pullback(patterns: members, outputCotangents: noOutputs, count: k, hiddenCotangents: h)
            let gy = network.pullback(patterns: regions, outputCotangents: noOutputs, count: k, hiddenCotangents: ys)
            var values = [Double](repeating: 0, count: k), corners = [Double](repeating: 0, count: k * m)
            for r in 0..<k {
                var total = 0.0
                for i in 0..<n { total += h[r * n + i] * memberAtZero[r * n + i] + ys[r * n + i] * regionAtZero[r * n + i] }
                for col in 0..<m {
                    let g = gw[r * m + col] + gy[r * m + col]
                    let corner = g >= 0 ? box.upper[col] : box.lower[col]
                    corners[r * m + col] = corner
                    total += g * corner
                }
                values[r] = total
            }
            return (values, corners)
        }

        var current = evaluate()
        var best = current.values, bestW = w, bestY = y
        var firstW = [Double](repeating: 0, count: k * n), secondW = firstW, firstY = firstW, secondY = firstW
        let (beta1, beta2, eps) = (0.9, 0.999, 1e-12)
        for step in 1...max(1, steps) {
            if zip(best, goals).allSatisfy({ $0 <= $1 }) { break }
            // ∂U/∂ω_i = σ′_i z′_i(x*), ∂U/∂y_i = s_i z_{π,i}(x*) at the current corner.
            let zMember = network.patternFixedForward(patterns: members, features: current.corners).preactivations
            let zRegion = network.patternFixedForward(patterns: regions, features: current.corners).preactivations
            let lr = learningRate * 0.5 * (1 + cos(Double.pi * Double(step - 1) / Double(max(1, steps))))
            let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
            for i in 0..<(k * n) {
                let gw = sigma[i] * zMember[i], gy = sign[i] * zRegion[i]
                firstW[i] = beta1 * firstW[i] + (1 - beta1) * gw
                secondW[i] = beta2 * secondW[i] + (1 - beta2) * gw * gw
                w[i] = min(1, max(0, w[i] - lr * (firstW[i] / c1) / ((secondW[i] / c2).squareRoot() + eps)))
                firstY[i] = beta1 * firstY[i] + (1 - beta1) * gy
                secondY[i] = beta2 * secondY[i] + (1 - beta2) * gy * gy
                y[i] = max(0, y[i] - lr * (firstY[i] / c1) / ((secondY[i] / c2).squareRoot() + eps))
            }
            current = evaluate()
            for r in 0..<k where current.values[r] < best[r] {
                best[r] = current.values[r]
                for i in 0..<n { bestW[r * n + i] = w[r * n + i]; bestY[r * n + i] = y[r * n + i] }
            }
        }
        return (best, bestW, bestY)
    }
}
