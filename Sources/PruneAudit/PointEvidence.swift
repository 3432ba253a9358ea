import PruneModel
import PruneRepair

/// What the model owner claims about one forgotten point, as the verifier receives it.
public struct PointEvidence: Sendable {
    /// The covering patch (index into the patch list), if any is claimed.
    public let patch: Int?
    /// The region certificate claimed for the point's own region, if any: its multipliers
    /// (C × N, row j proves the bound for logit j against the target).
    public let multipliers: [Double]?
    /// How the other patches were accounted for on that region.
    public let interference: [Int: InterferenceTreatment]

    public init(patch: Int?, multipliers: [Double]?, interference: [Int: InterferenceTreatment] = [:]) {
        self.patch = patch
        self.multipliers = multipliers
        self.interference = interference
    }
}
