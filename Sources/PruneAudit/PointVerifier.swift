import PruneModel
import PruneRepair

/// Re-checks the claim made for one forgotten point from the original network, the patches
/// and the shipped evidence (method.md §10, checks C0–C6), trusting none of the owner's
/// numbers. Every comparison that decides a verdict uses rigorous rounding bounds, so a
/// verdict holds for the real-valued patched network.
public struct PointVerifier: Sendable {
    public let network: Network
    public let patches: [Patch]
    /// τ: the margin every decision must clear.
    public let margin: Double
    let rigorous: RigorousDualBound
    /// Whether each patch's K is at least its closed-form bound (C3); h = 0 where G = 0 only then.
    let soundBounds: [Bool]
    /// For each pair (j, t), at j·C + t: the patches that can favour class j over class t
    /// somewhere (d_j > d_t), ascending. Every other patch adds nothing to C0 and C6, so a point
    /// looks at these and at the patches sharing its region, not at every patch of the chain
    /// (which made an audit quadratic in the number of patches).
    let favouring: [[Int]]
    /// The patches having each region as a member, ascending.
    let sharing: [ActivationPattern: [Int]]

    public init(network: Network, patches: [Patch], margin: Double) throws(ModelError) {
        self.network = network
        self.patches = patches
        self.margin = margin
        self.rigorous = try RigorousDualBound(network: network, box: network.input.box)
        self.soundBounds = patches.map { $0.bound >= Patch.requiredBound(offset: $0.offset, linear: $0.linear, box: network.input.box) }
        let c = network.outputCount
        var favouring = [[Int]](repeating: [], count: c * c)
        var sharing = [ActivationPattern: [Int]]()
        for (index, patch) in patches.enumerated() {
            for j in 0..<c {
                for t in 0..<c where j != t {
                    // An offset of another size is never skipped (worstCase decides on what it has).
                    if patch.offset.count != c || InterferenceAnalysis.worstCase(patch.offset, j: j, t: t) > 0 {
                        favouring[j * c + t].append(index)
                    }
                }
            }
            for member in Set(patch.members) { sharing[member, default: []].append(index) }
        }
        self.favouring = favouring
        self.sharing = sharing
    }

    public struct Result: Sendable, Equatable {
        public let verdict: PointVerdict
        public let checks: [CheckOutcome]
        /// The certified lower bound on μ − τ at the point (C0), when computed.
        public let pointMargin: Double?
        /// The certified bound of (e_y − e_t)ᵀf̂ over the region, + τ; ≤ 0 when C5/C6 hold.
        public let regionMargin: Double?
        /// For a CERTIFIED point: its region, the target and the rigorous upper bound on
        /// M_y = max over the region of f_y − f_t from the shipped multipliers (for `resolve`).
        public var region: ActivationPattern? = nil
        public var target: Int? = nil
        public var certifiedBound: Double? = nil
    }

    /// Verifies one point (model input after preprocessing) with label `label`.
    public func verify(point x: [Double], label y: Int, evidence: PointEvidence) throws(ModelError) -> Result {
        var stages = AuditStages()
        return try verify(point: x, label: y, evidence: evidence, stages: &stages)
    }

