import PruneModel
import PruneRepair

/// What the model owner claims about one forgotten point, as the verifier receives it.
public struct PointEvidence: Sendable {
    /// The covering patch (index into the patch list), if any is claimed.
    public let patch: Int?
    /// The member of that patch claimed to be the point's own region, if the owner names one.
    public let member: Int?
    /// The region certificate claimed for the point's own region, if any: its multipliers
    /// (C × N, row j proves the bound for logit j against the target).
    public let multipliers: [Double]?
    /// How the other patches were accounted for on that region.
    public let interference: [Int: InterferenceTreatment]

    public init(patch: Int?, member: Int? = nil, multipliers: [Double]?, interference: [Int: InterferenceTreatment] = [:]) {
        self.patch = patch
        self.member = member
        self.multipliers = multipliers
        self.interference = interference
    }
}
