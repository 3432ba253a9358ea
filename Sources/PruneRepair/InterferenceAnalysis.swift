import PruneModel

/// How another patch k′ is accounted for on a certified region S (check C6).
public enum InterferenceTreatment: Sendable, Equatable {
    /// S is one of k′'s member regions: G_{k′} = 1 on S, so h_{k′} = d_{k′} there exactly.
    case shared
    /// k′ can only push the target up or the others down on S (its offsets have the right
    /// signs), so its worst case adds nothing.
    case harmless
    /// G_{k′} = 0 on all of S ∩ X: for each member π′ of k′, the rows (in the first `depth`
    /// hidden layers) where π′ and S's pattern differ are violated on S by at least `lowerBounds[member]` in total
    /// (GateSeparation), and γ_{k′} ≥ 1/lowerBound makes the gate vanish. `multipliers` (one
    /// N-vector per member) prove each lower bound through `DualProblem`.
    case gateClosed(lowerBounds: [Double], multipliers: [[Double]], depth: Int)
    /// Nothing proved: its worst case max(0, d′_j − d′_t) is added to every claimed row.
    case absorbed
}

/// The C6 analysis of one certificate: its final bound and how each other patch was treated.
public struct InterferenceResult: Sendable, Equatable {
    public let certificate: Int
    /// max over the claimed rows j of M_j + d_j − d_t + Σ interference_j; the claim holds if ≤ −τ.
    public let patchedBound: Double
    /// Treatment of every other patch (index → treatment); harmless patches are omitted.
    public let treatments: [Int: InterferenceTreatment]
}

/// Decides, for every certified region, how the other patches are accounted for: exactly
/// (shared members), for free (harmless signs), by absorbing their worst case while the
/// region's slack allows, and otherwise by proving their gates closed on the region with a
/// dual bound — which may require raising their γ (a sharper gate, never a wider one).
public struct InterferenceAnalysis: Sendable {
    public let network: Network
    public let box: InputBox
    public let margin: Double
    public let optimizer: FastDualOptimizer
    /// At most this many exact LPs settle rows the first-order search could not prove.
    public var exactBudget = 20
    /// At most this many (region, member) rows enter the proof search; the pairs beyond it
    /// are absorbed. The number of pairs grows with the square of the number of patches.
    public var proofBudget = 3000
    /// The proof depths tried, in order. Depth 1 alone by default: on 100 random MNIST points
    /// the whole-network objective proved none of the 960 pairs depth 1 left open and took
    /// 2.5× the time (`prune bench unlearn --forget 100`, see the README).
    public var depths = [1]

    /// Re-evaluates proofs the way the verifier will, so nothing is claimed that it rejects.
    let rigorous: RigorousDualBound

    public init(network: Network, box: InputBox, margin: Double,
                optimizer: FastDualOptimizer = FastDualOptimizer(steps: 200)) throws(ModelError) {
        self.rigorous = try RigorousDualBound(network: network, box: box)
        self.network = network
        self.box = box
        self.margin = margin
        self.optimizer = optimizer
    }

    /// Worst-case contribution of a patch with offset d′ to (e_j − e_t)ᵀf̂ anywhere: its output
    /// is the soft-threshold S_a(d′) with one threshold a = K(1 − G) ≥ 0 shared by all logits
    /// (G ∈ [0, 1]), and S_a is nondecreasing and 1-Lipschitz, so h_j − h_t ≤ max(0, d′_j − d′_t).
    public static func worstCase(_ d: [Double], j: Int, t: Int) -> Double { max(0, d[j] - d[t]) }

    /// The claimed rows of a certificate, sorted, without duplicates and without the target.
    public static func claimRows(_ rows: [Int], target t: Int) -> [Int] { Array(Set(rows)).filter { $0 != t }.sorted() }