    /// As above, charging the time of each check to `stages`.
    public func verify(point x: [Double], label y: Int, evidence: PointEvidence,
                       stages: inout AuditStages) throws(ModelError) -> Result {
        var checks = [CheckOutcome]()
        let c = network.outputCount, n = network.hiddenCount, n1 = network.hiddenWidths.first ?? 0
        let eval = try network.evaluate(x)
        let pattern = eval.patterns[0]
        let logits = Array(eval.logits(of: 0))
        // Rounding allowance for the point's pre-activations and logits: γ_n times the same
        // computation on |W|, |b|, |x| with the point's pattern.
        let magnitudes = rigorous.magnitudes.patternFixedForward(pattern: pattern, features: x.map(abs))
        let ops = rigorous.operations
        let zError = magnitudes.preactivations.map { RoundingBound.upper(0, magnitude: $0, operations: ops) }
        let fError = magnitudes.logits.map { RoundingBound.upper(0, magnitude: $0, operations: ops) }
        let z = network.patternFixedForward(pattern: pattern, features: x).preactivations

        guard let k = evidence.patch, patches.indices.contains(k) else {
            checks.append(CheckOutcome("C2", .fail, code: .notCovered, "no covering patch is claimed"))
            return Result(verdict: .notCovered, checks: checks, pointMargin: nil, regionMargin: nil)
        }
        let patch = patches[k]
        let t = patch.target
        // C4: the target is a class and not the point's own label.
        guard (0..<c).contains(t), t != y else {
            checks.append(CheckOutcome("C4", .fail, code: .targetIsLabel, "patch \(k) targets class \(t), the point's label is \(y)"))
            return Result(verdict: .error, checks: checks, pointMargin: nil, regionMargin: nil)
        }
        checks.append(CheckOutcome("C4", .pass, "target \(t) ≠ label \(y)"))
        // C1/C2: the point's own pattern, recomputed, is a member of the patch (the member the
        // owner names, when it names one). Neurons whose pre-activation is within rounding of
        // 0 may take either bit: both regions hold x.
        let ties = (0..<n).filter { abs(z[$0]) <= zError[$0] }
        let matches = { (m: ActivationPattern) in (0..<n).allSatisfy { m[$0] == pattern[$0] || ties.contains($0) } }
        if let claimed = evidence.member {
            guard patch.members.indices.contains(claimed), matches(patch.members[claimed]) else {
                checks.append(CheckOutcome("C1", .fail, code: .regionMismatch,
                                           "member \(claimed) of patch \(k) is not the region of the point's recomputed activation pattern"))
                return Result(verdict: .notCovered, checks: checks, pointMargin: nil, regionMargin: nil)
            }
        }
        guard let member = evidence.member ?? patch.members.firstIndex(where: matches) else {
            checks.append(CheckOutcome("C2", .fail, code: .notCovered, "the point's activation pattern is not a member of patch \(k)"))
            return Result(verdict: .notCovered, checks: checks, pointMargin: nil, regionMargin: nil)
        }
        let region = patch.members[member]
        checks.append(CheckOutcome("C1", .pass, ties.isEmpty ? "pattern recomputed from the weights" : "pattern recomputed; \(ties.count) tie neurons"))
        checks.append(CheckOutcome("C2", .pass, "member \(member) of patch \(k)"))
        // C3: K bounds |p| over the whole box.
        checks.append(CheckOutcome("C3", soundBounds[k] ? .pass : .fail, code: .boundUnsound,
                                   soundBounds[k] ? "K ≥ closed-form bound" : "K below the closed-form bound: the patch is not local"))

        stages.lap(AuditStages.patternCoverBoundTarget)
        // C0: a lower bound on μ ≥ f̂_t − f̂_y at the point.
        var mu = RoundingBound.lower(logits[t] - logits[y], magnitude: 0, operations: 1) - fError[t] - fError[y]
        var muMagnitude = abs(mu)
        // A patch that cannot favour y over t contributes ≥ 0: no need to look at its gate,
        // except for the covering patch, whose help C0 needs.
        for index in Self.union(favouring[y * c + t], [k]) {
            let other = patches[index]
            let term = lowerContribution(of: other, index: index, at: x, t: t, y: y, own: (pattern, z, zError),
                                         firstLayer: z[0..<n1], firstLayerError: zError[0..<n1])
            mu += term
            muMagnitude += abs(term)
        }
        mu = RoundingBound.lower(mu, magnitude: muMagnitude, operations: patches.count + 1)
        stages.lap(AuditStages.pointMargin)
        let pointMargin = mu - margin
        checks.append(CheckOutcome("C0", pointMargin > 0 ? .pass : .fail, margin: pointMargin, code: .notForgotten,
                                   "f̂_t − f̂_y at the point, all patches, rounding bounded"))
        guard pointMargin > 0 else {
            return Result(verdict: .notForgotten, checks: checks, pointMargin: pointMargin, regionMargin: nil)
        }
        guard soundBounds[k], ties.isEmpty || region == pattern else {
            checks.append(CheckOutcome("C5", .notChecked, "needs C3 and the exact region"))
            checks.append(CheckOutcome("C6", .notChecked, "needs C5"))
            return Result(verdict: .forgotten, checks: checks, pointMargin: pointMargin, regionMargin: nil)
        }
        // C5: the region certificate of the claimed row (label y against target t), recomputed
        // rigorously from the shipped multipliers: M_y + d_y − d_t ≤ −τ.
        guard var y5 = evidence.multipliers, y5.count == c * n, y5.allSatisfy(\.isFinite) else {
            checks.append(CheckOutcome("C5", .notChecked, "no usable region certificate"))
            checks.append(CheckOutcome("C6", .notChecked, "needs C5"))
            return Result(verdict: .forgotten, checks: checks, pointMargin: pointMargin, regionMargin: nil)
        }
        let clamped = y5.filter { $0 < 0 }.count
        y5 = y5.map { max(0, $0) }  // any y ≥ 0 is sound; clamping can only loosen the bound
        var v = [Double](repeating: 0, count: c)
        v[y] = 1
        v[t] = -1
        let problem = DualProblem(network: network, box: network.input.box, patterns: [region], cotangents: v, count: 1)
        let certified = rigorous.upperBounds(problem, multipliers: Array(y5[(y * n)..<((y + 1) * n)]))[0]
        let alone = RoundingBound.upper(certified + patch.offset[y] - patch.offset[t],
                                        magnitude: abs(certified) + abs(patch.offset[y]) + abs(patch.offset[t]), operations: 3)
        checks.append(CheckOutcome("C5", alone + margin <= 0 ? .pass : .fail, margin: -(alone + margin), code: .certificateInvalid,
                                   clamped > 0 ? "\(clamped) negative multipliers clamped to 0" : "dual certificate re-evaluated"))
        guard alone + margin <= 0 else {
            checks.append(CheckOutcome("C6", .notChecked, "needs C5"))
            return Result(verdict: .forgotten, checks: checks, pointMargin: pointMargin, regionMargin: alone + margin)
        }
        stages.lap(AuditStages.certificate)
        // C6: every other patch, accounted for whatever the owner says.
        var bound = alone, magnitude = abs(alone)
        var notes = [String]()
        // Patches neither sharing the region nor favouring y over t add exactly 0 (interference).
        for index in Self.union(favouring[y * c + t], sharing[region] ?? []) where index != k {
            let (add, note) = try interference(of: patches[index], index: index, on: region, row: y, target: t,
                                               claimed: evidence.interference[index])
            bound += add
            magnitude += abs(add)
            if let note { notes.append(note) }
        }
        bound = RoundingBound.upper(bound, magnitude: magnitude, operations: patches.count + 1)
        let regionMargin = bound + margin
        stages.lap(AuditStages.interference)
        checks.append(CheckOutcome("C6", regionMargin <= 0 ? .pass : .fail, margin: -regionMargin, code: .interference,
                                   notes.isEmpty ? "no other patch can act on the region" : notes.joined(separator: "; ")))
        return Result(verdict: regionMargin <= 0 ? .certified : .forgotten, checks: checks,
                      pointMargin: pointMargin, regionMargin: regionMargin,
                      region: region, target: t, certifiedBound: certified)
    }

