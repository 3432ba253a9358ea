import PruneLP
import XCTest

/// The use later code depends on: for "maximise wᵀx s.t. Ax ≤ b, 0 ≤ x ≤ u" the row duals y
/// and reduced costs d certify the optimum. For every feasible x,
///   wᵀx = yᵀAx + dᵀx ≤ yᵀb + Σⱼ max(0, dⱼ)·uⱼ      (needs y ≥ 0 and w = Aᵀy + d),
/// and at the optimum that bound is attained.
final class DualCertificateTests: XCTestCase {
    func testRandomPackingProgramsCarryAValidDualCertificate() throws {
        for seed: UInt64 in [1, 2, 3, 4, 5] {
            let generated = RandomPackingProgram(rows: 30, variables: 20, seed: seed)
            let solution = try generated.dense.solve()
            XCTAssertEqual(solution.status, .optimal)
            let y = solution.rowDuals, d = solution.reducedCosts
            let a = generated.matrix, w = generated.weights

            XCTAssertTrue(y.allSatisfy { $0 >= -1e-9 }, "seed \(seed): negative dual in \(y)")
            XCTAssertTrue(y.contains { $0 > 1e-6 }, "seed \(seed): no binding row, a weak test")
            for j in w.indices {
                let aty = a.indices.reduce(0.0) { $0 + a[$1][j] * y[$1] }
                XCTAssertEqual(aty + d[j], w[j], accuracy: 1e-9, "seed \(seed), column \(j)")
            }
            let bound = zip(generated.rightHandSides, y).reduce(0) { $0 + $1.0 * $1.1 }
                + d.reduce(0) { $0 + max(0, $1) * RandomPackingProgram.boxUpper }
            let achieved = zip(w, solution.primal).reduce(0) { $0 + $1.0 * $1.1 }
            XCTAssertEqual(bound, solution.objective, accuracy: 1e-7, "seed \(seed)")
            XCTAssertEqual(achieved, solution.objective, accuracy: 1e-7, "seed \(seed)")
            for (i, row) in a.enumerated() {
                let activity = zip(row, solution.primal).reduce(0) { $0 + $1.0 * $1.1 }
                XCTAssertLessThanOrEqual(activity, generated.rightHandSides[i] + 1e-7, "seed \(seed), row \(i)")
            }
        }
    }

    func testSparseAndDenseFormulationsGiveTheSameAnswer() throws {
        let generated = RandomPackingProgram(rows: 50, variables: 40, seed: 17, density: 0.2)
        let dense = try generated.dense.solve()
        let sparse = try generated.sparse.solve()
        XCTAssertEqual(dense.status, .optimal)
        // The same CSC matrix reaches CLP either way, so the results are bit-identical.
        XCTAssertEqual(dense, sparse)
    }
}
