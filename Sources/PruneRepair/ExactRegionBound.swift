import PruneCore
import PruneLP
import PruneModel

/// The exact maximum of vᵀf(x) over S ∩ X by linear programming (CLP), with the optimal dual
/// multipliers of the region rows: the tightest certificate, and the one REASSURE's patch
/// minimality rests on.
public struct ExactRegionBound: Sendable {
    /// max over S ∩ X of vᵀ(F₁x + F₂).
    public let value: Double
    /// Duals y ≥ 0 of the region rows (N), usable with `DualProblem.evaluate`.
    public let multipliers: [Double]
    /// The maximiser found by the solver.
    public let maximizer: [Double]
    public let iterations: Int
}

extension LinearRegion {
    /// Solves one LP per cotangent (rows of `v`, k × C) over S ∩ `box`.
    public func exactBounds(cotangents v: [Double], count k: Int, box: InputBox,
                            options: LPSolveOptions = LPSolveOptions()) throws -> [ExactRegionBound] {
        let (a, b) = constraints()
        let (f1, f2) = affineMap()
        let (n, m, c) = (rowCount, network.featureCount, network.outputCount)
        var rows = [LPRow]()
        rows.reserveCapacity(n)
        for i in 0..<n { rows.append(LPRow(dense: Array(a[(i * m)..<((i + 1) * m)]), upper: b[i])) }
        let variables = (0..<m).map { LPVariable(lower: box.lower[$0], upper: box.upper[$0]) }
        var results = [ExactRegionBound]()
        for r in 0..<k {
            var objective = [Double](repeating: 0, count: m)
            var constant = 0.0
            for j in 0..<c where v[r * c + j] != 0 {
                let w = v[r * c + j]
                for col in 0..<m { objective[col] += w * f1[j * m + col] }
                constant += w * f2[j]
            }
            let lp = LinearProgram(sense: .maximize, objective: objective, variables: variables, rows: rows)
            let solution = try lp.solve(options)
            guard solution.status == .optimal else { throw RepairError.boundNotOptimal(status: "\(solution.status)") }
            results.append(ExactRegionBound(value: solution.objective + constant,
                                            multipliers: solution.rowDuals.map { max(0, $0) },
                                            maximizer: solution.primal, iterations: solution.iterations))
        }
        return results
    }
}
