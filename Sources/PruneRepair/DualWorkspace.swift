import PruneBLAS
import PruneModel

/// The buffers of one `DualEvaluation` and its slack gradient, kept by an optimiser
/// across its steps: every step then reuses them instead of allocating megabytes of
/// temporaries (k × N multipliers, k × featureCount gradients and corners).
struct DualWorkspace<T: BLASScalar> {
    /// Signed multipliers s ⊙ y (+ h), k × N: the hidden cotangents of the pullback.
    var signed = [T]()
    /// The affine function's gradient per row, k × featureCount.
    var gradient = [T]()
    /// U(y) per row.
    var values = [T]()
    /// The maximising box corner per row, k × featureCount.
    var corners = [T]()
    /// ∂U/∂y = s ⊙ z_π(corner), k × N, and the logits at the corners (unused).
    var slacks = [T]()
    var logits = [T]()
    var scratch = PatternFixedBuffers<T>()
}
