import PruneLP
import XCTest

/// Outcomes other than an optimum are statuses, not errors.
final class SolveStatusTests: XCTestCase {
    func testContradictoryRowsAreInfeasible() throws {
        let program = LinearProgram(sense: .minimize, objective: [1, 1], variables: [.nonNegative, .nonNegative],
                                    rows: [LPRow(dense: [1, 1], upper: 1), LPRow(dense: [1, 1], lower: 2)])
        for algorithm in [LPAlgorithm.automatic, .primalSimplex, .dualSimplex] {
            XCTAssertEqual(try program.solve(LPSolveOptions(algorithm: algorithm)).status, .infeasible, "\(algorithm)")
        }
    }

    /// max x + y with only x − y ≤ 1: y grows without limit.
    func testOpenDirectionIsUnbounded() throws {
        let program = LinearProgram(sense: .maximize, objective: [1, 1], variables: [.nonNegative, .nonNegative],
                                    rows: [LPRow(dense: [1, -1], upper: 1)])
        for algorithm in [LPAlgorithm.automatic, .primalSimplex, .dualSimplex] {
            XCTAssertEqual(try program.solve(LPSolveOptions(algorithm: algorithm)).status, .unbounded, "\(algorithm)")
        }
    }

    /// A dense random program needs dozens of pivots; one allowed pivot must stop early, the
    /// same way every run.
    func testIterationLimitStopsTheSolve() throws {
        let program = RandomPackingProgram(rows: 40, variables: 40, seed: 3).dense
        let unlimited = try program.solve(LPSolveOptions(algorithm: .primalSimplex))
        XCTAssertEqual(unlimited.status, .optimal)
        XCTAssertGreaterThan(unlimited.iterations, 5)
        let limited = LPSolveOptions(iterationLimit: 1, algorithm: .primalSimplex)
        let first = try program.solve(limited)
        XCTAssertEqual(first.status, .iterationLimit)
        XCTAssertEqual(try program.solve(limited), first)
    }

    func testSolvesAreDeterministic() throws {
        let program = RandomPackingProgram(rows: 60, variables: 50, seed: 99, density: 0.3).dense
        let first = try program.solve()
        for _ in 0..<3 { XCTAssertEqual(try program.solve(), first) }
    }

    func testBadOptionsAreRefused() {
        let program = LinearProgram(sense: .minimize, objective: [1], variables: [.nonNegative], rows: [])
        for options in [LPSolveOptions(iterationLimit: -1), LPSolveOptions(timeLimitSeconds: 0),
                        LPSolveOptions(timeLimitSeconds: .nan), LPSolveOptions(primalTolerance: -1)] {
            XCTAssertThrowsError(try program.solve(options)) { error in
                XCTAssertEqual((error as? LPError)?.code, "lp.invalid-options")
            }
        }
    }
}
