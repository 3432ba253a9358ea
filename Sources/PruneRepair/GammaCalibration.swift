import PruneModel

/// Chooses a patch's gate sharpness γ from reference data (retained training points, or
/// held-out points of other classes): the smallest γ at which every reference point outside
/// the member regions has a closed gate (G = 0), times a safety factor. Smaller γ widens the
/// gate (it reaches more unseen neighbours of the forgotten points); this γ is the widest
/// that is still exactly local on the reference set.
public struct GammaCalibration: Sendable {
    public let network: Network
    /// Reference feature vectors (count × featureCount) and their first-layer pre-activations.
    public let features: [Double]
    public let firstLayer: [Double]
    public let count: Int

    public init(network: Network, referenceFeatures: [Double]) throws(ModelError) {
        self.network = network
        self.features = referenceFeatures
        let eval = try network.headForward(referenceFeatures, recordPatterns: false, recordFirstLayer: true)
        self.firstLayer = eval.firstLayer
        self.count = eval.batch
    }

    public struct Result: Sendable, Equatable {
        /// The smallest γ that closes the gate at every reference point outside the regions
        /// (nil when there is no such point).
        public let closing: Double?
        /// Reference points lying inside a member region: no γ can keep the patch off them.
        public let insideRegions: [Int]
    }

    /// The closing γ of each patch (its member regions, with gates over `gateLayers` leading
    /// hidden layers, nil for all). First-layer gates share every row with the reference
    /// points' first layer, so all patches are computed exactly by matrix products in chunks
    /// of reference points; deeper gates go patch by patch.
    public func closingGammas(patches: [[ActivationPattern]], gateLayers: Int?) -> [Result] {
        guard gateLayers == 1, let n1 = network.hiddenWidths.first, n1 > 0 else {
            return patches.map { closingGamma(members: $0, gateLayers: gateLayers) }
        }
        let members = patches.flatMap { $0 }
        let violations = FirstLayerViolations(members: members, width: n1)
        var smallest = [Double](repeating: .infinity, count: members.count)
        var inside = [Set<Int>](repeating: [], count: members.count)
        let chunk = violations.chunk(points: count)
        var start = 0
        while start < count {
            let end = min(count, start + chunk), width = end - start
            let sums = violations.sums(firstLayer: firstLayer[(start * n1)..<(end * n1)], points: width)
            for s in members.indices {
                for r in 0..<width {
                    let v = sums[s * width + r]
                    if v == 0 { inside[s].insert(start + r) } else if v < smallest[s] { smallest[s] = v }
                }
            }
            start = end
        }
        var results = [Result]()
        var first = 0
        for patch in patches {
            let range = first..<(first + patch.count)
            first = range.upperBound
            let least = range.map { smallest[$0] }.min() ?? .infinity
            results.append(Result(closing: least.isFinite ? 1 / least : nil,
                                  insideRegions: range.reduce(into: Set<Int>()) { $0.formUnion(inside[$1]) }.sorted()))
        }
        return results
    }

    /// The closing γ over all members. A point's closing γ is 1/Σ_i v_i over all region rows;
    /// the first layer alone gives an upper bound (fewer rows, smaller sum), so points are
    /// refined with their full violations in decreasing order of that bound, stopping as soon
    /// as the bound cannot beat the best exact value found. Refinement runs in growing batches
    /// (one matrix product per layer for each batch instead of one pass per point); a batch
    /// may compute a few points past the stop, whose results are discarded.
    /// With `gateLayers`, only the gate's rows count (the first rows of each pattern).
    public func closingGamma(members: [ActivationPattern], gateLayers: Int? = nil) -> Result {
        let rows = Patch.gateRowCount(gateLayers: gateLayers, hiddenWidths: network.hiddenWidths)
        let n1 = network.hiddenWidths.first ?? 0
        let n = network.hiddenCount
        let m = network.featureCount
        var worst: Double? = nil
        var inside = Set<Int>()
        var x = [Double](), pre = [Double](), logits = [Double](), scratch = PatternFixedScratch()
        for member in members {
            let masks = PatternMasks([member], width: n)
            // v_i = −s_i z_i: the violation of row i (positive outside the region).
            let flip = masks.signs.map { -$0 }
            var upper = [(point: Int, gamma: Double)]()
            upper.reserveCapacity(count)
            for r in 0..<count {
                var sum = 0.0
                for i in 0..<n1 {
                    let v = firstLayer[r * n1 + i] * flip[i]
                    if v > 0 { sum += v }
                }
                upper.append((r, sum > 0 ? 1 / sum : .infinity))
            }
            upper.sort { $0.gamma > $1.gamma || ($0.gamma == $1.gamma && $0.point < $1.point) }
            var best = worst ?? 0
            var start = 0, batch = 8
            refine: while start < upper.count && upper[start].gamma > best {
                let end = min(upper.count, start + batch)
                x.removeAll(keepingCapacity: true)
                for (r, _) in upper[start..<end] { x += features[(r * m)..<((r + 1) * m)] }
                network.patternFixedForward(masks: masks, features: x, count: end - start,
                                            preactivations: &pre, logits: &logits, scratch: &scratch)
                for (q, (r, bound)) in upper[start..<end].enumerated() {
                    if bound <= best { break refine }
                    var sum = 0.0
                    for i in 0..<rows {
                        let v = pre[q * n + i] * flip[i]
                        if v > 0 { sum += v }
                    }
                    if sum > 0 {
                        best = max(best, 1 / sum)
                    } else {
                        inside.insert(r)
                    }
                }
                start = end
                batch = min(2 * batch, 256)
            }
            if best > 0 { worst = max(worst ?? 0, best) }
        }
        return Result(closing: worst, insideRegions: inside.sorted())
    }
}
