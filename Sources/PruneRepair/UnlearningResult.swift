import PruneModel

/// What an unlearning run claims for one forgotten point.
public enum PointClaim: String, Sendable, Equatable {
    /// Its own region carries a certificate: on the whole region the patch's target beats the
    /// point's label by margin τ in the patched network, all other patches accounted for, so
    /// the label is predicted nowhere in the region.
    case regionCertified = "region-certified"
    /// Only the point itself was checked: the patched network's prediction there is not the label.
    case pointLevel = "point-level"
    /// The run ended (round limit) with the point still predicted as its label.
    case notForgotten = "not-forgotten"
}

/// The record of one forgotten point.
public struct ForgottenPointRecord: Sendable, Equatable {
    /// Position in the forget request.
    public let index: Int
    public let label: Int
    /// The point's own activation pattern in the original network.
    public let pattern: ActivationPattern
    /// The patch covering it (its pattern is one of the patch's members), if any.
    public let patch: Int?
    public let claim: PointClaim
    /// μ = max_{j≠y} f̂_j − f̂_y at the point with every patch active (C0); > τ when forgotten.
    public let margin: Double
}

/// A certified member region of a patch, with the certificate of the original network there.
public struct PatchCertificate: Sendable, Equatable {
    public let patch: Int
    public let certificate: RegionCertificate
    /// The certified bound after patching, over the claimed rows j (the labels of the forgotten
    /// points in the region): max_j (M_j + d_j − d_t + interference_j); the claim holds if ≤ −τ.
    public let patchedBound: Double
    /// How every other patch that could matter was accounted for (C6).
    public let interference: [Int: InterferenceTreatment]
}

/// How γ was chosen for a patch.
public struct GammaChoice: Sendable, Equatable {
    public let patch: Int
    /// The closing γ on the reference data (nil: no reference point outside the regions).
    public let closing: Double?
    public let chosen: Double
    /// Reference points inside the patch's member regions (the patch necessarily acts there).
    public let referenceInside: [Int]
}

/// Everything an unlearning run produced: the patches, per-point claims, certificates and
/// the choices made, for the bundle (signing) and the report.
public struct UnlearningResult: Sendable {
    public let configuration: UnlearningConfiguration
    public let patches: [Patch]
    public let points: [ForgottenPointRecord]
    public let certificates: [PatchCertificate]
    public let gammas: [GammaChoice]
    public let rounds: Int
}
