/// The default patch: the smallest constant logit offset d (in ‖·‖∞) that makes the target t
/// win on a whole region with margin τ, given the region bounds M_j = max over S ∩ X of
/// (e_j − e_t)ᵀf for every j ≠ t:
///
///     d_j − d_t ≤ −(M_j + τ)  for all j ≠ t.
///
/// With Δ = max_j (M_j + τ)₊ the optimum is ‖d‖∞ = Δ/2: d_t = Δ/2 and d_j = −Δ/2 for every
/// j ≠ t. Any d must have d_t − d_j ≥ Δ for the worst j, so no smaller norm exists.
/// Of the optimal offsets this one is chosen because its off-target entries are equal: the
/// patch's h is a soft-threshold of d with one shared threshold, so h_j − h_k = 0 for any two
/// off-target classes, and the patch can only disturb another region's claim "class y loses
/// to class t" when its own target is y (InterferenceAnalysis.worstCase).
public enum OffsetSolver {
    /// `bounds[j]` is M_j for j ≠ target (the entry at `target` is ignored).
    public static func minimalOffset(bounds: [Double], target: Int, margin: Double) -> [Double] {
        precondition(bounds.indices.contains(target) && margin >= 0)
        var needed = bounds.map { max(0, $0 + margin) }
        needed[target] = 0
        let delta = needed.max() ?? 0
        guard delta > 0 else { return [Double](repeating: 0, count: bounds.count) }
        var d = [Double](repeating: -(delta / 2), count: bounds.count)
        d[target] = delta / 2
        // Rounding in delta/2 − needed can leave a constraint short by an ulp: step down.
        for j in d.indices where j != target {
            while d[j] - d[target] > -needed[j] { d[j] = d[j].nextDown }
        }
        return d
    }
}
