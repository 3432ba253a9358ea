import Foundation
import PruneCore
import PruneModel

/// PRUNE's unlearning loop, done right (method.md §8, §11): regions rebuilt from weights,
/// one target per cluster chosen deterministically and never the forgotten label, exact
/// closed-form K, γ calibrated on reference data, and region certificates whose bounds are
/// recomputed from their multipliers the way a verifier will.
public struct Unlearner: Sendable {
    public let network: Network
    public let configuration: UnlearningConfiguration
    /// The box over the head's input (the feature vector).
    public let box: InputBox

    public init(network: Network, configuration: UnlearningConfiguration) throws(RepairError) {
        guard network.extractor.isIdentity else {
            throw .unsupported("unlearning a network with a feature extractor needs a feature-space box; only dense networks are supported")
        }
        guard configuration.margin > 0, configuration.margin.isFinite else {
            throw .invalidConfiguration("margin τ must be a positive number, got \(configuration.margin)")
        }
        if case .calibrated(let safety) = configuration.gamma, !(safety >= 1 && safety.isFinite) {
            throw .invalidConfiguration("gamma safety factor must be ≥ 1, got \(safety)")
        }
        if case .fixed(let g) = configuration.gamma, !(g > 0 && g.isFinite) {
            throw .invalidConfiguration("gamma must be a positive number, got \(g)")
        }
        guard configuration.maxRounds > 0 else { throw .invalidConfiguration("rounds must be positive") }
        if let layers = configuration.gateLayers, !(layers >= 1 && layers <= network.hiddenWidths.count) {
            throw .invalidConfiguration("gate layers must be between 1 and the \(network.hiddenWidths.count) hidden layers, got \(layers)")
        }
        self.network = network
        self.configuration = configuration
        self.box = network.input.box
    }

