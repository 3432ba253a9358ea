import PruneBLAS
import PruneCore
import PruneLP
import PruneModel

/// The exact maximum of a row's objective over S ∩ X by linear programming (CLP), with the
/// optimal multipliers of the region rows: the tightest certificate, and the check that the
/// fast bounds are close to optimal.
public struct ExactRegionBound: Sendable {
    /// max over S ∩ X of the row's objective.
    public let value: Double
    /// Duals y ≥ 0 of the region rows (N), usable with `DualProblem.evaluate`.
    public let multipliers: [Double]
    /// The maximiser found by the solver.
    public let maximizer: [Double]
    public let iterations: Int
}

extension DualProblem {
    /// Solves one LP per row over S_r ∩ X: maximise φ_r(x) subject to the region rows Ax ≤ b
    /// and the box. φ_r's gradient and constant come from the same pullback the dual bound uses.
    public func exactBounds(rows: [Int]? = nil, options: LPSolveOptions = LPSolveOptions()) throws -> [ExactRegionBound] {
        let (n, m, c) = (network.hiddenCount, network.featureCount, network.outputCount)
        let selected = rows ?? Array(0..<count)
        var results = [ExactRegionBound]()
        var constraintCache = [ActivationPattern: [LPRow]]()
        let variables = (0..<m).map { LPVariable(lower: box.lower[$0], upper: box.upper[$0]) }
        for r in selected {
            let pattern = self.pattern(ofRow: r)
            let single = DualProblem(network: network, box: box, patterns: [pattern],
                                     cotangents: Array(cotangents[(r * c)..<((r + 1) * c)]), count: 1,
                                     hiddenObjective: hiddenObjective.map { Array($0[(r * n)..<((r + 1) * n)]) },
                                     inputObjective: inputObjective.map { [$0[r]] })
            let (gradient, constant) = single.objectiveAffineForm()
            let rowsOfRegion: [LPRow]
            if let cached = constraintCache[pattern] {
                rowsOfRegion = cached
            } else {
                let (a, b) = LinearRegion(network: network, pattern: pattern).constraints()
                rowsOfRegion = (0..<n).map { LPRow(dense: Array(a[($0 * m)..<(($0 + 1) * m)]), upper: b[$0]) }
                constraintCache[pattern] = rowsOfRegion
            }
            let lp = LinearProgram(sense: .maximize, objective: gradient, variables: variables, rows: rowsOfRegion)
            // One BLAS thread, so that CLP's factorisations do not depend on the number of cores.
            let solution = try BLAS.withThreads(1) { try lp.solve(options) }
            guard solution.status == .optimal else { throw RepairError.boundNotOptimal(status: "\(solution.status)") }
            results.append(ExactRegionBound(value: solution.objective + constant,
                                            multipliers: solution.rowDuals.map { max(0, $0) },
                                            maximizer: solution.primal, iterations: solution.iterations))
        }
        return results
    }

    /// φ(x) = gᵀx + φ(0) for a one-row problem: g by one pullback, φ(0) by one forward pass.
    func objectiveAffineForm() -> (gradient: [Double], constant: Double) {
        let zero = [Double](repeating: 0, count: network.hiddenCount)
        var g = network.pullback(patterns: patterns, outputCotangents: cotangents, count: 1,
                                 hiddenCotangents: hiddenObjective ?? zero)
        if let affine = inputObjective?[0] { for col in g.indices { g[col] += affine.gradient[col] } }
        // U(0) − max over the box of gᵀx is φ(0).
        let boxTerm = (0..<network.featureCount).reduce(0.0) { $0 + max(g[$1] * box.lower[$1], g[$1] * box.upper[$1]) }
        return (g, boxOnly()[0] - boxTerm)
    }
}

extension LinearRegion {
    /// Solves one LP per cotangent (rows of `v`, k × C) over S ∩ `box`.
    public func exactBounds(cotangents v: [Double], count k: Int, box: InputBox,
                            options: LPSolveOptions = LPSolveOptions()) throws -> [ExactRegionBound] {
        try DualProblem(region: self, box: box, cotangents: v, count: k).exactBounds(options: options)
    }
}
