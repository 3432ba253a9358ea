import PruneCore

/// Why a linear program could not be solved. An infeasible or unbounded LP is not an error:
/// it is a `LPStatus`. Codes are stable (`lp.*`).
public enum LPError: PruneError, Equatable {
    /// The model is malformed: mismatched sizes, a non-finite coefficient, lower > upper, a
    /// bad index. `location` names the row or variable, e.g. "row 3" or "variable 7".
    case invalidModel(location: String, reason: String)
    /// A solve option is out of range (negative iteration limit, non-positive time limit, ...).
    case invalidOptions(reason: String)
    /// CLP stopped because of numerical trouble or another internal failure.
    case solverError(detail: String)

    public var code: String {
        switch self {
        case .invalidModel: "lp.invalid-model"
        case .invalidOptions: "lp.invalid-options"
        case .solverError: "lp.solver-error"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidModel, .invalidOptions: .dataError
        case .solverError: .internalError
        }
    }

    public var message: String {
        switch self {
        case .invalidModel(let location, let reason): "invalid linear program: \(location): \(reason)"
        case .invalidOptions(let reason): "invalid LP solve options: \(reason)"
        case .solverError(let detail): "the LP solver failed: \(detail)"
        }
    }
}
