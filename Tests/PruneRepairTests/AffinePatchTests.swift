import XCTest
import PruneCore
import PruneLP
import PruneModel
import PruneRepair
import PruneTestSupport

/// REASSURE's minimal affine patch against the constant offset on the same regions: the
/// affine patch satisfies the specification on the whole region (re-checked by separate LPs
/// over x, and on sampled points), its size H bounds ‖c·x + d‖∞ there, and H equals the
/// constant offset's ‖d‖∞: the constant patch is feasible (H ≤ ‖d‖∞), and at the region's
/// worst point x* for the worst row j any patch needs p_t(x*) − p_j(x*) ≥ M_j + τ, so
/// ‖p(x*)‖∞ ≥ (M_j + τ)/2 = ‖d‖∞ (H ≥ ‖d‖∞).
final class AffinePatchTests: XCTestCase {
    func testAffinePatchIsSoundOnTheRegionAndTheSameSizeAsTheConstantOffset() throws {
        var rng = SeededGenerator(seed: 21)
        let tau = 0.05
        for trial in 0..<10 {
            let net = try randomNetwork([5, 8, 6, 4], seed: 500 + UInt64(trial))
            let c = net.outputCount, m = net.featureCount
            let x0 = randomPoint(5, &rng)
            let region = try LinearRegion(network: net, containing: x0)
            let box = net.input.box
            let logits = try net.logits(x0)
            let label = logits.indices.max { logits[$0] < logits[$1] }!
            let t = Unlearner.runnerUp(label: label, logits: logits[...])

            // The constant patch from exact region bounds.
            var bounds = [Double](repeating: 0, count: c)
            for j in 0..<c where j != t {
                var v = [Double](repeating: 0, count: c)
                v[j] = 1
                v[t] = -1
                bounds[j] = try region.exactBounds(cotangents: v, count: 1, box: box)[0].value
            }
            let constant = OffsetSolver.minimalOffset(bounds: bounds, target: t, margin: tau)
            let constantSize = constant.map(abs).max()!

            let patch = try AffinePatchSolver.solve(region: region, box: box, target: t, margin: tau)
            XCTAssertEqual(patch.size, constantSize, accuracy: 1e-6 * (1 + constantSize), "trial \(trial)")
            XCTAssertGreaterThan(constantSize, 0, "trial \(trial): the runner-up must need a patch")
            XCTAssertEqual(patch.multipliers.count, c - 1)
            XCTAssertTrue(patch.multipliers.allSatisfy { $0.count == net.hiddenCount && $0.allSatisfy { $0 >= 0 } })

            // Re-checked by LPs over x ∈ S ∩ X: every spec row holds with margin τ, and
            // |c_k x + d_k| ≤ H for every class k.
            let (a, b) = region.constraints()
            let (f1, f2) = region.affineMap()
            let rows = (0..<net.hiddenCount).map { LPRow(dense: Array(a[($0 * m)..<(($0 + 1) * m)]), upper: b[$0]) }
            let variables = (0..<m).map { LPVariable(lower: box.lower[$0], upper: box.upper[$0]) }
            func maximum(_ gradient: [Double], _ constant: Double) throws -> Double {
                let s = try LinearProgram(sense: .maximize, objective: gradient, variables: variables, rows: rows).solve()
                XCTAssertEqual(s.status, .optimal)
                return s.objective + constant
            }
            for j in 0..<c where j != t {
                let g = (0..<m).map { k in f1[j * m + k] + patch.linear[j * m + k] - f1[t * m + k] - patch.linear[t * m + k] }
                let worst = try maximum(g, f2[j] + patch.offset[j] - f2[t] - patch.offset[t])
                XCTAssertLessThanOrEqual(worst, -tau + 1e-7, "trial \(trial), row \(j)")
            }
            for k in 0..<c {
                let g = Array(patch.linear[(k * m)..<((k + 1) * m)])
                XCTAssertLessThanOrEqual(try maximum(g, patch.offset[k]), patch.size + 1e-7)
                XCTAssertLessThanOrEqual(try maximum(g.map { -$0 }, -patch.offset[k]), patch.size + 1e-7)
            }
            // Sampled points of the region: the patched target wins by τ.
            for _ in 0..<200 {
                let x = randomPoint(5, &rng)
                guard region.contains(x) else { continue }
                let f = try net.logits(x)
                let patched = (0..<c).map { j in f[j] + patch.offset[j] + (0..<m).reduce(0) { $0 + patch.linear[j * m + $1] * x[$1] } }
                for j in 0..<c where j != t { XCTAssertLessThanOrEqual(patched[j] - patched[t], -tau + 1e-9) }
            }
        }
    }
}