    /// The independent cross-check of a CERTIFIED result (`prune verify --resolve`): M_y
    /// re-solved over the region by the LP solver (CLP), without the owner's multipliers. The
    /// dual bound that certified the point is an upper bound on that optimum, so an optimum
    /// above it (beyond the solver's tolerance) means the certificate arithmetic is wrong, and
    /// the verdict must not stand. Returns the LP check and the verdict to keep.
    public func resolve(_ result: Result, label y: Int) throws -> (check: CheckOutcome, verdict: PointVerdict) {
        guard result.verdict == .certified, let region = result.region, let t = result.target,
              let certified = result.certifiedBound else {
            return (CheckOutcome("LP", .notChecked, "only CERTIFIED points are re-solved"), result.verdict)
        }
        let c = network.outputCount
        var v = [Double](repeating: 0, count: c)
        v[y] = 1
        v[t] = -1
        let problem = DualProblem(network: network, box: network.input.box, patterns: [region], cotangents: v, count: 1)
        let optimum = try problem.exactBounds()[0].value
        // CLP's default primal/dual tolerances are 1e-7 per row; allow that, scaled.
        let tolerance = 1e-6 * (1 + abs(optimum))
        let gap = certified - optimum
        guard gap >= -tolerance else {
            return (CheckOutcome("LP", .fail, margin: gap, code: .resolveDisagrees,
                                 String(format: "LP optimum %.9g exceeds the certified bound %.9g", optimum, certified)), .error)
        }
        return (CheckOutcome("LP", .pass, margin: gap,
                             String(format: "LP optimum %.9g ≤ certified bound %.9g (dual gap %.3g)", optimum, certified, gap)), .certified)
    }

