import PruneLP
import XCTest

/// Small programs whose optimum and duals are worked out by hand in the comments.
final class KnownOptimaTests: XCTestCase {
    private let tolerance = 1e-9

    /// Hillier–Lieberman "Wyndor": max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18, x, y ≥ 0.
    /// Optimum 36 at (2, 6). Rows 2 and 3 bind: solving [0 2; 3 2]ᵀ y = (3, 5) gives
    /// y = (0, 1.5, 1); nondegenerate, so the duals are unique.
    func testMaximisationDualsAreNonNegativeSensitivities() throws {
        let program = LinearProgram(
            sense: .maximize, objective: [3, 5], variables: [.nonNegative, .nonNegative],
            rows: [LPRow(dense: [1, 0], upper: 4), LPRow(dense: [0, 2], upper: 12), LPRow(dense: [3, 2], upper: 18)])
        for algorithm in [LPAlgorithm.automatic, .primalSimplex, .dualSimplex] {
            try assertWyndorSolution(try program.solve(LPSolveOptions(algorithm: algorithm)))
        }
    }

    private func assertWyndorSolution(_ solution: LPSolution) throws {
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, 36, accuracy: tolerance)
        assertEqual(solution.primal, [2, 6])
        assertEqual(solution.rowDuals, [0, 1.5, 1])
        assertEqual(solution.reducedCosts, [0, 0])
        assertEqual(solution.rowActivities, [2, 12, 18])
    }

    /// The brief's example: max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3 → 11 at (3, 1).
    /// All three rows bind at (3, 1), so the duals are not unique (e.g. (2, 0, 1) or
    /// (0, 2/3, 7/3)); whichever CLP picks must be a valid certificate: y ≥ 0, Aᵀy = c, bᵀy = 11.
    func testDegenerateMaximisationGivesACertificate() throws {
        let a: [[Double]] = [[1, 1], [1, 3], [1, 0]]
        let b: [Double] = [4, 6, 3]
        let program = LinearProgram(sense: .maximize, objective: [3, 2], variables: [.nonNegative, .nonNegative],
                                    rows: zip(a, b).map { LPRow(dense: $0.0, upper: $0.1) })
        let solution = try program.solve()
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, 11, accuracy: tolerance)
        assertEqual(solution.primal, [3, 1])
        XCTAssertTrue(solution.rowDuals.allSatisfy { $0 >= -tolerance }, "\(solution.rowDuals)")
        for j in 0..<2 {
            let aty = (0..<3).reduce(0.0) { $0 + a[$1][j] * solution.rowDuals[$1] }
            XCTAssertEqual(aty, [3.0, 2.0][j], accuracy: 1e-9)
        }
        XCTAssertEqual(zip(b, solution.rowDuals).reduce(0) { $0 + $1.0 * $1.1 }, 11, accuracy: 1e-9)
    }

    /// min x + 2y s.t. x + y ≥ 3, x − y = 1, x, y ≥ 0. The equality gives x = y + 1, so
    /// 2y + 1 ≥ 3, y = 1: optimum 4 at (2, 1). Raising the ≥ bound by δ moves y by δ/2 and the
    /// objective by 1.5δ; raising the equality by ε moves the objective by −ε/2: duals (1.5, −0.5).
    func testMinimisationWithGreaterEqualAndEqualityRows() throws {
        let solution = try minimisationExample(sense: .minimize, objective: [1, 2]).solve()
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, 4, accuracy: tolerance)
        assertEqual(solution.primal, [2, 1])
        assertEqual(solution.rowDuals, [1.5, -0.5])
        assertEqual(solution.reducedCosts, [0, 0])
    }

    /// The same feasible set, maximising the negated objective: the optimum and every
    /// sensitivity flip sign, which pins down that the convention follows the objective as written.
    func testDualConventionFollowsTheObjectiveAsWritten() throws {
        let solution = try minimisationExample(sense: .maximize, objective: [-1, -2]).solve()
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, -4, accuracy: tolerance)
        assertEqual(solution.rowDuals, [-1.5, 0.5])
    }

    /// min x + y with x ≥ 1, y ≥ 2 as variable bounds only: both sit at their lower bound,
    /// so the reduced costs are the sensitivities (1, 1) and there are no rows at all.
    func testReducedCostsAtVariableBounds() throws {
        let program = LinearProgram(sense: .minimize, objective: [1, 1],
                                    variables: [LPVariable(lower: 1), LPVariable(lower: 2, upper: 5)], rows: [])
        let solution = try program.solve()
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, 3, accuracy: tolerance)
        assertEqual(solution.reducedCosts, [1, 1])
        XCTAssertEqual(solution.rowDuals, [])
    }

    /// A free variable and a one-sided ≥ row: min x s.t. x ≥ −7 (as a row), x free → −7.
    func testFreeVariableAndInfiniteBounds() throws {
        let program = LinearProgram(sense: .minimize, objective: [1], variables: [.free],
                                    rows: [LPRow(sparse: [LPTerm(0, 1)], lower: -7)])
        let solution = try program.solve()
        XCTAssertEqual(solution.status, .optimal)
        XCTAssertEqual(solution.objective, -7, accuracy: tolerance)
        assertEqual(solution.rowDuals, [1])
    }

    func testEveryAlgorithmAgreesOnTheOptimum() throws {
        let program = RandomPackingProgram(rows: 15, variables: 10, seed: 11).dense
        let objectives = try [LPAlgorithm.automatic, .primalSimplex, .dualSimplex].map { algorithm in
            try program.solve(LPSolveOptions(algorithm: algorithm)).objective
        }
        XCTAssertEqual(objectives[0], objectives[1], accuracy: 1e-7)
        XCTAssertEqual(objectives[0], objectives[2], accuracy: 1e-7)
    }

    private func minimisationExample(sense: OptimizationSense, objective: [Double]) -> LinearProgram {
        LinearProgram(sense: sense, objective: objective, variables: [.nonNegative, .nonNegative],
                      rows: [LPRow(dense: [1, 1], lower: 3), LPRow(dense: [1, -1], lower: 1, upper: 1)])
    }

    private func assertEqual(_ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a, e, accuracy: 1e-9, "\(actual) vs \(expected)", file: file, line: line)
        }
    }
}
