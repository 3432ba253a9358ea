import PruneCore

/// Why unlearning could not produce a patch. Codes are stable (`repair.*`).
public enum RepairError: PruneError, Equatable {
    /// A region LP ended without an optimum. The point itself lies in S ∩ X, so the LP is
    /// feasible and bounded: this is numerical trouble in the solver.
    case boundNotOptimal(status: String)
    /// A configuration value out of range (margin, γ, rounds).
    case invalidConfiguration(String)
    /// A forget request prune cannot act on: sizes, labels out of range, points outside the box.
    case invalidForgetSet(String)
    /// A network prune cannot unlearn on yet.
    case unsupported(String)

    public var code: String {
        switch self {
        case .boundNotOptimal: "repair.bound-not-optimal"
        case .invalidConfiguration: "repair.invalid-configuration"
        case .invalidForgetSet: "repair.invalid-forget-set"
        case .unsupported: "repair.unsupported-network"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .boundNotOptimal: .internalError
        case .invalidConfiguration: .usage
        case .invalidForgetSet, .unsupported: .dataError
        }
    }

    public var message: String {
        switch self {
        case .boundNotOptimal(let status): "a region bound LP ended with status \(status) instead of an optimum"
        case .invalidConfiguration(let m): "invalid unlearning configuration: \(m)"
        case .invalidForgetSet(let m): "invalid forget request: \(m)"
        case .unsupported(let m): "unsupported network: \(m)"
        }
    }
}
