import XCTest
import PruneCore
import PruneLP
import PruneModel
import PruneRepair
import PruneTestSupport

final class DualBoundTests: XCTestCase {
    /// For random regions and spec rows, the LP's duals give a bound ≥ the LP optimum and
    /// within 1e-6 of it; the box-only bound is never tighter; a scaled dual is looser.
    func testLPDualsCertifyTheLPOptimum() throws {
        var rng = SeededGenerator(seed: 4)
        var strictlyTighterThanBox = 0
        for trial in 0..<15 {
            let net = try randomNetwork([5, 8, 6, 4], seed: 100 + UInt64(trial))
            let region = try LinearRegion(network: net, containing: randomPoint(5, &rng))
            let box = net.input.box
            let target = trial % 4, other = (trial + 1) % 4
            var v = [Double](repeating: 0, count: 4)
            v[other] = 1
            v[target] = -1
            let exact = try region.exactBounds(cotangents: v, count: 1, box: box)[0]
            let bound = DualBound(region: region, box: box)
            let certified = bound.evaluate(cotangents: v, multipliers: exact.multipliers, count: 1).values[0]
            XCTAssertGreaterThanOrEqual(certified, exact.value - 1e-9, "trial \(trial)")
            XCTAssertEqual(certified, exact.value, accuracy: 1e-6, "trial \(trial)")
            let boxOnly = bound.boxOnly(cotangents: v, count: 1)[0]
            XCTAssertGreaterThanOrEqual(boxOnly, exact.value - 1e-9)
            if boxOnly > exact.value + 1e-6 { strictlyTighterThanBox += 1 }
            // Sampled points of the region never exceed the bound.
            for _ in 0..<50 {
                let x = randomPoint(5, &rng)
                guard region.contains(x) else { continue }
                let logits = try net.logits(x)
                XCTAssertLessThanOrEqual(logits[other] - logits[target], certified + 1e-9)
            }
            if exact.multipliers.contains(where: { $0 > 1e-6 }) {
                let scaled = exact.multipliers.map { $0 * 1.5 }
                let looser = bound.evaluate(cotangents: v, multipliers: scaled, count: 1).values[0]
                XCTAssertGreaterThan(looser, exact.value + 1e-9, "a scaled dual must not stay tight (trial \(trial))")
            }
        }
        XCTAssertGreaterThan(strictlyTighterThanBox, 3, "region rows must matter in some trials")
    }
}