    /// A lower bound on h_t − h_y of one patch at the point. Each member's rows are that
    /// member's own pattern-fixed pre-activations at x (deeper layers differ between patterns),
    /// with their rounding allowance.
    /// The first hidden layer does not depend on the pattern: `firstLayer` (with its rounding
    /// allowance) closes most members' gates without a pass through the deeper layers.
    func lowerContribution(of patch: Patch, index: Int, at x: [Double], t: Int, y: Int,
                           own: (pattern: ActivationPattern, z: [Double], error: [Double]),
                           firstLayer z1: ArraySlice<Double>, firstLayerError e1: ArraySlice<Double>) -> Double {
        let worst = -InterferenceAnalysis.worstCase(patch.offset, j: y, t: t)
        let ops = rigorous.operations
        // The gate's rows: the first `rows` of each pattern. Every gate has the whole first
        // layer (gateLayers ≥ 1), so the first-layer scan below needs no limit.
        let rows = patch.gateRowCount(hiddenWidths: network.hiddenWidths)
        var closedForAll = soundBounds[index]
        for member in patch.members {
            if closedForAll {
                var sum = 0.0
                for i in z1.indices {
                    let violation = (member[i] ? -z1[i] : z1[i]) - e1[i]
                    if violation > 0 { sum += min(1, patch.gamma * violation) }
                }
                if RoundingBound.lower(sum, magnitude: sum, operations: z1.count + 2) >= 1 { continue }
            }
            // The point's own pattern was evaluated already (the usual covering member).
            let z: [Double], error: [Double]
            if member == own.pattern {
                (z, error) = (own.z, own.error)
            } else {
                z = network.patternFixedForward(pattern: member, features: x).preactivations
                let magnitude = rigorous.magnitudes.patternFixedForward(pattern: member, features: x.map(abs)).preactivations
                error = magnitude.map { RoundingBound.upper(0, magnitude: $0, operations: ops) }
            }
            // G = 1 robustly: every row of this member is satisfied with room for rounding.
            let inside = (0..<rows).allSatisfy { i in member[i] ? z[i] - error[i] >= 0 : z[i] + error[i] <= 0 }
            if inside { return patch.offset[t] - patch.offset[y] }
            // G = 0 robustly for this member: its violations sum (scaled) to at least 1.
            if closedForAll {
                var sum = 0.0
                for i in 0..<rows {
                    let violation = (member[i] ? -z[i] : z[i]) - error[i]
                    if violation > 0 { sum += min(1, patch.gamma * violation) }
                }
                if !(RoundingBound.lower(sum, magnitude: sum, operations: z.count + 2) >= 1) { closedForAll = false }
            }
        }
        // With K sound and every member's gate closed, h = 0 exactly.
        return closedForAll ? 0 : worst
    }

    /// The ascending union of two ascending index lists, so sums keep the patches' order.
    static func union(_ a: [Int], _ b: [Int]) -> [Int] {
        var out = [Int](), i = 0, j = 0
        out.reserveCapacity(a.count + b.count)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j]); j += 1
            } else {
                out.append(a[i]); i += 1; j += 1
            }
        }
        return out
    }

    /// What another patch can add to spec row j on the region, and a note for the report.
    func interference(of patch: Patch, index: Int, on region: ActivationPattern, row j: Int, target t: Int,
                      claimed: InterferenceTreatment?) throws(ModelError) -> (Double, String?) {
        if patch.members.contains(region) { return (patch.offset[j] - patch.offset[t], "patch \(index) shares the region") }
        let worst = InterferenceAnalysis.worstCase(patch.offset, j: j, t: t)
        if worst <= 0 { return (0, nil) }
        if case .gateClosed(_, let multipliers, let weights) = claimed, soundBounds[index], multipliers.count == patch.members.count,
           weights == nil || weights!.count == patch.members.count,
           try gateClosed(patch, on: region, multipliers: multipliers, weights: weights) {
            return (0, "patch \(index): gate proved closed")
        }
        return (worst, "patch \(index): worst case absorbed")
    }

    /// Re-checks a gate-closed proof: for every member π′, the rigorous dual bound of the
    /// separation objective φ (GateSeparation: minus the summed violation of π′'s rows that
    /// differ from the region's, weighted by ω ∈ [0, 1]) over the region, plus φ's own rounding, is at
    /// most −1/γ′.
    func gateClosed(_ patch: Patch, on region: ActivationPattern, multipliers: [[Double]], weights: [[Double]]?) throws(ModelError) -> Bool {
        let n = network.hiddenCount
        for (index, (member, y)) in zip(patch.members, multipliers).enumerated() {
            guard y.count == n, y.allSatisfy({ $0.isFinite }) else { return false }
            guard let separation = GateSeparation(network: network, magnitudes: rigorous.magnitudes, box: network.input.box,
                                                  region: region, member: member, weights: weights?[index],
                                                  gateRows: patch.gateRowCount(hiddenWidths: network.hiddenWidths),
                                                  operations: rigorous.operations) else {
                return false
            }
            let problem = DualProblem(network: network, box: network.input.box, patterns: [region],
                                      cotangents: [Double](repeating: 0, count: network.outputCount), count: 1,
                                      inputObjective: [separation.objective])
            let value = rigorous.upperBounds(problem, multipliers: y.map { max(0, $0) })[0]
            let bound = RoundingBound.upper(value + separation.error, magnitude: abs(value) + separation.error, operations: 2)
            // L ≥ 1/γ′ in real arithmetic: compare against 1/γ′ rounded up.
            if !(bound <= -(1 / patch.gamma).nextUp) { return false }
        }
        return true
    }
}
