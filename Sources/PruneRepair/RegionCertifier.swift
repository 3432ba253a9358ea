import PruneModel

/// How region bounds M_j are computed.
public enum BoundMode: String, Sendable, CaseIterable {
    /// First-order minimisation of the dual bound (no LP): sound, close to exact, fast.
    case fast
    /// One CLP linear program per spec row: the exact maximum and its optimal duals.
    case exact
}

/// The certificate of "target t wins on region S" before the patch: for every j ≠ t, an upper
/// bound M_j on max over S ∩ X of f_j − f_t, and the multipliers y_j ≥ 0 that prove it
/// through `DualBound` (no LP needed to check).
public struct RegionCertificate: Sendable, Equatable {
    public let pattern: ActivationPattern
    public let target: Int
    /// M_j for every logit j (the entry at `target` is 0 and unused).
    public let bounds: [Double]
    /// y_j for every logit j (N each, row-major C × N; the target's row is all zero).
    public let multipliers: [Double]
}

/// Computes region certificates in fast or exact mode.
public struct RegionCertifier: Sendable {
    public let network: Network
    /// The box over the head's input.
    public let box: InputBox
    public let mode: BoundMode
    public let optimizer: FastDualOptimizer

    public init(network: Network, box: InputBox, mode: BoundMode = .fast, optimizer: FastDualOptimizer = FastDualOptimizer()) {
        self.network = network
        self.box = box
        self.mode = mode
        self.optimizer = optimizer
    }

    func specRows(target t: Int) -> (cotangents: [Double], logits: [Int]) {
        Self.specRows(target: t, classes: network.outputCount)
    }

    /// The cotangents e_j − e_t for every j ≠ t, stacked (C−1 rows of C), and their j: the
    /// spec rows of "t wins", for the producer and the verifier alike.
    public static func specRows(target t: Int, classes c: Int) -> (cotangents: [Double], logits: [Int]) {
        var v = [Double](), js = [Int]()
        for j in 0..<c where j != t {
            var row = [Double](repeating: 0, count: c)
            row[j] = 1
            row[t] = -1
            v += row
            js.append(j)
        }
        return (v, js)
    }

    public func certify(pattern: ActivationPattern, target t: Int) throws -> RegionCertificate {
        try certify([(pattern, t)])[0]
    }

    /// Spec rows per optimisation: enough for the matrix products to run at full speed, few
    /// enough for the working set to stay small. A class of 5,421 MNIST regions (48,789 rows)
    /// in one batch took 616 s and 4.0 GB; rows are independent, so chunks change nothing else.
    public var rowsPerBatch = 1024

    /// Certificates for many (region, target) pairs; in fast mode the spec rows of up to
    /// `rowsPerBatch` share one optimisation (one set of matrix products per step).
    public func certify(_ requests: [(pattern: ActivationPattern, target: Int)]) throws -> [RegionCertificate] {
        let perRequest = max(1, network.outputCount - 1)
        let chunk = max(1, rowsPerBatch / perRequest)
        guard requests.count > chunk else { return try certifyBatch(requests) }
        var result = [RegionCertificate]()
        result.reserveCapacity(requests.count)
        for start in stride(from: 0, to: requests.count, by: chunk) {
            result += try certifyBatch(Array(requests[start..<min(requests.count, start + chunk)]))
        }
        return result
    }

    /// Steps of the probe that finds each region's leading row.
    public var probeSteps = 25