    /// Analyses every certificate; returns the results and the (possibly raised) γ of each patch.
    /// `rows` are the certificate's claimed rows: the labels of the forgotten points in its
    /// region, each of which must lose to the target on the whole region.
    public func analyse(certificates: [(patch: Int, certificate: RegionCertificate, rows: [Int])], patches: [Patch])
        -> (results: [InterferenceResult], gammas: [Double]) {
        let n1 = network.hiddenWidths.first ?? 0
        var gammas = patches.map(\.gamma)
        // Pass 1: exact and free treatments, then absorb the cheapest harms while slack lasts.
        typealias Pending = (certificate: Int, other: Int)
        var treatments = [[Int: InterferenceTreatment]](repeating: [:], count: certificates.count)
        var pending = [Pending]()
        for (q, (k, certificate, claimed)) in certificates.enumerated() {
            let t = certificate.target
            let own = patches[k].offset
            // Claimed rows in logit order (never dictionary order: sums must be reproducible).
            let specRows = Self.claimRows(claimed, target: t)
            var rows = certificate.bounds.indices.map { certificate.bounds[$0] + own[$0] - own[t] }
            var harmful = [(other: Int, harm: [(j: Int, w: Double)], total: Double)]()
            for (other, patch) in patches.enumerated() where other != k {
                if patch.members.contains(certificate.pattern) {
                    treatments[q][other] = .shared
                    for j in specRows { rows[j] += patch.offset[j] - patch.offset[t] }
                    continue
                }
                let harm = specRows.map { (j: $0, w: Self.worstCase(patch.offset, j: $0, t: t)) }.filter { $0.w > 0 }
                if harm.isEmpty { continue }
                harmful.append((other, harm, harm.reduce(0) { $0 + $1.w }))
            }
            harmful.sort { ($0.total, $0.other) < ($1.total, $1.other) }
            for item in harmful {
                let fits = item.harm.allSatisfy { rows[$0.j] + $0.w <= -margin }
                if fits {
                    for (j, w) in item.harm { rows[j] += w }
                    treatments[q][item.other] = .absorbed
                } else {
                    pending.append((certificate: q, other: item.other))
                }
            }
        }
        // Pass 2: prove the remaining gates closed, all rows of all regions in one problem,
        // each with the separation objective over every layer of the other member (GateSeparation).
        // Depth 1 first (its terms are violations everywhere on S); then every layer for the
        // pairs depth 1 could not prove.
        var proofs = [Int: [(member: Int, lower: Double, y: [Double])]]()
        var depthOf = [Int: Int]()
        for depth in depths where (1...network.hiddenWidths.count).contains(depth) {
            let open = pending.indices.filter { p in proofs[p]?.count != patches[pending[p].other].members.count }
            let found = prove(open.map { (p: $0, item: pending[$0]) }, certificates: certificates, patches: patches,
                              gammas: gammas, depth: depth, n1: n1)
            for (p, list) in found where list.count == patches[pending[p].other].members.count {
                proofs[p] = list
                depthOf[p] = depth
            }
        }
        for (p, item) in pending.enumerated() {
            let members = patches[item.other].members.count
            if let found = proofs[p], found.count == members, let depth = depthOf[p] {
                let sorted = found.sorted { $0.member < $1.member }
                let lowest = sorted.map(\.lower).min()!
                gammas[item.other] = max(gammas[item.other], (1 / lowest) * (1 + 1e-6))
                treatments[item.certificate][item.other] = .gateClosed(lowerBounds: sorted.map(\.lower), multipliers: sorted.map(\.y),
                                                                       depth: depth)
            } else {
                treatments[item.certificate][item.other] = .absorbed
            }
        }
        // Final bounds with every treatment.
        let results = certificates.enumerated().map { (q, entry) -> InterferenceResult in
            let (k, certificate, claimed) = entry
            let t = certificate.target
            let own = patches[k].offset
            var worst = -Double.infinity
            for j in Self.claimRows(claimed, target: t) {
                var bound = certificate.bounds[j] + own[j] - own[t]
                for (other, treatment) in treatments[q].sorted(by: { $0.key < $1.key }) {
                    switch treatment {
                    case .shared: bound += patches[other].offset[j] - patches[other].offset[t]
                    case .absorbed: bound += Self.worstCase(patches[other].offset, j: j, t: t)
                    case .harmless, .gateClosed: break
                    }
                }
                worst = max(worst, bound)
            }
            return InterferenceResult(certificate: q, patchedBound: worst, treatments: treatments[q])
        }
        return (results, gammas)
    }

