import PruneBLAS

/// Reusable buffers for the pattern-fixed passes: the k × (widest hidden layer) matrices a
/// pass ping-pongs between, and a third that the paired passes keep the shared first layer
/// in. Keeping one across the steps of an optimiser removes the per-step allocations (and
/// page faults) of megabyte-sized temporaries.
public typealias PatternFixedScratch = PatternFixedBuffers<Double>

public struct PatternFixedBuffers<Scalar: BLASScalar>: Sendable {
    @usableFromInline
    var buffers = [[Scalar]](repeating: [], count: 3)

    public init() {}

    /// Moves buffer `slot` (0, 1 or 2) out, so the caller holds its only reference and writes
    /// in place, grown to at least `count` entries.
    @inlinable
    mutating func take(_ slot: Int, count: Int) -> [Scalar] {
        var buffer = [Scalar]()
        swap(&buffer, &buffers[slot])
        if buffer.count < count { buffer = [Scalar](repeating: 0, count: count) }
        return buffer
    }

    /// Runs `body` with buffers 0, 1 and 2 moved out (grown to the given counts), then puts
    /// them back: a pass ping-pongs between the first two, and the paired passes keep their
    /// shared first layer in the third.
    @inlinable
    mutating func withBuffers<R>(_ count0: Int, _ count1: Int, _ count2: Int,
                                 _ body: (inout [Scalar], inout [Scalar], inout [Scalar]) -> R) -> R {
        var (first, second, third) = (take(0, count: count0), take(1, count: count1), take(2, count: count2))
        defer {
            restore(0, first)
            restore(1, second)
            restore(2, third)
        }
        return body(&first, &second, &third)
    }

    /// Puts a buffer back for the next pass.
    @inlinable
    mutating func restore(_ slot: Int, _ buffer: [Scalar]) {
        buffers[slot] = buffer
    }
}