    /// Multipliers for every row in fast mode, searching hard only where it matters. A patch
    /// depends on its regions' bounds only through their largest M_j (Δ = max_j (M_j + τ),
    /// OffsetSolver), so a short probe of every row picks each region's leading row, that row
    /// gets the full search from zero (exactly as when every row had it), and every other row
    /// searches from its probe multipliers only until its bound is at most the leading one's:
    /// below it, it cannot change Δ. A row that never gets there runs the full search too, so
    /// the largest bound, and the patch, are as tight as a full search of every row makes them.
    func fastMultipliers(_ problem: DualProblem, owner: [Int], requests: Int) -> [Double] {
        let n = network.hiddenCount, k = problem.count
        var probe = optimizer
        probe.steps = min(optimizer.steps, probeSteps)
        let probed = probe.minimize(problem)
        var lead = [Int](repeating: -1, count: requests)
        for r in 0..<k where lead[owner[r]] < 0 || probed.values[r] > probed.values[lead[owner[r]]] { lead[owner[r]] = r }
        let leaders = lead.filter { $0 >= 0 }
        let leading = optimizer.minimize(problem.rows(leaders))
        var leadValue = [Double](repeating: .infinity, count: requests)
        var ys = [Double](repeating: 0, count: k * n)
        for (q, r) in leaders.enumerated() {
            leadValue[owner[r]] = leading.values[q]
            for i in 0..<n { ys[r * n + i] = leading.multipliers[q * n + i] }
        }
        let others = (0..<k).filter { lead[owner[$0]] != $0 }
        guard !others.isEmpty else { return ys }
        let restProblem = problem.rows(others), goals = others.map { leadValue[owner[$0]] }
        let rest = optimizer.minimize(restProblem, goals: goals,
                                      initial: FastDualOptimizer.gather(probed.multipliers, rows: others, width: n))
        let sparse = Self.sparsest(restProblem, multipliers: rest.multipliers, values: rest.values, goals: goals)
        for (q, r) in others.enumerated() {
            for i in 0..<n { ys[r * n + i] = sparse[q * n + i] }
        }
        return ys
    }

    /// Certificates store their multipliers sparsely, and a row stopped early (from the probe's
    /// dense start) keeps many small ones it does not need. For each row that met its goal
    /// (`values`: its bounds with `y`), the multipliers with every entry at or below θ × the
    /// row's largest dropped, for the largest θ (1 drops them all: the box-only bound) that
    /// still meets the goal; the other rows unchanged.
    public static func sparsest(_ problem: DualProblem, multipliers y: [Double], values current: [Double],
                                goals: [Double]) -> [Double] {
        let n = problem.network.hiddenCount, k = problem.count
        var result = y
        var settled = [Bool](repeating: false, count: k)
        for theta in [1.0, 0.3, 0.1, 0.03, 0.01] {
            var trial = y
            for r in 0..<k {
                let row = (r * n)..<((r + 1) * n)
                let cut = theta * (y[row].max() ?? 0)
                for i in row where trial[i] <= cut { trial[i] = 0 }
            }
            let values = problem.evaluate(multipliers: trial).values
            for r in 0..<k where !settled[r] && current[r] <= goals[r] && values[r] <= goals[r] {
                settled[r] = true
                for i in (r * n)..<((r + 1) * n) { result[i] = trial[i] }
            }
        }
        return result
    }

    func certifyBatch(_ requests: [(pattern: ActivationPattern, target: Int)]) throws -> [RegionCertificate] {
        let (c, n) = (network.outputCount, network.hiddenCount)
        var patterns = [ActivationPattern](), v = [Double](), logits = [Int](), owner = [Int]()
        for (q, request) in requests.enumerated() {
            let rows = specRows(target: request.target)
            v += rows.cotangents
            logits += rows.logits
            owner += Array(repeating: q, count: rows.logits.count)
            patterns += Array(repeating: request.pattern, count: rows.logits.count)
        }
        guard !logits.isEmpty else { return [] }
        let problem = DualProblem(network: network, box: box, patterns: patterns, cotangents: v, count: logits.count)
        let ys: [Double]
        switch mode {
        case .fast:
            ys = fastMultipliers(problem, owner: owner, requests: requests.count)
        case .exact:
            ys = try problem.exactBounds().flatMap(\.multipliers)
        }
        // The bound is what the multipliers prove, recomputed the way a verifier will: rigorously,
        // with the rounding of the evaluation added, so offsets built on it leave room for it.
        let values = try RigorousDualBound(network: network, box: box).upperBounds(problem, multipliers: ys)
        var bounds = requests.map { _ in [Double](repeating: 0, count: c) }
        var multipliers = requests.map { _ in [Double](repeating: 0, count: c * n) }
        for r in 0..<logits.count {
            let (q, j) = (owner[r], logits[r])
            bounds[q][j] = values[r]
            for i in 0..<n { multipliers[q][j * n + i] = ys[r * n + i] }
        }
        return requests.indices.map {
            RegionCertificate(pattern: requests[$0].pattern, target: requests[$0].target,
                              bounds: bounds[$0], multipliers: multipliers[$0])
        }
    }
}
