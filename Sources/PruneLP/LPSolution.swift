/// How a solve ended.
public enum LPStatus: Sendable, Equatable {
    case optimal
    /// No point satisfies all rows and bounds.
    case infeasible
    /// The objective improves without limit (CLP: dual infeasible).
    case unbounded
    case iterationLimit
    case timeLimit
}

/// The result of `LinearProgram.solve`. Values other than `status` are CLP's final iterate;
/// they are an optimal solution and certificate only when `status == .optimal`.
public struct LPSolution: Sendable, Equatable {
    public var status: LPStatus
    /// The objective value in the program's own sense (a maximum for `.maximize`).
    public var objective: Double
    /// Variable values, one per variable.
    public var primal: [Double]
    /// Row activities `Σ aⱼ xⱼ`, one per row.
    public var rowActivities: [Double]
    /// Sensitivity of the optimum to each row, independent of the sense:
    /// `rowDuals[i] = ∂(optimal objective) / ∂(active bound of row i)`, where the objective is
    /// taken as written (maximised or minimised) and the active bound is the one the row sits at.
    /// Consequences: maximising with a binding `≤` row gives `y ≥ 0`; minimising with a binding
    /// `≥` row gives `y ≥ 0`; a non-binding row gives 0. With reduced costs `d` this satisfies
    /// `objective vector = Aᵀ·rowDuals + reducedCosts`, and at an optimum
    /// `optimum = Σᵢ rowDuals[i]·(active bound of row i) + Σⱼ reducedCosts[j]·primal[j]`.
    public var rowDuals: [Double]
    /// Same convention per variable: `reducedCosts[j] = ∂(optimal objective)/∂(active bound of
    /// variable j)` = `objective[j] − (Aᵀ·rowDuals)[j]`; zero for a basic variable.
    public var reducedCosts: [Double]
    /// Simplex iterations CLP performed.
    public var iterations: Int
}
