import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class RigorousDualBoundTests: XCTestCase {
    /// The rigorous bound is never below the floating-point one, exceeds it only by a
    /// rounding-sized amount, and still bounds every sampled point of the region.
    func testRigorousBoundIsSlightlyAboveTheComputedOneAndSound() throws {
        var rng = SeededGenerator(seed: 31)
        for trial in 0..<10 {
            let net = try randomNetwork([6, 12, 9, 4], seed: 700 + UInt64(trial))
            let region = try LinearRegion(network: net, containing: randomPoint(6, &rng))
            let v: [Double] = [1, -1, 0, 0]
            let problem = DualProblem(region: region, box: net.input.box, cotangents: v, count: 1)
            let exact = try problem.exactBounds()[0]
            let computed = problem.evaluate(multipliers: exact.multipliers).values[0]
            let rigorous = try RigorousDualBound(network: net, box: net.input.box).upperBounds(problem, multipliers: exact.multipliers)[0]
            XCTAssertGreaterThan(rigorous, computed)
            XCTAssertLessThan(rigorous - computed, 1e-10 * max(1, abs(computed)), "the rounding allowance is tiny")
            for _ in 0..<200 {
                let x = randomPoint(6, &rng)
                guard region.contains(x) else { continue }
                let logits = try net.logits(x)
                XCTAssertLessThanOrEqual(logits[0] - logits[1], rigorous)
            }
        }
    }

    /// A claim that holds for the naive floating-point value but not once rounding is
    /// accounted for is rejected: a threshold placed between the computed bound and the
    /// rigorous bound passes the naive check and fails the rigorous one.
    func testClaimsWithinTheRoundingErrorAreRejected() throws {
        var rng = SeededGenerator(seed: 32)
        let net = try randomNetwork([5, 10, 3], seed: 710)
        let region = try LinearRegion(network: net, containing: randomPoint(5, &rng))
        let problem = DualProblem(region: region, box: net.input.box, cotangents: [0, 1, -1], count: 1)
        let y = try problem.exactBounds()[0].multipliers
        let computed = problem.evaluate(multipliers: y).values[0]
        let rigorous = try RigorousDualBound(network: net, box: net.input.box).upperBounds(problem, multipliers: y)[0]
        let threshold = computed + (rigorous - computed) / 2   // "claim: max ≤ threshold"
        XCTAssertLessThanOrEqual(computed, threshold, "the naive check would accept")
        XCTAssertGreaterThan(rigorous, threshold, "the rigorous check must not")
    }

    func testGammaGrowsWithTheNumberOfOperations() {
        XCTAssertEqual(RoundingBound.gamma(1), 0x1p-53 / (1 - 0x1p-53), accuracy: 1e-30)
        XCTAssertLessThan(RoundingBound.gamma(10), RoundingBound.gamma(1000))
        XCTAssertEqual(RoundingBound.gamma(Int(1) << 54), .infinity)
        XCTAssertGreaterThan(RoundingBound.upper(1, magnitude: 100, operations: 50), 1)
        XCTAssertLessThan(RoundingBound.lower(1, magnitude: 100, operations: 50), 1)
    }
}