    /// Unlearns the points (model inputs after preprocessing, row-major) with their labels.
    /// `reference` (retained or held-out points of other classes) calibrates γ.
    public func run(forget inputs: [Double], labels: [Int], reference: [Double]?,
                    log: (String) -> Void = { _ in }) throws -> UnlearningResult {
        let m = network.featureCount, c = network.outputCount
        let count = labels.count
        guard count > 0, inputs.count == count * m else {
            throw RepairError.invalidForgetSet("\(inputs.count) values for \(count) points of \(m) features")
        }
        for (i, y) in labels.enumerated() where !(0..<c).contains(y) {
            throw RepairError.invalidForgetSet("point \(i) has label \(y), outside 0..<\(c)")
        }
        for i in 0..<count where !box.contains(inputs[(i * m)..<((i + 1) * m)]) {
            throw RepairError.invalidForgetSet("point \(i) lies outside the model's input box")
        }
        let original = try network.headForward(inputs, recordPatterns: true)
        let calibration = try reference.map { try GammaCalibration(network: network, referenceFeatures: $0) }
        let certifier = RegionCertifier(network: network, box: box, mode: configuration.bounds,
                                        optimizer: FastDualOptimizer(steps: configuration.fastSteps))
        var rng = SeededGenerator(seed: configuration.seed)
        let commonTarget = configuration.target == .common
            ? configuration.commonTarget ?? Self.mostFrequentRunnerUp(logits: original.logits, labels: labels, classes: c) : nil

        var patches = [Patch]()
        var gammas = [GammaChoice]()
        var regionCertificates = [(patch: Int, certificate: RegionCertificate)]()
        // What each patch was built from, so a harmful target can be changed later.
        var origins = [PatchOrigin]()
        var remaining = Array(0..<count)
        var rounds = 0
        while !remaining.isEmpty && rounds < configuration.maxRounds {
            rounds += 1
            let clusters = cluster(remaining, inputs: inputs, patterns: original.patterns, labels: labels, round: rounds)
            // Targets and member regions of every cluster, then all certificates in one batch.
            var plans = [(target: Int, patterns: [ActivationPattern], certified: Range<Int>, origin: PatchOrigin)]()
            var requests = [(pattern: ActivationPattern, target: Int)]()
            for members in clusters {
                let rep = members.representative
                let target = chooseTarget(label: labels[rep], logits: original.logits(of: rep), common: commonTarget, rng: &rng)
                // A member whose own label is the target cannot be forgotten by this patch.
                let kept = members.points.filter { labels[$0] != target }
                var patterns = [original.patterns[rep]]
                for p in kept where !patterns.contains(original.patterns[p]) { patterns.append(original.patterns[p]) }
                let certified = configuration.certify == .all ? patterns : [patterns[0]]
                let origin = PatchOrigin(representative: rep, labels: Set([labels[rep]] + kept.map { labels[$0] }), tried: [target])
                plans.append((target, patterns, requests.count..<(requests.count + certified.count), origin))
                requests += certified.map { ($0, target) }
            }
            let certifyStart = Date()
            let certificates = try certifier.certify(requests)
            log(String(format: "round %d: %d region certificates in %.2f s", rounds, requests.count, Date().timeIntervalSince(certifyStart)))
            let gammaStart = Date()
            defer { log(String(format: "round %d: γ calibration %.2f s", rounds, Date().timeIntervalSince(gammaStart))) }
            let chosen = chooseGammas(plans.map(\.patterns), calibration: calibration, firstPatch: patches.count)
            for (plan, (gamma, gateLayers)) in zip(plans, chosen) {
                for certificate in certificates[plan.certified] { regionCertificates.append((patches.count, certificate)) }
                gammas.append(gamma)
                patches.append(patch(members: plan.patterns, gamma: gamma.chosen, target: plan.target,
                                     certificates: Array(certificates[plan.certified]), gateLayers: gateLayers))
                origins.append(plan.origin)
            }
            let margins = try pointMargins(PatchedNetwork(network: network, patches: patches), inputs: inputs, labels: labels)
            remaining = (0..<count).filter { !(margins[$0] > configuration.margin) }
            log("round \(rounds): \(patches.count) patches, \(count - remaining.count) of \(count) points forgotten")
        }

        // C6: account for every other patch on each certified region; proofs may sharpen γ.
        let analysis = try InterferenceAnalysis(network: network, box: box, margin: configuration.margin)
        let analysisStart = Date()
        // Each region claims that the labels of the forgotten points inside it lose to the target.
        var labelsInRegion = [ActivationPattern: [Int]]()
        for i in 0..<count { labelsInRegion[original.patterns[i], default: []].append(labels[i]) }
        func claims() -> [(patch: Int, certificate: RegionCertificate, rows: [Int])] {
            regionCertificates.map { entry in
                (patch: entry.patch, certificate: entry.certificate, rows: labelsInRegion[entry.certificate.pattern] ?? [])
            }
        }
        var proofCache = InterferenceAnalysis.ProofCache()
        var (interference, sharpened) = analysis.analyse(certificates: claims(), patches: patches, cache: &proofCache)
        // A region whose claim fails because another patch targets one of its labels, with no
        // proof that the patch's gate stays closed there: retarget that patch (its next class
        // by the representative's original logits, never a label it covers or one it harmed)
        // and analyse again. Each pass only removes targets, so this ends.
        for pass in 0..<configuration.retargetPasses {
            var harmed = [Int: Set<Int>]()
            for (q, result) in interference.enumerated() where result.patchedBound > -configuration.margin {
                let rows = Set(labelsInRegion[regionCertificates[q].certificate.pattern] ?? [])
                for (other, treatment) in result.treatments where treatment == .absorbed && rows.contains(patches[other].target) {
                    harmed[other, default: []].formUnion(rows)
                }
            }
            var retargeted = [(patch: Int, target: Int)]()
            for k in harmed.keys.sorted() {
                origins[k].tried.formUnion(harmed[k]!)
                let logits = original.logits(of: origins[k].representative)
                let allowed = logits.indices.filter { !origins[k].tried.contains($0 - logits.startIndex) && !origins[k].labels.contains($0 - logits.startIndex) }
                guard let next = allowed.max(by: { (logits[$0], $1) < (logits[$1], $0) }) else { continue }
                let target = next - logits.startIndex
                origins[k].tried.insert(target)
                retargeted.append((k, target))
            }
            if retargeted.isEmpty { break }
            var requests = [(pattern: ActivationPattern, target: Int)]()
            var slots = [[Int]]()
            for (k, target) in retargeted {
                let entries = regionCertificates.indices.filter { regionCertificates[$0].patch == k }
                slots.append(entries)
                requests += entries.map { (regionCertificates[$0].certificate.pattern, target) }
            }
            let fresh = try certifier.certify(requests)
            var next = 0
            for ((k, target), entries) in zip(retargeted, slots) {
                let certificates = Array(fresh[next..<(next + entries.count)])
                next += entries.count
                for (e, certificate) in zip(entries, certificates) { regionCertificates[e] = (k, certificate) }
                patches[k] = patch(members: patches[k].members, gamma: patches[k].gamma, target: target, certificates: certificates,
                                   gateLayers: patches[k].gateLayers)
            }
            log("retarget pass \(pass + 1): \(retargeted.count) patch(es) moved to a target that no failing region claims")
            (interference, sharpened) = analysis.analyse(certificates: claims(), patches: patches, cache: &proofCache)
        }
        var counts = [String: Int]()
        for r in interference {
            for t in r.treatments.values {
                switch t {
                case .shared: counts["shared", default: 0] += 1
                case .harmless: counts["harmless", default: 0] += 1
                case .absorbed: counts["absorbed", default: 0] += 1
                case .gateClosed: counts["gate closed", default: 0] += 1
                }
            }
        }
        let treatments = counts.isEmpty ? "no other patch can act on a certified region"
            : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let worst = interference.map(\.patchedBound).max().map { String(format: "; worst patched bound %.4g", $0) } ?? ""
        log(String(format: "interference: %.2f s; ", Date().timeIntervalSince(analysisStart)) + treatments + worst)
        patches = patches.enumerated().map { k, p in
            p.with(gamma: sharpened[k])
        }
        gammas = gammas.map { GammaChoice(patch: $0.patch, closing: $0.closing, chosen: sharpened[$0.patch], referenceInside: $0.referenceInside) }
        let patched = PatchedNetwork(network: network, patches: patches)
        let margins = try pointMargins(patched, inputs: inputs, labels: labels)
        var certificates = [PatchCertificate]()
        var certifiedPatterns = Set<PatternKey>()
        for (q, (k, certificate)) in regionCertificates.enumerated() {
            let result = interference[q]
            certificates.append(PatchCertificate(patch: k, certificate: certificate, patchedBound: result.patchedBound,
                                                 interference: result.treatments))
            if result.patchedBound <= -configuration.margin { certifiedPatterns.insert(PatternKey(patch: k, pattern: certificate.pattern)) }
        }
        // Patches by member region: a lookup per point, not a scan of every patch.
        var patchesWithMember = [ActivationPattern: [Int]]()
        for (k, patch) in patches.enumerated() {
            for member in Set(patch.members) { patchesWithMember[member, default: []].append(k) }
        }
        let points = (0..<count).map { i -> ForgottenPointRecord in
            let pattern = original.patterns[i]
            let candidates = (patchesWithMember[pattern] ?? []).filter { patches[$0].target != labels[i] }
            let certifiedBy = candidates.first { certifiedPatterns.contains(PatternKey(patch: $0, pattern: pattern)) }
            let covering = certifiedBy ?? candidates.first
            let claim: PointClaim
            if !(margins[i] > configuration.margin) {
                claim = .notForgotten
            } else if certifiedBy != nil {
                claim = .regionCertified
            } else {
                claim = .pointLevel
            }
            return ForgottenPointRecord(index: i, label: labels[i], pattern: pattern, patch: covering, claim: claim, margin: margins[i])
        }
        return UnlearningResult(configuration: configuration, patches: patches, points: points,
                                certificates: certificates, gammas: gammas, rounds: rounds)
    }

