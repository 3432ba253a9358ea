import PruneBLAS
import PruneModel

/// Lagrangian upper bounds on linear functions over linear regions, many at once.
///
/// Row r asks for an upper bound on max over S_r ∩ X of φ_r(x) = v_rᵀf_{π_r}(x) + h_rᵀz_{π_r}(x)
/// (logit cotangent v_r; optional hidden objective h_r, which covers rows of other regions
/// because the first layer's pre-activations are the same for every pattern). For any
/// multipliers y_r ≥ 0 on the region rows,
///
///     max_{x ∈ S_r ∩ X} φ_r(x)  ≤  U_r(y_r) = max_{x ∈ X} [ φ_r(x) + Σ_i y_ri s_ri z_{π_r,i}(x) ],
///
/// because on S_r every s_i z_{π,i}(x) ≥ 0. The inner function is affine in x, so U is one
/// backward pass (its gradient g = v_rᵀF₁ + Σ (h + y⊙s)_i ŵ_i) plus the box corner chosen by
/// the signs of g. This is the dual certificate a verifier re-checks without an LP solver.
/// Rows of different regions share the matrix products.
public struct DualProblem: Sendable {
    public let network: Network
    /// The box over the head's input (the feature vector).
    public let box: InputBox
    /// One pattern per row (or one for every row).
    public let patterns: [ActivationPattern]
    public let cotangents: [Double]
    public let hiddenObjective: [Double]?
    /// Optional affine objectives on the input, one per row, added to φ_r (GateSeparation).
    public let inputObjective: [AffineObjective]?
    public let count: Int
    /// What each evaluation reads, the constant terms (the pattern-fixed logits and
    /// pre-activations at x = 0, per row) and the unpacked patterns included.
    let evaluation: DualEvaluation<Double>

    public init(network: Network, box: InputBox, patterns: [ActivationPattern], cotangents v: [Double],
                count k: Int, hiddenObjective: [Double]? = nil, inputObjective: [AffineObjective]? = nil) {
        precondition(box.count == network.featureCount, "box does not match the feature vector")
        precondition(inputObjective == nil || inputObjective!.count == k)
        precondition(v.count == k * network.outputCount, "cotangents are not k × C")
        precondition(hiddenObjective == nil || hiddenObjective!.count == k * network.hiddenCount)
        self.network = network
        self.box = box
        self.patterns = patterns
        self.cotangents = v
        self.hiddenObjective = hiddenObjective
        self.inputObjective = inputObjective
        self.count = k
        // One forward at 0 per distinct pattern, spread to the rows.
        var unique = [ActivationPattern]()
        var slot = [ActivationPattern: Int]()
        for p in patterns where slot[p] == nil {
            slot[p] = unique.count
            unique.append(p)
        }
        let zero = network.patternFixedForward(patterns: unique,
                                               features: [Double](repeating: 0, count: unique.count * network.featureCount))
        let (c, n) = (network.outputCount, network.hiddenCount)
        var logits = [Double](), pre = [Double]()
        logits.reserveCapacity(k * c)
        pre.reserveCapacity(k * n)
        for r in 0..<k {
            let u = slot[patterns.count == 1 ? patterns[0] : patterns[r]]!
            logits += zero.logits[(u * c)..<((u + 1) * c)]
            pre += zero.preactivations[(u * n)..<((u + 1) * n)]
        }
        evaluation = DualEvaluation(layers: network.patternFixedLayers, patterns: patterns,
                                    masks: PatternMasks(patterns, width: n), cotangents: v, hiddenObjective: hiddenObjective,
                                    inputGradients: inputObjective.map { $0.flatMap(\.gradient) },
                                    inputConstants: inputObjective.map { $0.map(\.constant) },
                                    logitsAtZero: logits, preactivationsAtZero: pre, lower: box.lower, upper: box.upper, count: k)
    }

    /// The single-region form: every row over `region`.
    public init(region: LinearRegion, box: InputBox, cotangents v: [Double], count k: Int,
                hiddenObjective: [Double]? = nil) {
        self.init(network: region.network, box: box, patterns: [region.pattern], cotangents: v, count: k,
                  hiddenObjective: hiddenObjective)
    }

    public func pattern(ofRow r: Int) -> ActivationPattern { patterns.count == 1 ? patterns[0] : patterns[r] }

    /// The same problem restricted to the given rows, in that order.
    public func rows(_ selected: [Int]) -> DualProblem {
        let (c, n) = (network.outputCount, network.hiddenCount)
        return DualProblem(network: network, box: box,
                           patterns: patterns.count == 1 ? patterns : selected.map { patterns[$0] },
                           cotangents: FastDualOptimizer.gather(cotangents, rows: selected, width: c), count: selected.count,
                           hiddenObjective: hiddenObjective.map { FastDualOptimizer.gather($0, rows: selected, width: n) },
                           inputObjective: inputObjective.map { objectives in selected.map { objectives[$0] } })
    }

    /// U(y) for every row (`y` is k × N, entries ≥ 0), and the maximising corners (k × m).
    public func evaluate(multipliers y: [Double]) -> (values: [Double], corners: [Double]) {
        var workspace = DualWorkspace<Double>()
        evaluate(multipliers: y, workspace: &workspace)
        return (workspace.values, workspace.corners)
    }

    /// As above into `workspace.values` and `workspace.corners`, reusing its buffers.
    func evaluate(multipliers y: [Double], workspace w: inout DualWorkspace<Double>) {
        evaluation.evaluate(multipliers: y, workspace: &w)
    }

    /// The box-only bound (y = 0): max over X of φ, the loosest certificate.
    public func boxOnly() -> [Double] {
        evaluate(multipliers: [Double](repeating: 0, count: count * network.hiddenCount)).values
    }

    /// ∂U/∂y at the given corners: the slacks s ⊙ z_π(x*) of each row's own region (k × N).
    func slackGradient(corners: [Double]) -> [Double] {
        var workspace = DualWorkspace<Double>()
        workspace.corners = corners
        slackGradient(workspace: &workspace)
        return workspace.slacks
    }

    /// As above at `workspace.corners`, into `workspace.slacks`.
    func slackGradient(workspace w: inout DualWorkspace<Double>) {
        evaluation.slackGradient(workspace: &w)
    }
}
