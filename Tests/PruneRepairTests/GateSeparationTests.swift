import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class GateSeparationTests: XCTestCase {
    /// A random [4, 8, 6, 3] network (seed `seed`), its rigorous evaluator, and the distinct
    /// activation patterns at two random points: a region and another patch's member.
    private func randomPair(seed: UInt64, _ rng: inout SeededGenerator) throws
        -> (net: Network, rigorous: RigorousDualBound, region: ActivationPattern, member: ActivationPattern) {
        let net = try randomNetwork([4, 8, 6, 3], seed: seed)
        let rigorous = try RigorousDualBound(network: net, box: net.input.box)
        let region = try net.activationPattern(at: randomPoint(4, &rng))
        var member = try net.activationPattern(at: randomPoint(4, &rng))
        while member == region { member = try net.activationPattern(at: randomPoint(4, &rng)) }
        return (net, rigorous, region, member)
    }

    /// The separation objective is exactly minus the summed violation of the other member's
    /// differing rows (all layers, that member's pattern fixed), at any point; its LP optimum
    /// over a region, through the dual bound with an input objective, bounds every sampled
    /// point of the region; and a gate with γ′ ≥ 1/L is exactly 0 on those points.
    func testObjectiveIsTheSummedViolationAndItsBoundHoldsOnTheRegion() throws {
        var rng = SeededGenerator(seed: 31)
        var proved = 0, deeperRows = 0
        for trial in 0..<12 {
            let (net, rigorous, pattern, member) = try randomPair(seed: 300 + UInt64(trial), &rng)
            let region = LinearRegion(network: net, pattern: pattern)
            let n = net.hiddenCount, n1 = net.hiddenWidths[0]
            if (n1..<n).contains(where: { region.pattern[$0] != member[$0] }) { deeperRows += 1 }
            let separation = try XCTUnwrap(GateSeparation(network: net, magnitudes: rigorous.magnitudes, box: net.input.box,
                                                          region: region.pattern, member: member, weights: (0..<n).map { region.pattern[$0] != member[$0] ? 1 : 0 },
                                                          operations: rigorous.operations))
            let w = separation.objective.gradient, c = separation.objective.constant
            func phi(_ x: [Double]) -> Double {
                let z = net.patternFixedForward(pattern: member, features: x).preactivations
                return (0..<n).reduce(0.0) { s, i in region.pattern[i] == member[i] ? s : s + (member[i] ? z[i] : -z[i]) }
            }
            for _ in 0..<20 {
                let x = randomPoint(4, &rng)
                let affine = zip(w, x).reduce(c) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(affine, phi(x), accuracy: 1e-9, "trial \(trial)")
            }
            let problem = DualProblem(network: net, box: net.input.box, patterns: [region.pattern],
                                      cotangents: [0, 0, 0], count: 1, inputObjective: [separation.objective])
            let exact = try problem.exactBounds()[0]
            let bound = rigorous.upperBounds(problem, multipliers: exact.multipliers)[0] + separation.error
            XCTAssertGreaterThanOrEqual(bound, exact.value - 1e-9)
            for _ in 0..<200 {
                let x = randomPoint(4, &rng)
                guard region.contains(x) else { continue }
                XCTAssertLessThanOrEqual(phi(x), bound + 1e-12, "trial \(trial)")
                if bound < 0 {
                    // Every point of the region violates the member's rows by ≥ L in total.
                    let z = net.patternFixedForward(pattern: member, features: x).preactivations
                    let violations = (0..<n).map { i in max(0, member[i] ? -z[i] : z[i]) }
                    XCTAssertEqual(SupportGate.value(violations: violations, gamma: (1 / -bound) * (1 + 1e-9)), 0, "trial \(trial)")
                }
            }
            if bound < 0 { proved += 1 }
        }
        XCTAssertGreaterThan(proved, 0, "some separations must be provable")
        XCTAssertGreaterThan(deeperRows, 0, "some members must differ beyond the first layer")
    }

    /// The exact weights (LP duals) are in [0, 1] and prove a separation whenever the region
    /// and the member's region are apart; sampled region points then violate the member's rows
    /// by at least the proved amount, weighted.
    func testExactWeightsProveSeparatedPairs() throws {
        var rng = SeededGenerator(seed: 41)
        var proved = 0
        for trial in 0..<10 {
            let (net, rigorous, pattern, member) = try randomPair(seed: 400 + UInt64(trial), &rng)
            let region = LinearRegion(network: net, pattern: pattern)
            let exact = try GateSeparation.exactWeights(network: net, box: net.input.box, region: region.pattern, member: member)
            XCTAssertTrue(exact.weights.allSatisfy { $0 >= 0 && $0 <= 1 })
            guard let g = GateSeparation(network: net, magnitudes: rigorous.magnitudes, box: net.input.box, region: region.pattern,
                                         member: member, weights: exact.weights, operations: rigorous.operations) else { continue }
            let problem = DualProblem(network: net, box: net.input.box, patterns: [region.pattern], cotangents: [0, 0, 0], count: 1,
                                      inputObjective: [g.objective])
            let bound = rigorous.upperBounds(problem, multipliers: exact.multipliers)[0] + g.error
            guard bound < 0 else { continue }
            proved += 1
            for _ in 0..<200 {
                let x = randomPoint(4, &rng)
                guard region.contains(x) else { continue }
                let z = net.patternFixedForward(pattern: member, features: x).preactivations
                let weighted = (0..<net.hiddenCount).reduce(0.0) { $0 + exact.weights[$1] * (member[$1] ? -z[$1] : z[$1]) }
                XCTAssertGreaterThanOrEqual(weighted, -bound - 1e-9, "trial \(trial)")
            }
        }
        XCTAssertGreaterThan(proved, 0)
    }

    /// A proof for (region S, member π′) read the other way proves (region π′, member S): the
    /// reversed weights are in [0, 1] and its rigorous bound is the original's divided by the
    /// scale. Swapping without the scale would put weights above 1, which GateSeparation refuses.
    func testReversedProofProvesThePairTheOtherWay() throws {
        var rng = SeededGenerator(seed: 43)
        var reversedProofs = 0, scaled = 0
        for trial in 0..<12 {
            let (net, rigorous, region, member) = try randomPair(seed: 450 + UInt64(trial), &rng)
            func bound(region: ActivationPattern, member: ActivationPattern, weights: [Double], multipliers: [Double]) -> Double? {
                guard let g = GateSeparation(network: net, magnitudes: rigorous.magnitudes, box: net.input.box, region: region,
                                             member: member, weights: weights, operations: rigorous.operations) else { return nil }
                let problem = DualProblem(network: net, box: net.input.box, patterns: [region], cotangents: [0, 0, 0], count: 1,
                                          inputObjective: [g.objective])
                return rigorous.upperBounds(problem, multipliers: multipliers)[0] + g.error
            }
            let exact = try GateSeparation.exactWeights(network: net, box: net.input.box, region: region, member: member)
            guard let forward = bound(region: region, member: member, weights: exact.weights, multipliers: exact.multipliers),
                  forward < 0 else { continue }
            let reversed = GateSeparation.reversed(weights: exact.weights, multipliers: exact.multipliers)
            XCTAssertTrue(reversed.weights.allSatisfy { $0 >= 0 && $0 <= 1 }, "trial \(trial)")
            let back = try XCTUnwrap(bound(region: member, member: region, weights: reversed.weights, multipliers: reversed.multipliers))
            XCTAssertLessThan(back, 0, "trial \(trial)")
            XCTAssertEqual(back, forward / reversed.scale, accuracy: 1e-9 * (1 + abs(forward)), "trial \(trial)")
            reversedProofs += 1
            if reversed.scale > 1 {
                scaled += 1
                XCTAssertNil(GateSeparation(network: net, magnitudes: rigorous.magnitudes, box: net.input.box, region: member,
                                            member: region, weights: exact.multipliers, operations: rigorous.operations),
                             "multipliers above 1 are no weights")
            }
        }
        XCTAssertGreaterThan(reversedProofs, 0)
        XCTAssertGreaterThan(scaled, 0, "some proofs must need the scale")
    }
}
