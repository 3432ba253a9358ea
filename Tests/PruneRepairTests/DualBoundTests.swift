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
            let bound = DualProblem(region: region, box: box, cotangents: v, count: 1)
            let certified = bound.evaluate(multipliers: exact.multipliers).values[0]
            XCTAssertGreaterThanOrEqual(certified, exact.value - 1e-9, "trial \(trial)")
            XCTAssertEqual(certified, exact.value, accuracy: 1e-6, "trial \(trial)")
            let boxOnly = bound.boxOnly()[0]
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
                let looser = bound.evaluate(multipliers: scaled).values[0]
                XCTAssertGreaterThan(looser, exact.value + 1e-9, "a scaled dual must not stay tight (trial \(trial))")
            }
        }
        XCTAssertGreaterThan(strictlyTighterThanBox, 3, "region rows must matter in some trials")
    }

    /// The fast optimiser gets close to the LP optimum on every row, batched over regions.
    func testFastOptimizerApproachesTheLPOptimumAcrossRegions() throws {
        var rng = SeededGenerator(seed: 12)
        let net = try randomNetwork([6, 10, 8, 3], seed: 300)
        var requests = [(pattern: ActivationPattern, target: Int)]()
        for q in 0..<4 { requests.append((try net.activationPattern(at: randomPoint(6, &rng)), q % 3)) }
        let fast = try RegionCertifier(network: net, box: net.input.box, mode: .fast).certify(requests)
        let exact = try RegionCertifier(network: net, box: net.input.box, mode: .exact).certify(requests)
        for q in 0..<4 {
            for j in 0..<3 where j != requests[q].target {
                XCTAssertGreaterThanOrEqual(fast[q].bounds[j], exact[q].bounds[j] - 1e-9)
                XCTAssertEqual(fast[q].bounds[j], exact[q].bounds[j], accuracy: 0.01 * max(1, abs(exact[q].bounds[j])))
            }
        }
        // Rows are optimised independently, so batches of one region each give the same bounds.
        var chunked = RegionCertifier(network: net, box: net.input.box, mode: .fast)
        chunked.rowsPerBatch = 2
        let alone = try chunked.certify(requests)
        XCTAssertEqual(alone.map(\.pattern), fast.map(\.pattern))
        for q in 0..<4 {
            for j in 0..<3 { XCTAssertEqual(alone[q].bounds[j], fast[q].bounds[j], accuracy: 1e-9 * max(1, abs(fast[q].bounds[j]))) }
        }
    }

    /// Any y ≥ 0 is sound: random multipliers never give a bound below a sampled maximum.
    func testRandomMultipliersAreSound() throws {
        var rng = SeededGenerator(seed: 13)
        let net = try randomNetwork([4, 7, 3], seed: 301)
        let x0 = randomPoint(4, &rng)
        let region = try LinearRegion(network: net, containing: x0)
        let problem = DualProblem(region: region, box: net.input.box, cotangents: [1, -1, 0], count: 1)
        var sampled = -Double.infinity
        for _ in 0..<4000 {
            let x = randomPoint(4, &rng)
            if region.contains(x) { let l = try net.logits(x); sampled = max(sampled, l[0] - l[1]) }
        }
        for _ in 0..<50 {
            let y = (0..<7).map { _ in rng.unit() * 3 }
            XCTAssertGreaterThanOrEqual(problem.evaluate(multipliers: y).values[0], sampled - 1e-12)
        }
    }
}
