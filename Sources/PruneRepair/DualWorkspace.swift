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
    /// Pattern-fixed pre-activations and logits at the corners.
    var preactivations = [Double]()
    var logits = [Double]()
    /// ∂U/∂y = s ⊙ z_π(corner), k × N.
    var slacks = [Double]()
    var scratch = PatternFixedScratch()
}
