import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

/// First-layer gates (`Patch.gateLayers` = 1): a member's gate is 1 on the polytope of its
/// first-layer rows, which contains its region and reaches beyond it, and 0 once those rows
/// are violated by 1/γ. The screened evaluation gives the gates the row scans give, and the
/// batched calibration agrees with the per-patch one and closes every reference gate.
final class GateLayersTests: XCTestCase {
    /// G of one member over its first `rows` rows, straight from the definition.
    func directGate(_ net: Network, member: ActivationPattern, rows: Int, gamma: Double, x: [Double]) -> Double {
        let pre = net.patternFixedForward(pattern: member, features: x).preactivations
        return SupportGate.value(violations: (0..<rows).map { member[$0] ? -pre[$0] : pre[$0] }, gamma: gamma)
    }

    func testFirstLayerGateIsOneBeyondTheRegionAndZeroFarAway() throws {
        var rng = SeededGenerator(seed: 21)
        var beyond = 0, closed = 0
        for trial in 0..<6 {
            let net = try randomNetwork([4, 7, 6, 3], seed: 90 + UInt64(trial))
            let region = try LinearRegion(network: net, containing: randomPoint(4, &rng))
            let d = (0..<3).map { _ in rng.normal() }
            let k = Patch.requiredBound(offset: d, linear: nil, box: net.input.box)
            let gamma = [0.5, 2, 10][trial % 3]
            let patch = Patch(members: [region.pattern], gamma: gamma, offset: d, bound: k, target: 0, gateLayers: 1)
            XCTAssertEqual(patch.gateRowCount(hiddenWidths: net.hiddenWidths), 7)
            let patched = PatchedNetwork(network: net, patches: [patch])
            for _ in 0..<400 {
                let x = randomPoint(4, &rng)
                let eval = try patched.evaluate(x)
                let h = (0..<3).map { eval.logits[$0] - eval.originalLogits[$0] }
                let expected = directGate(net, member: region.pattern, rows: 7, gamma: gamma, x: x)
                XCTAssertEqual(eval.gates.first?.value ?? 0, expected, accuracy: 1e-12)
                let pattern = try net.activationPattern(at: x)
                let sameFirstLayer = (0..<7).allSatisfy { pattern[$0] == region.pattern[$0] }
                if sameFirstLayer {
                    // G = 1 on the first-layer polytope, so h = p there: inside S and beyond it.
                    for j in 0..<3 { XCTAssertEqual(h[j], d[j], accuracy: 1e-12) }
                    if pattern != region.pattern { beyond += 1 }
                }
                let pre = net.patternFixedForward(pattern: region.pattern, features: x).preactivations
                if (0..<7).contains(where: { (region.pattern[$0] ? -pre[$0] : pre[$0]) >= 1 / gamma }) {
                    closed += 1
                    XCTAssertEqual(h, [0, 0, 0])
                }
            }
        }
        XCTAssertGreaterThan(beyond, 5, "no sampled point lay in the first-layer polytope outside the region")
        XCTAssertGreaterThan(closed, 200)
    }

