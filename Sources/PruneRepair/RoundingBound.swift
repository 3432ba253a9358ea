/// A-priori rounding-error bounds for Float64 arithmetic (Higham, "Accuracy and Stability of
/// Numerical Algorithms", §3): an expression of + and × evaluated with at most n rounded
/// operations along any path differs from its exact value by at most γ_n times the same
/// expression evaluated on absolute values, where γ_n = n·u / (1 − n·u) and u = 2⁻⁵³.
/// The verifier adds this to every quantity that decides a verdict, so a verdict holds for
/// the real-number semantics, not just for this machine's rounding.
public enum RoundingBound {
    public static let unitRoundoff = 0x1p-53

    /// γ_n, rounded up; +∞ when n·u ≥ 1 (no bound).
    public static func gamma(_ n: Int) -> Double {
        let nu = Double(n) * unitRoundoff
        guard nu < 1 else { return .infinity }
        return (nu / (1 - nu)).nextUp
    }

    /// An upper bound on the exact value of a quantity computed as `value` whose absolute-value
    /// twin is `magnitude`, after at most `operations` rounded operations on any path. The
    /// magnitude is itself computed in floating point, so it is inflated by a further γ.
    public static func upper(_ value: Double, magnitude: Double, operations: Int) -> Double {
        let g = gamma(operations)
        let slack = (g * magnitude * (1 + gamma(operations + 2))).nextUp
        return (value + slack).nextUp
    }

    /// The matching lower bound.
    public static func lower(_ value: Double, magnitude: Double, operations: Int) -> Double {
        -upper(-value, magnitude: magnitude, operations: operations)
    }
}
