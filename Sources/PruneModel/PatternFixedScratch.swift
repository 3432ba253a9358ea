/// Reusable buffers for the pattern-fixed passes: the k × (widest hidden layer) matrices a
/// pass ping-pongs between, and a third that the paired passes keep the shared first layer
/// in. Keeping one across the steps of an optimiser removes the per-step allocations (and
/// page faults) of megabyte-sized temporaries.
public struct PatternFixedScratch: Sendable {
    private var buffers = [[Double]](repeating: [], count: 3)

    public init() {}

    /// Moves buffer `slot` (0, 1 or 2) out, so the caller holds its only reference and writes
    /// in place, grown to at least `count` entries.
    mutating func take(_ slot: Int, count: Int) -> [Double] {
        var buffer = [Double]()
        swap(&buffer, &buffers[slot])
        if buffer.count < count { buffer = [Double](repeating: 0, count: count) }
        return buffer
    }

    /// Puts a buffer back for the next pass.
    mutating func restore(_ slot: Int, _ buffer: [Double]) {
        buffers[slot] = buffer
    }
}
