import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class PatchTests: XCTestCase {
    /// h = p on S; h = 0 once a row is violated by ≥ 1/γ; |h| ≤ |p| everywhere.
    func testPatchIsExactOnRegionZeroFarAwayAndNeverLarger() throws {
        var rng = SeededGenerator(seed: 8)
        var checkedZero = 0, checkedInside = 0, checkedBand = 0
        for trial in 0..<8 {
            let net = try randomNetwork([4, 7, 6, 3], seed: 40 + UInt64(trial))
            let x0 = randomPoint(4, &rng)
            let region = try LinearRegion(network: net, containing: x0)
            let d = (0..<3).map { _ in rng.normal() }
            let linear = trial % 2 == 0 ? nil : (0..<12).map { _ in rng.normal() * 0.3 }
            let k = Patch.requiredBound(offset: d, linear: linear, box: net.input.box)
            let gamma = [0.5, 2, 10][trial % 3]
            let patch = Patch(members: [region.pattern], gamma: gamma, offset: d, linear: linear, bound: k, target: 0)
            let patched = PatchedNetwork(network: net, patches: [patch])
            for _ in 0..<300 {
                let x = randomPoint(4, &rng)
                let slacks = region.slacks(at: x)
                let eval = try patched.evaluate(x)
                let p = patch.affineValue(at: x[...])
                let h = (0..<3).map { eval.logits[$0] - eval.originalLogits[$0] }
                for j in 0..<3 { XCTAssertLessThanOrEqual(abs(h[j]), abs(p[j]) + 1e-12) }
                if slacks.allSatisfy({ $0 >= 0 }) {
                    checkedInside += 1
                    for j in 0..<3 { XCTAssertEqual(h[j], p[j], accuracy: 1e-12) }
                } else if slacks.contains(where: { -$0 >= 1 / gamma }) {
                    checkedZero += 1
                    XCTAssertEqual(h, [0, 0, 0])
                    XCTAssertTrue(eval.gates.isEmpty)
                } else {
                    checkedBand += 1
                }
            }
        }
        XCTAssertGreaterThan(checkedInside, 20)
        XCTAssertGreaterThan(checkedZero, 200)
        XCTAssertGreaterThan(checkedBand, 10)
    }

    /// The closed form is the least sound K: with K slightly below it, a search finds a point
    /// where the gate is closed and yet the patch changes the output.
    func testKBelowTheClosedFormIsCaughtByANonLocalPoint() throws {
        // Many neurons make small regions; the region sits at the corner opposite the one
        // where |p| peaks, so the gate is closed there.
        let net = try randomNetwork([3, 40, 3], seed: 77)
        var rng = SeededGenerator(seed: 1)
        let region = try LinearRegion(network: net, containing: [0.02, 0.98, 0.02])
        let d = [0.0, 0.0, 0.0]
        let linear = [1.5, -0.5, 0.25, 0, 0, 0, 0, 0, 0]
        let k = Patch.requiredBound(offset: d, linear: linear, box: net.input.box)
        XCTAssertEqual(k, 1.75, accuracy: 1e-15)  // |1.5·1 − 0.5·0 + 0.25·1|
        let weak = Patch(members: [region.pattern], gamma: 5, offset: d, linear: linear, bound: k * 0.95, target: 1)
        let sound = Patch(members: [region.pattern], gamma: 5, offset: d, linear: linear, bound: k, target: 1)
        var found = false
        for _ in 0..<20000 {
            // Bias samples toward the maximising corner (1, 0, 1).
            let x = [1 - 0.05 * rng.unit(), 0.05 * rng.unit(), 1 - 0.05 * rng.unit()]
            let gates = SupportGate.values(region: region, features: x, gamma: 5)
            guard gates[0] == 0 else { continue }
            let weakOut = try PatchedNetwork(network: net, patches: [weak]).evaluate(x)
            let soundOut = try PatchedNetwork(network: net, patches: [sound]).evaluate(x)
            XCTAssertEqual(soundOut.logits, soundOut.originalLogits)
            if weakOut.logits != weakOut.originalLogits { found = true; break }
        }
        XCTAssertFalse(PatchedNetwork(network: net, patches: [weak]).soundBounds[0])
        XCTAssertTrue(PatchedNetwork(network: net, patches: [sound]).soundBounds[0])
        XCTAssertTrue(found, "a K below the closed form must change the network where the gate is 0")
    }

    func testMinimalOffsetMeetsEverySpecRowWithMinimalNorm() {
        let bounds = [2.0, 0, -1.0, 0.5]  // M_j for target 1 (entry 1 ignored)
        let d = OffsetSolver.minimalOffset(bounds: bounds, target: 1, margin: 0.1)
        for j in [0, 2, 3] { XCTAssertLessThanOrEqual(d[j] - d[1], -(bounds[j] + 0.1)) }
        XCTAssertEqual(d.map(abs).max()!, 1.05, accuracy: 1e-15)
        // Equal off-target entries (−Δ/2): two off-target classes never move apart.
        for j in [0, 2, 3] { XCTAssertEqual(d[j], -d[1]) }
        XCTAssertEqual(OffsetSolver.minimalOffset(bounds: [-1, 0, -2], target: 1, margin: 0.1), [0, 0, 0])
    }

    func testClosingGammaClosesTheGateExactly() {
        let v = [0.5, 0.25, 0, 2]
        let g = SupportGate.closingGamma(violations: v)!
        XCTAssertEqual(SupportGate.value(violations: v, gamma: g), 0)
        XCTAssertGreaterThan(SupportGate.value(violations: v, gamma: g * 0.99), 0)
        XCTAssertNil(SupportGate.closingGamma(violations: [0, 0]))
    }
}
