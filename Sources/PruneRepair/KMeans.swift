import PruneCore

/// Seeded k-means++ clustering (Arthur & Vassilvitskii) followed by Lloyd iterations, used
/// to group forgotten points so that one patch can cover several of them.
public enum KMeans {
    /// Cluster assignments (0..<k) of `count` points of dimension `dim` (row-major), and the
    /// centroids (k × dim). Deterministic for a seed; ties go to the lowest cluster index.
    public static func cluster(_ points: [Double], count: Int, dim: Int, k: Int, seed: UInt64,
                               iterations: Int = 20) -> (assignment: [Int], centroids: [Double]) {
        precondition(count > 0 && k > 0 && points.count == count * dim)
        let k = min(k, count)
        var rng = SeededGenerator(seed: seed)
        func distance(_ a: Int, _ centroids: [Double], _ c: Int) -> Double {
            var s = 0.0
            for d in 0..<dim {
                let diff = points[a * dim + d] - centroids[c * dim + d]
                s += diff * diff
            }
            return s
        }
        // k-means++ seeding: each next centre drawn with probability ∝ squared distance.
        var centroids = [Double]()
        let firstIndex = rng.index(below: count)
        centroids += points[(firstIndex * dim)..<((firstIndex + 1) * dim)]
        var nearest = (0..<count).map { distance($0, centroids, 0) }
        while centroids.count / dim < k {
            let total = nearest.reduce(0, +)
            var chosen = 0
            if total > 0 {
                var r = rng.unit() * total
                for i in 0..<count {
                    r -= nearest[i]
                    if r < 0 { chosen = i; break }
                    chosen = i
                }
            } else {
                chosen = rng.index(below: count)
            }
            let c = centroids.count / dim
            centroids += points[(chosen * dim)..<((chosen + 1) * dim)]
            for i in 0..<count { nearest[i] = min(nearest[i], distance(i, centroids, c)) }
        }
        var assignment = [Int](repeating: 0, count: count)
        for _ in 0..<iterations {
            var changed = false
            for i in 0..<count {
                var best = 0, bestDistance = Double.infinity
                for c in 0..<k {
                    let d = distance(i, centroids, c)
                    if d < bestDistance { bestDistance = d; best = c }
                }
                if assignment[i] != best { assignment[i] = best; changed = true }
            }
            var sums = [Double](repeating: 0, count: k * dim), sizes = [Int](repeating: 0, count: k)
            for i in 0..<count {
                sizes[assignment[i]] += 1
                for d in 0..<dim { sums[assignment[i] * dim + d] += points[i * dim + d] }
            }
            for c in 0..<k where sizes[c] > 0 {
                for d in 0..<dim { centroids[c * dim + d] = sums[c * dim + d] / Double(sizes[c]) }
            }
            if !changed { break }
        }
        return (assignment, centroids)
    }
}
