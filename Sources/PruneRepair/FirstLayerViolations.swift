import PruneBLAS
import PruneModel

/// Summed first-layer row violations Σ_i max(0, v_i) of many member patterns at many points,
/// as one matrix product. The first hidden layer is the same for every pattern, so with
/// v_i = z_i where the member is inactive and −z_i where it is active, the sum is the inner
/// product of [inactive, active] bits with [max(0, z), max(0, −z)]. Every term is ≥ 0: a sum
/// is 0 exactly when every row holds, and its rounding is relative (at most 2n₁·u of it).
public struct FirstLayerViolations: Sendable {
    public let memberCount: Int
    public let width: Int
    /// members × 2n₁: which half of each row's split pre-activation is a violation.
    private let selectors: [Double]

    public init(members: [ActivationPattern], width n1: Int) {
        memberCount = members.count
        width = n1
        var selectors = [Double](repeating: 0, count: members.count * 2 * n1)
        for (s, member) in members.enumerated() {
            for i in 0..<n1 { selectors[s * 2 * n1 + (member[i] ? n1 + i : i)] = 1 }
        }
        self.selectors = selectors
    }

    /// members × points, row-major, from the points' first-layer pre-activations (points × n₁).
    public func sums(firstLayer z: ArraySlice<Double>, points: Int) -> [Double] {
        let n1 = width, k = 2 * width
        precondition(z.count == points * n1, "first-layer pre-activations do not match the points")
        var parts = [Double](repeating: 0, count: points * k)
        MaskKernels.splitSigns(z, rows: points, width: n1, into: &parts)
        var sums = [Double](repeating: 0, count: memberCount * points)
        BLAS.gemm(.none, .transposed, m: memberCount, n: points, k: k, a: selectors, lda: k,
                  b: parts, ldb: k, c: &sums, ldc: points)
        return sums
    }

    /// Points per matrix product so that its result block and its split input each stay near
    /// 32 MB.
    public func chunk(points: Int) -> Int {
        max(1, min(points, (1 << 22) / max(1, memberCount), (1 << 22) / max(1, 2 * width)))
    }
}