    /// Where a patch came from: the point whose logits rank its targets, the labels of the
    /// points it covers (never a target) and the targets already used or ruled out.
    struct PatchOrigin {
        let representative: Int
        let labels: Set<Int>
        var tried: Set<Int>
    }

    /// The minimal constant patch over `members` that makes `target` win by τ on every
    /// certified region (`certificates`, one per certified member).
    func patch(members: [ActivationPattern], gamma: Double, target: Int, certificates: [RegionCertificate], gateLayers: Int?) -> Patch {
        let c = network.outputCount
        var worst = [Double](repeating: -Double.infinity, count: c)
        for certificate in certificates {
            for j in 0..<c where j != target { worst[j] = max(worst[j], certificate.bounds[j]) }
        }
        worst[target] = 0
        // A hair above τ, so a verifier's rounding allowance on d_j − d_t never flips a claim
        // that holds.
        let offset = OffsetSolver.minimalOffset(bounds: worst, target: target, margin: configuration.margin * (1 + 1e-9) + 1e-12)
        let bound = Patch.requiredBound(offset: offset, linear: nil, box: box)
        return Patch(members: members, gamma: gamma, offset: offset, bound: bound, target: target, gateLayers: gateLayers)
    }

    struct PatternKey: Hashable {
        let patch: Int
        let pattern: ActivationPattern
    }

    struct Cluster {
        var points: [Int]
        let representative: Int
    }

    struct RegionLabel: Hashable {
        let pattern: ActivationPattern
        let label: Int
    }

