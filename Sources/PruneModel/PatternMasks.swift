import PruneBLAS

/// Activation patterns unpacked once into flat per-row masks (rows × N, row-major): 1 where a
/// neuron is active, 0 where not, and the matching signs s_i = ±1. The pattern-fixed passes run
/// hundreds of times over the same patterns; testing packed bits of an array of structs in
/// their inner loops costs more than the arithmetic. One row stands for every row.
/// `PatternMasks` (Float64) is what every check uses; Float32 masks serve the searches.
public typealias PatternMasks = PatternMaskRows<Double>

public struct PatternMaskRows<Scalar: BLASScalar>: Sendable {
    /// Number of mask rows: 1 (one pattern for all rows) or one per row.
    public let rows: Int
    /// Neurons per row (N).
    public let width: Int
    /// 1 = active, 0 = inactive (rows × N).
    public let active: [Scalar]
    /// +1 = active, −1 = inactive (rows × N).
    public let signs: [Scalar]

    public init(_ patterns: [ActivationPattern], width n: Int) {
        var active = [Scalar](repeating: 0, count: patterns.count * n)
        var signs = [Scalar](repeating: -1, count: patterns.count * n)
        for (r, pattern) in patterns.enumerated() {
            precondition(pattern.count == n, "pattern does not have \(n) neurons")
            for (w, word) in pattern.words.enumerated() {
                var bits = word
                while bits != 0 {
                    let i = w * 64 + bits.trailingZeroBitCount
                    active[r * n + i] = 1
                    signs[r * n + i] = 1
                    bits &= bits - 1
                }
            }
        }
        self.rows = patterns.count
        self.width = n
        self.active = active
        self.signs = signs
    }
}
