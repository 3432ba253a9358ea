/// The support network of a polytope S = {Ax ≤ b} with sharpness γ (method.md §4):
///
///     g_S(x; γ) = max(0, 1 − Σ_i min(1, γ (a_iᵀx − b_i)₊)),
///
/// which is 1 exactly on S and 0 as soon as one row is violated by ≥ 1/γ (or the scaled
/// violations add up to ≥ 1). For a region the violations are (−s_i z_{π,i}(x))₊, in
/// pre-activation units.
public enum SupportGate {
    /// The gate from row violations (each ≥ 0).
    public static func value(violations: some Sequence<Double>, gamma: Double) -> Double {
        var sum = 0.0
        for v in violations where v > 0 {
            sum += min(1, gamma * v)
            if sum >= 1 { return 0 }
        }
        return max(0, 1 - sum)
    }

    /// The gate of a region at a batch of feature vectors (k gates).
    public static func values(region: LinearRegion, features x: [Double], gamma: Double) -> [Double] {
        let slacks = region.slacks(at: x)
        let n = region.rowCount
        return (0..<(slacks.count / max(n, 1))).map { r in
            value(violations: slacks[(r * n)..<((r + 1) * n)].lazy.map { -$0 }, gamma: gamma)
        }
    }

    /// The smallest γ at which these violations close the gate (Σ min(1, γ v_i) ≥ 1), or
    /// nil when every violation is 0 (the point lies in S: no γ closes the gate there).
    /// At γ = 1/Σv every term γ v_i ≤ 1, so the sum is exactly 1 in real arithmetic; in
    /// floating point γ is stepped up until the computed gate is 0.
    public static func closingGamma(violations: [Double]) -> Double? {
        var total = 0.0
        for v in violations where v > 0 { total += v }
        guard total > 0 else { return nil }
        var gamma = 1 / total
        while value(violations: violations, gamma: gamma) > 0 { gamma = gamma.nextUp }
        return gamma
    }
}
