/// Reusable buffers for the pattern-fixed passes: the two k × (widest hidden layer) matrices
/// a pass ping-pongs between. Keeping one across the steps of an optimiser removes the
/// per-step allocations (and page faults) of megabyte-sized temporaries.
public struct PatternFixedScratch: Sendable {
    private var first = [Double]()
    private var second = [Double]()

    public init() {}

    /// Moves a buffer out (so the caller holds its only reference and writes in place), grown
    /// to at least `count` entries.
    mutating func take(first isFirst: Bool, count: Int) -> [Double] {
        var buffer = [Double]()
        if isFirst { swap(&buffer, &first) } else { swap(&buffer, &second) }
        if buffer.count < count { buffer = [Double](repeating: 0, count: count) }
        return buffer
    }

    /// Puts the buffers back for the next pass.
    mutating func restore(_ a: [Double], _ b: [Double]) {
        first = a
        second = b
    }
}
