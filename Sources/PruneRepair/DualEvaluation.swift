import PruneBLAS
import PruneModel

/// What one evaluation of a DualProblem's bound U(y), and of its gradient, reads, in one
/// precision: Float64 for every bound that is kept (DualProblem, RigorousDualBound), Float32
/// for the steps of the first-order search (FastDualOptimizer), whose multipliers are then
/// re-evaluated in Float64. The arithmetic, and each sum's order, is the same in both.
struct DualEvaluation<T: BLASScalar> {
    let layers: PatternFixedLayers<T>
    let patterns: [ActivationPattern]
    let masks: PatternMaskRows<T>
    let cotangents: [T]
    let hiddenObjective: [T]?
    /// The input objectives' gradients (k × featureCount) and constants (k), when given.
    let inputGradients: [T]?
    let inputConstants: [T]?
    /// Pattern-fixed logits and pre-activations at x = 0, per row: the constant term of U.
    let logitsAtZero: [T]
    let preactivationsAtZero: [T]
    let lower: [T]
    let upper: [T]
    let count: Int

    init(layers: PatternFixedLayers<T>, patterns: [ActivationPattern], masks: PatternMaskRows<T>, cotangents: [T],
         hiddenObjective: [T]?, inputGradients: [T]?, inputConstants: [T]?, logitsAtZero: [T], preactivationsAtZero: [T],
         lower: [T], upper: [T], count: Int) {
        self.layers = layers
        self.patterns = patterns
        self.masks = masks
        self.cotangents = cotangents
        self.hiddenObjective = hiddenObjective
        self.inputGradients = inputGradients
        self.inputConstants = inputConstants
        self.logitsAtZero = logitsAtZero
        self.preactivationsAtZero = preactivationsAtZero
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// The same rows rounded to another precision, over `layers` (the network rounded alike).
    init<Source: BLASScalar>(rounding other: DualEvaluation<Source>, layers: PatternFixedLayers<T>) {
        func round(_ values: [Source]) -> [T] { values.map { T($0) } }
        self.init(layers: layers, patterns: other.patterns, masks: PatternMaskRows<T>(other.patterns, width: layers.hiddenCount),
                  cotangents: round(other.cotangents), hiddenObjective: other.hiddenObjective.map(round),
                  inputGradients: other.inputGradients.map(round), inputConstants: other.inputConstants.map(round),
                  logitsAtZero: round(other.logitsAtZero), preactivationsAtZero: round(other.preactivationsAtZero),
                  lower: round(other.lower), upper: round(other.upper), count: other.count)
    }

    /// The given rows, in that order.
    func rows(_ selected: [Int]) -> DualEvaluation<T> {
        let (c, n, m) = (layers.outputCount, layers.hiddenCount, layers.featureCount)
        let patterns = self.patterns.count == 1 ? self.patterns : selected.map { self.patterns[$0] }
        return DualEvaluation(layers: layers, patterns: patterns,
                              masks: self.patterns.count == 1 ? masks : PatternMaskRows<T>(patterns, width: n),
                              cotangents: FastDualOptimizer.gather(cotangents, rows: selected, width: c),
                              hiddenObjective: hiddenObjective.map { FastDualOptimizer.gather($0, rows: selected, width: n) },
                              inputGradients: inputGradients.map { FastDualOptimizer.gather($0, rows: selected, width: m) },
                              inputConstants: inputConstants.map { constants in selected.map { constants[$0] } },
                              logitsAtZero: FastDualOptimizer.gather(logitsAtZero, rows: selected, width: c),
                              preactivationsAtZero: FastDualOptimizer.gather(preactivationsAtZero, rows: selected, width: n),
                              lower: lower, upper: upper, count: selected.count)
    }

    /// U(y) into `workspace.values` and the maximising corners into `workspace.corners`
    /// (y is k × N, entries ≥ 0). Each row's total is summed in a fixed order: logit
    /// constants, hidden constants, the input objective's constant, then the corner terms.
    func evaluate(multipliers y: [T], workspace w: inout DualWorkspace<T>) {
        let (n, c, m, k) = (layers.hiddenCount, layers.outputCount, layers.featureCount, count)
        precondition(y.count == k * n, "multipliers are not k × N")
        if w.signed.count != k * n { w.signed = [T](repeating: 0, count: k * n) }
        // y ⊙ s: inactive rows' multipliers enter negated (multiplying by ±1 is exact).
        MaskKernels.multiply(y, bySigns: masks.signs, signRows: masks.rows, rows: k, width: n, into: &w.signed)
        if let h = hiddenObjective {
            for i in 0..<(k * n) { w.signed[i] += h[i] }
        }
        layers.pullback(masks: masks, outputCotangents: cotangents, count: k, hiddenCotangents: w.signed,
                        into: &w.gradient, scratch: &w.scratch)
        if let inputGradients {
            for i in 0..<(k * m) { w.gradient[i] += inputGradients[i] }
        }
        w.values = [T](repeating: 0, count: k)
        if w.corners.count != k * m { w.corners = [T](repeating: 0, count: k * m) }
        MaskKernels.accumulateRowDots(cotangents, logitsAtZero, rows: k, width: c, into: &w.values)
        MaskKernels.accumulateRowDots(w.signed, preactivationsAtZero, rows: k, width: n, into: &w.values)
        if let inputConstants {
            for r in 0..<k { w.values[r] += inputConstants[r] }
        }
        MaskKernels.boxMaximum(w.gradient, rows: k, width: m, lower: lower, upper: upper, corners: &w.corners, totals: &w.values)
    }

    /// ∂U/∂y at `workspace.corners`: the slacks s ⊙ z_π(x*) of each row's own region (k × N),
    /// into `workspace.slacks`.
    func slackGradient(workspace w: inout DualWorkspace<T>) {
        layers.forward(masks: masks, features: w.corners, count: count, signed: true,
                       preactivations: &w.slacks, logits: &w.logits, scratch: &w.scratch)
    }
}
