/// Which forgotten points get their own region certificate.
public enum CertifyPolicy: String, Sendable, CaseIterable {
    /// Every forgotten point's own region is certified (more bound computations).
    case all
    /// Only each cluster's representative; the other members carry a point-level check.
    case representatives
}

/// How the target ("confusing") label of a patch is chosen. Never the forgotten label.
public enum TargetPolicy: String, Sendable, CaseIterable {
    /// The class with the highest original logit other than the label: the smallest patch.
    case runnerUp = "runner-up"
    /// A seeded uniformly random class other than the label.
    case random
    /// One class for the whole request: the most frequent runner-up among the forgotten
    /// points (points of that very class fall back to their own runner-up). Patches with one
    /// target cannot hurt each other's regions (their offsets raise the same class and lower
    /// the others), so region claims need no gate-closure proofs among them; the default for
    /// class-level unlearning.
    case common
}

/// How each patch's gate sharpness γ is chosen.
public enum GammaPolicy: Sendable, Equatable {
    /// The smallest γ closing the gate at every reference point outside the patch's regions,
    /// multiplied by `safety` (≥ 1).
    case calibrated(safety: Double)
    /// The same γ for every patch.
    case fixed(Double)
}

/// Everything that determines an unlearning run, recorded in its output.
public struct UnlearningConfiguration: Sendable, Equatable {
    /// τ > 0: the target must beat every other class by this much on each certified region.
    public var margin: Double
    public var certify: CertifyPolicy
    public var bounds: BoundMode
    public var target: TargetPolicy
    public var gamma: GammaPolicy
    /// γ used when no reference data is given for calibration.
    public var defaultGamma: Double
    /// Clusters per round; nil means one per region still remembered (points sharing a region
    /// and a label share a patch).
    public var clusters: Int?
    public var maxRounds: Int
    public var seed: UInt64
    public var fastSteps: Int
    /// Passes that move a patch off a target which breaks another region's claim (0: never).
    public var retargetPasses = 3
    /// With `target` common: the class to use instead of this run's most frequent runner-up,
    /// so that every part of a request split over several bundles shares one target.
    public var commonTarget: Int?
    /// How many leading hidden layers' rows form each gate (nil: all, the exact region). A
    /// first-layer gate (1) reaches unseen points near a forgotten point's region: the
    /// class-level setting. Calibrated γ still closes it on every reference point.
    public var gateLayers: Int?

    public init(margin: Double = 0.01, certify: CertifyPolicy = .all, bounds: BoundMode = .fast,
                target: TargetPolicy = .runnerUp, gamma: GammaPolicy = .calibrated(safety: 2),
                defaultGamma: Double = 1, clusters: Int? = nil, maxRounds: Int = 4, seed: UInt64 = 0,
                fastSteps: Int = FastDualOptimizer().steps) {
        self.margin = margin
        self.certify = certify
        self.bounds = bounds
        self.target = target
        self.gamma = gamma
        self.defaultGamma = defaultGamma
        self.clusters = clusters
        self.maxRounds = maxRounds
        self.seed = seed
        self.fastSteps = fastSteps
    }
}
