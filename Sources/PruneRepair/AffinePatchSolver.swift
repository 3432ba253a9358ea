import PruneBLAS
import PruneLP
import PruneModel

/// REASSURE's minimal affine patch (method.md §5.2): the p(x) = c·x + d with the smallest
/// H = max over S ∩ X of ‖c·x + d‖∞ such that the target t wins on the whole region by τ,
///
///     minimise H  subject to  (e_j − e_t)ᵀ((F₁ + c)x + F₂ + d) ≤ −τ   and   |c_k x + d_k| ≤ H
///                             for every x ∈ S ∩ X, every j ≠ t and every class k.
///
/// Each "for every x" is replaced by its LP dual: max over {Ax ≤ b, l ≤ x ≤ u} of vᵀx ≤ β
/// holds iff some y ≥ 0, v⁺ ≥ 0, v⁻ ≥ 0 have Aᵀy + v⁺ − v⁻ = v and bᵀy + uᵀv⁺ − lᵀv⁻ ≤ β
/// (the box rows' duals are v⁺ and v⁻). That gives one finite LP in (c, d, H) and one dual
/// block per constraint: 2C for |c_k x + d_k| ≤ H and C − 1 for the spec rows, each with
/// N + 2m non-negative variables and m equality rows. The spec blocks' y are region-wide
/// certificates of the patched rows.
///
/// In this norm the affine freedom buys nothing: the constant offset (`OffsetSolver`, c = 0)
/// with exact bounds is feasible, so H ≤ its ‖d‖∞ = (M_j + τ)/2 for the worst row j; and at
/// that row's maximiser x* every patch needs p_t(x*) − p_j(x*) ≥ M_j + τ, so H ≥ ‖p(x*)‖∞ ≥
/// (M_j + τ)/2. The two sizes are equal (`AffinePatchTests`, `prune bench patch-size`), while
/// the LP has (3C − 1)(N + 2m) dense variables: the constant patch is the default, and this
/// solver is the reference it is measured against.
public struct AffinePatch: Sendable, Equatable {
    /// c, C × m row-major, in model-input coordinates.
    public let linear: [Double]
    /// d, C values.
    public let offset: [Double]
    /// H: the LP optimum, max over S ∩ X of ‖c·x + d‖∞ (up to the solver's tolerance).
    public let size: Double
    /// y ≥ 0 of the region rows for each spec row j ≠ t, in class order (C − 1 vectors of N).
    public let multipliers: [[Double]]
    public let iterations: Int
}

public enum AffinePatchSolver {
    public static func solve(region: LinearRegion, box: InputBox, target t: Int, margin tau: Double,
                             options: LPSolveOptions = LPSolveOptions()) throws -> AffinePatch {
        let network = region.network
        let (n, m, c) = (network.hiddenCount, network.featureCount, network.outputCount)
        precondition((0..<c).contains(t) && tau >= 0 && box.count == m)
        let (a, b) = region.constraints()
        let (f1, f2) = region.affineMap()
        let specClasses = (0..<c).filter { $0 != t }
        let blocks = 2 * c + specClasses.count
        let blockWidth = n + 2 * m
        func y(_ block: Int, _ i: Int) -> Int { block * blockWidth + i }
        func vPlus(_ block: Int, _ k: Int) -> Int { block * blockWidth + n + k }
        func vMinus(_ block: Int, _ k: Int) -> Int { block * blockWidth + n + m + k }
        let cBase = blocks * blockWidth
        func cVar(_ j: Int, _ k: Int) -> Int { cBase + j * m + k }
        func dVar(_ j: Int) -> Int { cBase + c * m + j }
        let hVar = cBase + c * m + c

        var variables = [LPVariable](repeating: .nonNegative, count: cBase)
        variables += [LPVariable](repeating: .free, count: c * m + c)
        variables.append(.nonNegative)
        var objective = [Double](repeating: 0, count: variables.count)
        objective[hVar] = 1

        // Column k of A, sparse: the equality rows read Aᵀy one input coordinate at a time.
        var columns = [[LPTerm]](repeating: [], count: m)
        for i in 0..<n {
            for k in 0..<m where a[i * m + k] != 0 { columns[k].append(LPTerm(i, a[i * m + k])) }
        }
        var rows = [LPRow]()
        rows.reserveCapacity(blocks * (m + 1))
        // Block `block` bounds the objective v(x) = Σ_k (coefficients of c, d) + constant over S ∩ X.
        func addBlock(_ block: Int, linear: [(class: Int, sign: Double)], constantGradient: (Int) -> Double,
                      offset: [(class: Int, sign: Double)], withH: Bool, rhs: Double) {
            for k in 0..<m {
                var terms = columns[k].map { LPTerm(y(block, $0.index), $0.value) }
                terms.append(LPTerm(vPlus(block, k), 1))
                terms.append(LPTerm(vMinus(block, k), -1))
                for (j, s) in linear { terms.append(LPTerm(cVar(j, k), -s)) }
                let value = constantGradient(k)
                rows.append(LPRow(sparse: terms, lower: value, upper: value))
            }
            var terms = (0..<n).compactMap { b[$0] == 0 ? nil : LPTerm(y(block, $0), b[$0]) }
            for k in 0..<m {
                if box.upper[k] != 0 { terms.append(LPTerm(vPlus(block, k), box.upper[k])) }
                if box.lower[k] != 0 { terms.append(LPTerm(vMinus(block, k), -box.lower[k])) }
            }
            for (j, s) in offset { terms.append(LPTerm(dVar(j), s)) }
            if withH { terms.append(LPTerm(hVar, -1)) }
            rows.append(LPRow(sparse: terms, upper: rhs))
        }
        for j in 0..<c {
            // c_j x + d_j ≤ H and −(c_j x + d_j) ≤ H on S ∩ X.
            addBlock(j, linear: [(j, 1)], constantGradient: { _ in 0 }, offset: [(j, 1)], withH: true, rhs: 0)
            addBlock(c + j, linear: [(j, -1)], constantGradient: { _ in 0 }, offset: [(j, -1)], withH: true, rhs: 0)
        }
        for (r, j) in specClasses.enumerated() {
            // (e_j − e_t)ᵀ((F₁ + c)x + F₂ + d) ≤ −τ on S ∩ X.
            addBlock(2 * c + r, linear: [(j, 1), (t, -1)], constantGradient: { k in f1[j * m + k] - f1[t * m + k] },
                     offset: [(j, 1), (t, -1)], withH: false, rhs: -tau - (f2[j] - f2[t]))
        }
        let lp = LinearProgram(sense: .minimize, objective: objective, variables: variables, rows: rows)
        let solution = try BLAS.withThreads(1) { try lp.solve(options) }
        guard solution.status == .optimal else { throw RepairError.boundNotOptimal(status: "\(solution.status)") }
        let x = solution.primal
        return AffinePatch(
            linear: (0..<(c * m)).map { x[cBase + $0] },
            offset: (0..<c).map { x[dVar($0)] },
            size: x[hVar],
            multipliers: specClasses.indices.map { r in (0..<n).map { max(0, x[y(2 * c + r, $0)]) } },
            iterations: solution.iterations)
    }
}