    /// One cluster per region by default: forgotten points with the same activation pattern
    /// and label share one patch and one certificate (on low-dimensional data many points
    /// share a region: 1,000 jittered digits fall in 578). Otherwise seeded k-means++ with the
    /// member nearest each centroid as representative (always a member, unlike the published code).
    func cluster(_ points: [Int], inputs: [Double], patterns: [ActivationPattern], labels: [Int], round: Int) -> [Cluster] {
        guard let k = configuration.clusters, k < points.count else {
            var result = [Cluster]()
            var slot = [RegionLabel: Int]()
            for p in points {
                let key = RegionLabel(pattern: patterns[p], label: labels[p])
                if let s = slot[key] {
                    result[s].points.append(p)
                } else {
                    slot[key] = result.count
                    result.append(Cluster(points: [p], representative: p))
                }
            }
            return result
        }
        let m = network.featureCount
        var x = [Double]()
        x.reserveCapacity(points.count * m)
        for p in points { x += inputs[(p * m)..<((p + 1) * m)] }
        let (assignment, centroids) = KMeans.cluster(x, count: points.count, dim: m, k: k,
                                                     seed: configuration.seed &+ UInt64(round))
        var result = [Cluster]()
        for c in 0..<k {
            let members = points.indices.filter { assignment[$0] == c }
            guard !members.isEmpty else { continue }
            var best = members[0], bestDistance = Double.infinity
            for i in members {
                var d = 0.0
                for col in 0..<m {
                    let diff = x[i * m + col] - centroids[c * m + col]
                    d += diff * diff
                }
                if d < bestDistance { bestDistance = d; best = i }
            }
            result.append(Cluster(points: members.map { points[$0] }, representative: points[best]))
        }
        return result
    }

    func chooseTarget(label: Int, logits: ArraySlice<Double>, common: Int?, rng: inout SeededGenerator) -> Int {
        let c = logits.count
        switch configuration.target {
        case .runnerUp:
            return Self.runnerUp(label: label, logits: logits)
        case .common:
            if let common, common != label { return common }
            return Self.runnerUp(label: label, logits: logits)
        case .random:
            let r = rng.index(below: c - 1)
            return r >= label ? r + 1 : r
        }
    }

    /// The class with the highest original logit other than the label.
    public static func runnerUp(label: Int, logits: ArraySlice<Double>) -> Int {
        var best = label == 0 ? 1 : 0
        for j in 0..<logits.count where j != label && logits[logits.startIndex + j] > logits[logits.startIndex + best] { best = j }
        return best
    }

    /// The most frequent runner-up class over all points (ties to the lowest class).
    public static func mostFrequentRunnerUp(logits: [Double], labels: [Int], classes c: Int) -> Int {
        var counts = [Int](repeating: 0, count: c)
        for (i, y) in labels.enumerated() { counts[runnerUp(label: y, logits: logits[(i * c)..<((i + 1) * c)])] += 1 }
        return counts.indices.max { (counts[$0], -$0) < (counts[$1], -$1) }!
    }

    /// One γ and one gate depth per patch (members of each), the patches numbered from
    /// `firstPatch`. A coarse gate (fewer layers than all) that holds a reference point can be
    /// kept off it by no γ: that patch takes one more layer, up to the exact region, whose
    /// reference points are the unavoidable ones (they share a forgotten region).
    func chooseGammas(_ patches: [[ActivationPattern]], calibration: GammaCalibration?,
                      firstPatch: Int) -> [(choice: GammaChoice, gateLayers: Int?)] {
        switch configuration.gamma {
        case .fixed(let g):
            return patches.indices.map {
                (GammaChoice(patch: firstPatch + $0, closing: nil, chosen: g, referenceInside: []), configuration.gateLayers)
            }
        case .calibrated(let safety):
            guard let calibration else {
                return patches.indices.map {
                    (GammaChoice(patch: firstPatch + $0, closing: nil, chosen: configuration.defaultGamma, referenceInside: []),
                     configuration.gateLayers)
                }
            }
            var layers = [Int?](repeating: configuration.gateLayers, count: patches.count)
            var results = calibration.closingGammas(patches: patches, gateLayers: configuration.gateLayers)
            var deepen = patches.indices.filter { layers[$0] != nil && !results[$0].insideRegions.isEmpty }
            while let first = deepen.first, let current = layers[first] {
                let next = current + 1 < network.hiddenWidths.count ? current + 1 : nil
                let again = calibration.closingGammas(patches: deepen.map { patches[$0] }, gateLayers: next)
                for (q, k) in deepen.enumerated() {
                    layers[k] = next
                    results[k] = again[q]
                }
                deepen = deepen.filter { layers[$0] != nil && !results[$0].insideRegions.isEmpty }
            }
            return results.enumerated().map { q, result in
                (GammaChoice(patch: firstPatch + q, closing: result.closing,
                             chosen: result.closing.map { $0 * safety } ?? configuration.defaultGamma,
                             referenceInside: result.insideRegions), layers[q])
            }
        }
    }

    /// μ = max_{j≠y} f̂_j − f̂_y at every forgotten point, all patches active.
    func pointMargins(_ patched: PatchedNetwork, inputs: [Double], labels: [Int]) throws -> [Double] {
        let eval = try patched.evaluate(inputs)
        let c = network.outputCount
        return labels.enumerated().map { i, y in
            var best = -Double.infinity
            for j in 0..<c where j != y { best = max(best, eval.logits[i * c + j]) }
            return best - eval.logits[i * c + y]
        }
    }
}
