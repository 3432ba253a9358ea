/// Which simplex variant CLP runs.
public enum LPAlgorithm: Sendable, Equatable {
    /// CLP's `initialSolve`: presolve, then the variant CLP judges best.
    case automatic
    case primalSimplex
    case dualSimplex
}

/// Limits and tolerances for one solve. `nil` keeps CLP's default.
public struct LPSolveOptions: Sendable, Equatable {
    /// Maximum simplex iterations; reaching it gives `.iterationLimit` (deterministic).
    public var iterationLimit: Int?
    /// Maximum wall-clock seconds; reaching it gives `.timeLimit` (not deterministic).
    public var timeLimitSeconds: Double?
    public var algorithm: LPAlgorithm
    /// Feasibility tolerance for rows and bounds (CLP default 1e-7).
    public var primalTolerance: Double?
    /// Optimality tolerance for reduced costs (CLP default 1e-7).
    public var dualTolerance: Double?

    public init(iterationLimit: Int? = nil, timeLimitSeconds: Double? = nil,
                algorithm: LPAlgorithm = .automatic,
                primalTolerance: Double? = nil, dualTolerance: Double? = nil) {
        self.iterationLimit = iterationLimit
        self.timeLimitSeconds = timeLimitSeconds
        self.algorithm = algorithm
        self.primalTolerance = primalTolerance
        self.dualTolerance = dualTolerance
    }

    func validate() throws(LPError) {
        if let limit = iterationLimit, limit < 0 || limit > Int(Int32.max) {
            throw .invalidOptions(reason: "iteration limit \(limit) is outside 0…\(Int32.max)")
        }
        if let seconds = timeLimitSeconds, !(seconds > 0 && seconds.isFinite) {
            throw .invalidOptions(reason: "time limit \(seconds) is not a positive number of seconds")
        }
        for (name, value) in [("primal", primalTolerance), ("dual", dualTolerance)] {
            if let value, !(value > 0 && value < 1) {
                throw .invalidOptions(reason: "\(name) tolerance \(value) is not in (0, 1)")
            }
        }
    }
}