    /// Proves gates closed for the pending (region, other patch) pairs at one depth, every row
    /// of every member in one problem; returns the proved members per pending pair.
    func prove(_ pending: [(p: Int, item: (certificate: Int, other: Int))],
               certificates: [(patch: Int, certificate: RegionCertificate, rows: [Int])], patches: [Patch],
               gammas: [Double], depth: Int, n1: Int) -> [Int: [(member: Int, lower: Double, y: [Double])]] {
        var rowsOf = [(pending: Int, member: Int, error: Double)]()
        var patterns = [ActivationPattern](), objectives = [AffineObjective](), goals = [Double](), initial = [Double]()
        let n = network.hiddenCount
        for (p, item) in pending where rowsOf.count < proofBudget {
            let s = certificates[item.certificate].certificate.pattern
            for (mIndex, member) in patches[item.other].members.enumerated() {
                guard let separation = GateSeparation(network: network, magnitudes: rigorous.magnitudes, box: box, region: s,
                                                      member: member, depth: depth, operations: rigorous.operations) else { continue }
                rowsOf.append((p, mIndex, separation.error))
                patterns.append(s)
                objectives.append(separation.objective)
                goals.append(-1 / gammas[item.other])
                // Start from y = 1 on the differing first-layer rows: there the objective is the
                // region's own slack with the opposite sign, which these multipliers cancel.
                initial += (0..<n).map { i in i < n1 && s[i] != member[i] ? 1.0 : 0.0 }
            }
        }
        var proofs = [Int: [(member: Int, lower: Double, y: [Double])]]()
        if !rowsOf.isEmpty {
            let problem = DualProblem(network: network, box: box, patterns: patterns,
                                      cotangents: [Double](repeating: 0, count: rowsOf.count * network.outputCount),
                                      count: rowsOf.count, inputObjective: objectives)
            let (values, ys) = optimizer.minimize(problem, goals: goals, initial: initial)
            var found = values, multipliers = ys
            // The exact LP settles rows the first-order search left unproved (up to a budget):
            // its duals are a certificate like any other, re-evaluated by the dual bound.
            let unproved = (0..<rowsOf.count).filter { values[$0] >= 0 }.prefix(exactBudget)
            if !unproved.isEmpty, let exact = try? problem.exactBounds(rows: Array(unproved)) {
                for (q, r) in unproved.enumerated() {
                    var y = [Double](repeating: 0, count: rowsOf.count * n)
                    for i in 0..<n { y[r * n + i] = exact[q].multipliers[i] }
                    let proved = problem.evaluate(multipliers: y).values[r]
                    if proved < found[r] {
                        found[r] = proved
                        for i in 0..<n { multipliers[r * n + i] = exact[q].multipliers[i] }
                    }
                }
            }
            // Claim only what the verifier will confirm: the rigorous bound plus the objective's
            // own rounding, exactly as PointVerifier re-evaluates it.
            let rigorousValues = rigorous.upperBounds(problem, multipliers: multipliers)
            for (r, row) in rowsOf.enumerated() {
                let bound = RoundingBound.upper(rigorousValues[r] + row.error, magnitude: abs(rigorousValues[r]) + row.error, operations: 2)
                guard bound < 0 else { continue }
                proofs[row.pending, default: []].append((row.member, -bound, Array(multipliers[(r * n)..<((r + 1) * n)])))
            }
        }
        return proofs
    }
}
