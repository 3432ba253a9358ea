import Foundation
import PruneBLAS
import PruneModel

/// Finds good multipliers y ≥ 0 for a `DualProblem` without an LP: projected Adam on U(y),
/// whose gradient is ∂U/∂y_i = s_i z_{π,i}(x*(y)) at the box corner x* chosen by the current
/// bound (one backward and one forward pass of the pattern-fixed network per step, for all
/// rows at once). Every iterate is a sound bound, so the smallest one seen is kept.
public struct FastDualOptimizer: Sendable {
    public var steps: Int
    /// Initial Adam step, in multiplier units (logits per pre-activation unit).
    public var learningRate: Double
    public init(steps: Int = 300, learningRate: Double = 0.05) {
        self.steps = steps
        self.learningRate = learningRate
    }

    /// The best bound found for each row, with its multipliers (k × N). With `goals`, the
    /// optimisation stops as soon as every row's bound is at most its goal.
    /// `initial` (k × N, entries ≥ 0) is where the search starts; zero by default.
    public func minimize(_ problem: DualProblem, goals: [Double]? = nil,
                         initial: [Double]? = nil) -> (values: [Double], multipliers: [Double]) {
        let n = problem.network.hiddenCount, k = problem.count
        var y = initial ?? [Double](repeating: 0, count: k * n)
        precondition(y.count == k * n && y.allSatisfy { $0 >= 0 }, "initial multipliers must be k × N and ≥ 0")
        var first = [Double](repeating: 0, count: k * n), second = first
        // One workspace for every step: the passes reuse its buffers instead of allocating.
        var workspace = DualWorkspace()
        problem.evaluate(multipliers: y, workspace: &workspace)
        var bestValues = workspace.values
        var bestY = y
        guard n > 0, k > 0 else { return (bestValues, bestY) }
        let (beta1, beta2, eps) = (0.9, 0.999, 1e-12)
        for step in 1...max(1, steps) {
            if let goals, zip(bestValues, goals).allSatisfy({ $0 <= $1 }) { break }
            problem.slackGradient(workspace: &workspace)
            // Cosine decay keeps late steps small enough to settle near the optimum.
            let lr = learningRate * 0.5 * (1 + cos(Double.pi * Double(step - 1) / Double(max(1, steps))))
            let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
            MaskKernels.projectedAdamStep(weights: &y, first: &first, second: &second, gradient: workspace.slacks,
                                          learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, c1: c1, c2: c2,
                                          lower: 0, upper: .infinity)
            problem.evaluate(multipliers: y, workspace: &workspace)
            for r in 0..<k where workspace.values[r] < bestValues[r] {
                bestValues[r] = workspace.values[r]
                for i in 0..<n { bestY[r * n + i] = y[r * n + i] }
            }
        }
        return (bestValues, bestY)
    }
}
