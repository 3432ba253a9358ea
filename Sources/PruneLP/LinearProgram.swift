/// Whether the objective is minimised or maximised.
public enum OptimizationSense: Sendable, Equatable {
    case minimize
    case maximize
}

/// A linear program: optimise `objectiveᵀx` subject to `rows[i].lower ≤ (A x)ᵢ ≤ rows[i].upper`
/// and `variables[j].lower ≤ xⱼ ≤ variables[j].upper`. Bounds may be ±infinity.
/// Solve it with `solve(_:)`; the model is validated first.
public struct LinearProgram: Sendable, Equatable {
    public var sense: OptimizationSense
    /// One coefficient per variable.
    public var objective: [Double]
    public var variables: [LPVariable]
    public var rows: [LPRow]

    public init(sense: OptimizationSense, objective: [Double], variables: [LPVariable], rows: [LPRow]) {
        self.sense = sense
        self.objective = objective
        self.variables = variables
        self.rows = rows
    }
}
