import PruneBLAS
import PruneLP
import PruneModel

extension GateSeparation {
    /// The best weights and multipliers for one (region S, member π′) pair by linear
    /// programming: max −Σ t_i subject to v′_i(x) − t_i ≤ 0 (π′'s rows), S's rows, x ∈ X and
    /// t ≥ 0. Its optimum is −min over S ∩ X of Σ_i max(0, v′_i), and its Lagrangian is the
    /// separation bound U(ω, y) with ω the duals of π′'s rows (≤ 1, since each t_i costs 1)
    /// and y those of S's rows. For the pairs the first-order search leaves open; the result is
    /// a certificate like any other, re-evaluated rigorously before it is claimed. Only the
    /// first `gateRows` rows of π′ (its gate's) take part.
    public static func exactWeights(network: Network, box: InputBox, region: ActivationPattern, member: ActivationPattern,
                                    gateRows: Int? = nil,
                                    options: LPSolveOptions = LPSolveOptions()) throws -> (weights: [Double], multipliers: [Double]) {
        let n = network.hiddenCount, m = network.featureCount
        let g = min(n, gateRows ?? n)
        let (a, b) = LinearRegion(network: network, pattern: region).constraints()
        let (aMember, bMember) = LinearRegion(network: network, pattern: member).constraints()
        var variables = (0..<m).map { LPVariable(lower: box.lower[$0], upper: box.upper[$0]) }
        variables += [LPVariable](repeating: LPVariable(lower: 0, upper: .infinity), count: g)
        var rows = [LPRow]()
        rows.reserveCapacity(g + n)
        for i in 0..<g {
            var terms = (0..<m).compactMap { c in aMember[i * m + c] != 0 ? LPTerm(c, aMember[i * m + c]) : nil }
            terms.append(LPTerm(m + i, -1))
            rows.append(LPRow(sparse: terms, upper: bMember[i]))
        }
        for k in 0..<n { rows.append(LPRow(dense: Array(a[(k * m)..<((k + 1) * m)]) + [Double](repeating: 0, count: g), upper: b[k])) }
        let objective = [Double](repeating: 0, count: m) + [Double](repeating: -1, count: g)
        // One BLAS thread: CLP's LU factorisations then round the same on every machine, so the
        // duals (and the proofs built on them) do not depend on the number of cores.
        let solution = try BLAS.withThreads(1) {
            try LinearProgram(sense: .maximize, objective: objective, variables: variables, rows: rows).solve(options)
        }
        guard solution.status == .optimal else { throw RepairError.boundNotOptimal(status: "\(solution.status)") }
        let weights = solution.rowDuals[0..<g].map { min(1, max(0, $0)) } + [Double](repeating: 0, count: n - g)
        let multipliers = solution.rowDuals[g..<(g + n)].map { max(0, $0) }
        return (weights, Array(multipliers))
    }
}