    /// Enough members × points to switch the matrix-product screen on; every gate, first-layer
    /// or exact, equals the definition at every point.
    func testScreenedGatesEqualTheDefinition() throws {
        var rng = SeededGenerator(seed: 5)
        let net = try randomNetwork([5, 16, 12, 3], seed: 314)
        var patches = [Patch]()
        for k in 0..<130 {
            let members = try (0..<2).map { _ in try net.activationPattern(at: randomPoint(5, &rng)) }
            patches.append(Patch(members: members, gamma: [0.05, 0.2, 1][k % 3], offset: [1, -1, 0.5], bound: 1, target: 0,
                                 gateLayers: k % 2 == 0 ? 1 : nil))
        }
        let count = 300
        let x = (0..<count).flatMap { _ in randomPoint(5, &rng) }
        let eval = try PatchedNetwork(network: net, patches: patches).evaluate(x)
        XCTAssertTrue(patches.count * 2 >= 256 && patches.count * 2 * count >= 1 << 16, "the screen is off below this size")
        var open = [Int: Double]()
        for gate in eval.gates { open[gate.point * patches.count + gate.patch] = gate.value }
        var compared = 0
        for b in 0..<count {
            let point = Array(x[(b * 5)..<((b + 1) * 5)])
            for (k, patch) in patches.enumerated() {
                let rows = patch.gateRowCount(hiddenWidths: net.hiddenWidths)
                let expected = patch.members.map { directGate(net, member: $0, rows: rows, gamma: patch.gamma, x: point) }.max()!
                XCTAssertEqual(open[b * patches.count + k] ?? 0, expected, accuracy: 1e-12, "point \(b), patch \(k)")
                if expected > 0 { compared += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 500, "too few open gates to mean anything")
    }

    func testBatchedCalibrationMatchesPerPatchAndClosesEveryReferenceGate() throws {
        var rng = SeededGenerator(seed: 77)
        let net = try randomNetwork([5, 16, 12, 8, 3], seed: 2718)
        let reference = (0..<600).flatMap { _ in randomPoint(5, &rng) }
        let calibration = try GammaCalibration(network: net, referenceFeatures: reference)
        // Members taken at reference points too, so some reference points lie inside.
        let plans = try (0..<25).map { k in
            try (0..<(1 + k % 2)).map { _ in
                try net.activationPattern(at: k % 5 == 0 ? Array(reference[(k * 5)..<(k * 5 + 5)]) : randomPoint(5, &rng))
            }
        }
        // First-layer gates (exact matrix products), two-layer and exact gates (first-layer
        // products, then refinement), each against the per-patch scan.
        for layers in [1, 2, nil] as [Int?] {
            let batched = calibration.closingGammas(patches: plans, gateLayers: layers)
            var insideSeen = 0
            for (k, members) in plans.enumerated() {
                let single = calibration.closingGamma(members: members, gateLayers: layers)
                let closing = try XCTUnwrap(batched[k].closing)
                XCTAssertEqual(closing, try XCTUnwrap(single.closing), accuracy: 1e-12 * closing)
                XCTAssertEqual(batched[k].insideRegions, single.insideRegions)
                insideSeen += single.insideRegions.count
                let patch = Patch(members: members, gamma: closing * (1 + 1e-9), offset: [1, -1, 0], bound: 1, target: 0,
                                  gateLayers: layers)
                let eval = try PatchedNetwork(network: net, patches: [patch]).evaluate(reference)
                let openAt = Set(eval.gates.map(\.point))
                XCTAssertTrue(openAt.isSubset(of: Set(single.insideRegions)), "patch \(k) opens at \(openAt.subtracting(single.insideRegions))")
                for r in single.insideRegions { XCTAssertTrue(openAt.contains(r)) }
            }
            XCTAssertGreaterThan(insideSeen, 0)
        }
    }

    /// A gate-closure proof may only weigh the gate's own rows: a violation of a deeper row
    /// does not close a first-layer gate.
    func testSeparationRefusesWeightsOutsideTheGate() throws {
        var rng = SeededGenerator(seed: 3)
        let net = try randomNetwork([4, 7, 6, 3], seed: 11)
        let region = try net.activationPattern(at: randomPoint(4, &rng))
        let member = try net.activationPattern(at: randomPoint(4, &rng))
        let magnitudes = try RigorousDualBound(network: net, box: net.input.box).magnitudes
        func separation(_ weights: [Double], gateRows: Int?) -> GateSeparation? {
            GateSeparation(network: net, magnitudes: magnitudes, box: net.input.box, region: region, member: member,
                           weights: weights, gateRows: gateRows, operations: 10)
        }
        var deeper = [Double](repeating: 0, count: 13)
        deeper[9] = 1
        XCTAssertNotNil(separation(deeper, gateRows: nil))
        XCTAssertNil(separation(deeper, gateRows: 7))
        var first = [Double](repeating: 0, count: 13)
        first[2] = 1
        XCTAssertNotNil(separation(first, gateRows: 7))
    }
}
