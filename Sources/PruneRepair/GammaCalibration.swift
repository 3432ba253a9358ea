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
        // Only the first layer: the deeper layers' rows are evaluated later, at candidate points.
        let firstLayer = try network.firstLayerPreactivations(referenceFeatures)
        self.firstLayer = network.layers.count > 1 ? firstLayer : []
        self.count = firstLayer.count / network.layers[0].outputs
    }

    public struct Result: Sendable, Equatable {
        /// The smallest γ that closes the gate at every reference point outside the regions
        /// (nil when there is no such point).
        public let closing: Double?
        /// Reference points lying inside a member region: no γ can keep the patch off them.
        public let insideRegions: [Int]
    }

    /// The closing γ of each patch (its member regions, with gates over `gateLayers` leading
    /// hidden layers, nil for all). Every member's first-layer violation sum at every reference
    /// point is one matrix product (the first layer is the same for every pattern). For
    /// first-layer gates that sum is the gate's; deeper gates refine it member by member
    /// (`refine`), only at the points whose first-layer sum could still be the smallest.
    public func closingGammas(patches: [[ActivationPattern]], gateLayers: Int?) -> [Result] {
        guard let n1 = network.hiddenWidths.first, n1 > 0 else {
            return patches.map { closingGamma(members: $0, gateLayers: gateLayers) }
        }
        let members = patches.flatMap { $0 }
        var smallest = [Double](repeating: .infinity, count: members.count)
        var inside = [Set<Int>](repeating: [], count: members.count)
        if gateLayers == 1 {
            let violations = FirstLayerViolations(members: members, width: n1)
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
        } else {
            // Blocks of members whose sums at every point stay near 32 MB (refinement needs a
            // member's sums at every point). First-layer gates above keep points as the outer
            // loop instead: one split of each chunk for all members. Folding them into these
            // member blocks took class 5's calibration from 5.2 s to 23.05 s.
            let rows = Patch.gateRowCount(gateLayers: gateLayers, hiddenWidths: network.hiddenWidths)
            let block = max(1, (1 << 22) / max(1, count))
            for first in stride(from: 0, to: members.count, by: block) {
                let last = min(members.count, first + block), width = last - first
                let violations = FirstLayerViolations(members: Array(members[first..<last]), width: n1)
                // The products in chunks of points, so their split inputs stay small too.
                var sums = [Double](repeating: 0, count: width * count)
                let chunk = violations.chunk(points: count)
                for start in stride(from: 0, to: count, by: chunk) {
                    let end = min(count, start + chunk)
                    let part = violations.sums(firstLayer: firstLayer[(start * n1)..<(end * n1)], points: end - start)
                    for b in 0..<width {
                        for r in 0..<(end - start) { sums[b * count + start + r] = part[b * (end - start) + r] }
                    }
                }
                for s in first..<last {
                    (smallest[s], inside[s]) = refine(member: members[s], rows: rows,
                                                      firstLayerSums: sums[((s - first) * count)..<((s - first + 1) * count)])
                }
            }
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

    /// A member's smallest violation sum over its gate's first `rows` rows at the reference
    /// points outside its region (∞ if none), and the points inside it. The first-layer sum
    /// bounds the full one from below, so only the points whose first-layer sum is zero (they
    /// may be inside) or below the full sum of the point with the smallest positive one can
    /// set the minimum: those are refined in increasing order of first-layer sum, in growing
    /// batches (one pattern-fixed pass each), until the next one cannot beat the best found.
    func refine(member: ActivationPattern, rows: Int, firstLayerSums sums: ArraySlice<Double>) -> (least: Double, inside: Set<Int>) {
        let n = network.hiddenCount, m = network.featureCount
        let masks = PatternMasks([member], width: n)
        // v_i = −s_i z_i: the violation of row i (positive outside the region).
        let flip = masks.signs.map { -$0 }
        var x = [Double](), pre = [Double](), logits = [Double](), scratch = PatternFixedScratch()
        func fullSums(_ points: ArraySlice<Int>) -> [Double] {
            x.removeAll(keepingCapacity: true)
            for r in points { x += features[(r * m)..<((r + 1) * m)] }
            network.patternFixedForward(masks: masks, features: x, count: points.count,
                                        preactivations: &pre, logits: &logits, scratch: &scratch)
            return points.indices.map { q in
                let base = (q - points.startIndex) * n
                var sum = 0.0
                for i in 0..<rows {
                    let v = pre[base + i] * flip[i]
                    if v > 0 { sum += v }
                }
                return sum
            }
        }
        let base = sums.startIndex
        var least = Double.infinity, inside = Set<Int>()
        var lowest = -1
        for r in 0..<count where sums[base + r] > 0 && (lowest < 0 || sums[base + r] < sums[base + lowest]) { lowest = r }
        if lowest >= 0 {
            let full = fullSums([lowest])[0]
            if full > 0 { least = full } else { inside.insert(lowest) }
        }
        // A hair of slack: the product's rounding differs from the refinement's.
        let cut = least * (1 + 1e-12)
        var candidates = (0..<count).filter { $0 != lowest && sums[base + $0] < cut }
        candidates.sort { (sums[base + $0], $0) < (sums[base + $1], $1) }
        var start = 0, batch = 8
        refining: while start < candidates.count {
            let end = min(candidates.count, start + batch)
            let totals = fullSums(candidates[start..<end])
            for (q, r) in candidates[start..<end].enumerated() {
                if sums[base + r] > 0 && sums[base + r] > least * (1 + 1e-12) { break refining }
                if totals[q] > 0 { least = min(least, totals[q]) } else { inside.insert(r) }
            }
            start = end
            batch = min(2 * batch, 256)
        }
        return (least, inside)
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
