import PruneModel

/// The buffers of one `DualProblem` evaluation and its slack gradient, kept by an optimiser
/// across its steps: every step then reuses them instead of allocating megabytes of
/// temporaries (k × N multipliers, k × featureCount gradients and corners).
struct DualWorkspace {
    /// Signed multipliers s ⊙ y (+ h), k × N: the hidden cotangents of the pullback.
    var signed = [Double]()
    /// The affine function's gradient per row, k × featureCount.
    var gradient = [Double]()
    /// U(y) per row.
    var values = [Double]()
    /// The maximising box corner per row, k × featureCount.
    var corners = [Double]()
    /// ∂U/∂y = s ⊙ z_π(corner), k × N, and the logits at the corners (unused).
    var slacks = [Double]()
    var logits = [Double]()
    var scratch = PatternFixedScratch()
}
