import Foundation
import PruneModel

/// Finds good multipliers y ≥ 0 for `DualBound` without an LP: projected Adam on U(y), whose
/// gradient is ∂U/∂y_i = s_i z_{π,i}(x*(y)) at the box corner x* chosen by the current bound
/// (one backward and one forward pass of the pattern-fixed network per step, for all k
/// cotangents at once). Every iterate is a sound bound, so the smallest one seen is kept.
public struct FastDualOptimizer: Sendable {
    public var steps: Int
    /// Initial Adam step, in multiplier units (logits per pre-activation unit).
    public var learningRate: Double

    public init(steps: Int = 300, learningRate: Double = 0.05) {
        self.steps = steps
        self.learningRate = learningRate
    }

    /// The best bound found for each of the k cotangents (rows of `v`, k × C), with its y.
    public func minimize(_ bound: DualBound, cotangents v: [Double], count k: Int,
                         hiddenObjective: [Double]? = nil) -> (values: [Double], multipliers: [Double]) {
        let region = bound.region
        let n = region.rowCount
        var y = [Double](repeating: 0, count: k * n)
        var first = [Double](repeating: 0, count: k * n), second = first
        var best = bound.evaluate(cotangents: v, multipliers: y, count: k, hiddenObjective: hiddenObjective)
        var bestY = y
        guard n > 0 else { return (best.values, bestY) }
        var current = best
        let (beta1, beta2, eps) = (0.9, 0.999, 1e-12)
        for step in 1...max(1, steps) {
            // Gradient: the slacks s ⊙ z_π at each row's maximising corner.
            let slacks = region.slacks(at: current.corners)
            // Cosine decay keeps late steps small enough to settle near the optimum.
            let lr = learningRate * 0.5 * (1 + cos(Double.pi * Double(step - 1) / Double(max(1, steps))))
            let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
            for i in 0..<(k * n) {
                let g = slacks[i]
                first[i] = beta1 * first[i] + (1 - beta1) * g
                second[i] = beta2 * second[i] + (1 - beta2) * g * g
                y[i] = max(0, y[i] - lr * (first[i] / c1) / ((second[i] / c2).squareRoot() + eps))
            }
            current = bound.evaluate(cotangents: v, multipliers: y, count: k, hiddenObjective: hiddenObjective)
            for r in 0..<k where current.values[r] < best.values[r] {
                best.values[r] = current.values[r]
                for i in 0..<n { bestY[r * n + i] = y[r * n + i] }
            }
        }
        return (best.values, bestY)
    }
}
