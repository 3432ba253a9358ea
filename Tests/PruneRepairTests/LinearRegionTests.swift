import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class LinearRegionTests: XCTestCase {
    /// Same pattern ⇔ all constraints hold, on points sampled near random centres; and on the
    /// region the affine map equals the network.
    func testRegionMembershipMatchesPatternAndAffineMapMatchesNetwork() throws {
        var rng = SeededGenerator(seed: 21)
        var inside = 0, outside = 0
        for trial in 0..<12 {
            let sizes = [3 + trial % 4, 6 + trial % 5, 5, 3]
            let net = try randomNetwork(trial % 2 == 0 ? sizes : [sizes[0], sizes[1], sizes[3]], seed: UInt64(trial))
            let x0 = randomPoint(net.featureCount, &rng)
            let region = try LinearRegion(network: net, containing: x0)
            let (a, b) = region.constraints()
            let (f1, f2) = region.affineMap()
            let m = net.featureCount
            for _ in 0..<200 {
                // Points at several distances from x0, clamped to the box.
                let radius = [0.01, 0.05, 0.2][rng.index(below: 3)]
                let x = x0.map { min(1, max(0, $0 + radius * (2 * rng.unit() - 1))) }
                let samePattern = try net.activationPattern(at: x) == region.pattern
                // Ax ≤ b, computed independently from the dense rows.
                var satisfies = true
                var marginal = false
                for i in 0..<region.rowCount {
                    var ax = 0.0
                    for c in 0..<m { ax += a[i * m + c] * x[c] }
                    if ax > b[i] { satisfies = false }
                    if abs(ax - b[i]) < 1e-12 { marginal = true }
                }
                if marginal { continue }  // on a face: the tie rule decides, skip
                XCTAssertEqual(samePattern, satisfies, "trial \(trial)")
                XCTAssertEqual(samePattern, region.contains(x), "trial \(trial)")
                if samePattern {
                    inside += 1
                    let logits = try net.logits(x)
                    for j in 0..<net.outputCount {
                        var value = f2[j]
                        for c in 0..<m { value += f1[j * m + c] * x[c] }
                        XCTAssertEqual(value, logits[j], accuracy: 1e-9 * max(1, abs(logits[j])))
                    }
                } else {
                    outside += 1
                }
            }
        }
        XCTAssertGreaterThan(inside, 300, "enough points inside regions")
        XCTAssertGreaterThan(outside, 300, "enough points outside regions")
    }

    func testRowsAreRebuiltFromWeightsNotAccumulated() throws {
        // Two hidden layers: row i of Ŵ for a second-layer neuron must equal W₂[i]·D₁·W₁.
        let net = try randomNetwork([4, 5, 3, 2], seed: 9)
        var rng = SeededGenerator(seed: 2)
        let region = try LinearRegion(network: net, containing: randomPoint(4, &rng))
        let (a, _) = region.constraints()
        let w1 = net.layers[0], w2 = net.layers[1]
        for i in 0..<3 {
            let s = region.sign(5 + i)
            for c in 0..<4 {
                var expected = 0.0
                for h in 0..<5 where region.pattern[h] { expected += w2.weights[i * 5 + h] * w1.weights[h * 4 + c] }
                XCTAssertEqual(a[(5 + i) * 4 + c], -s * expected, accuracy: 1e-14)
            }
        }
    }
}
