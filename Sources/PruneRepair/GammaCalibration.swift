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

    /// The closing γ over all members. A point's closing γ is 1/Σ_i v_i over all region rows;
    /// the first layer alone gives an upper bound (fewer rows, smaller sum), so points are
    /// refined with their full violations in decreasing order of that bound, stopping as soon
    /// as the bound cannot beat the best exact value found. Refinement runs in growing batches
    /// (one matrix product per layer for each batch instead of one pass per point); a batch
    /// may compute a few points past the stop, whose results are discarded.
    public func closingGamma(members: [ActivationPattern]) -> Result {
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
                    for i in 0..<n {
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
