import XCTest
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport

final class UnlearnerTests: XCTestCase {
    /// Data points of a random network with their own predictions as labels.
    func labelledPoints(_ net: Network, count: Int, seed: UInt64) throws -> (x: [Double], y: [Int]) {
        var rng = SeededGenerator(seed: seed)
        let x = (0..<(count * net.inputCount)).map { _ in rng.unit() }
        return (x, try net.evaluate(x).predictions)
    }

    /// One forgotten point: its whole region is certified, sampled points of the region
    /// predict the target, and retained reference points keep their exact logits.
    func testSinglePointIsRegionCertifiedAndLocal() throws {
        let net = try randomNetwork([6, 16, 12, 4], seed: 500)
        let forget = try labelledPoints(net, count: 1, seed: 1)
        let reference = try labelledPoints(net, count: 400, seed: 2)
        let result = try Unlearner(network: net, configuration: UnlearningConfiguration(margin: 0.05))
            .run(forget: forget.x, labels: forget.y, reference: reference.x)
        XCTAssertEqual(result.points.map(\.claim), [.regionCertified])
        XCTAssertEqual(result.patches.count, 1)
        let patch = result.patches[0]
        XCTAssertNotEqual(patch.target, forget.y[0])
        XCTAssertGreaterThanOrEqual(patch.bound, patch.offset.map(abs).max()!)
        let patched = PatchedNetwork(network: net, patches: result.patches)
        let region = LinearRegion(network: net, pattern: patch.members[0])
        var rng = SeededGenerator(seed: 3)
        var inside = 0
        for _ in 0..<20000 {
            let x = forget.x.map { min(1, max(0, $0 + 0.3 * (2 * rng.unit() - 1))) }
            guard region.contains(x) else { continue }
            inside += 1
            let logits = try patched.evaluate(x).logits
            for j in 0..<4 where j != patch.target {
                XCTAssertLessThanOrEqual(logits[j] - logits[patch.target], -0.05 + 1e-9, "the target must win by τ on the region")
            }
        }
        XCTAssertGreaterThan(inside, 50)
        // Exact locality on the reference data the gate was calibrated on.
        let eval = try patched.evaluate(reference.x)
        for i in 0..<400 where !result.gammas[0].referenceInside.contains(i) {
            for j in 0..<4 { XCTAssertEqual(eval.logits[i * 4 + j], eval.originalLogits[i * 4 + j]) }
        }
    }

    /// Forgotten points in one region with one label share a patch and a certificate: two
    /// copies of a point (nudged apart, same pattern) give one patch, both region-certified.
    func testPointsSharingARegionShareOnePatch() throws {
        let net = try randomNetwork([6, 16, 12, 4], seed: 500)
        let one = try labelledPoints(net, count: 1, seed: 1)
        let nudged = one.x.map { min(1, max(0, $0 + 1e-9)) }
        XCTAssertEqual(try net.activationPattern(at: nudged), try net.activationPattern(at: one.x), "the nudge stays in the region")
        XCTAssertNotEqual(nudged, one.x)
        let other = try labelledPoints(net, count: 1, seed: 7)
        XCTAssertNotEqual(try net.activationPattern(at: other.x), try net.activationPattern(at: one.x))
        let x = one.x + nudged + other.x
        let labels = [one.y[0], one.y[0], other.y[0]]
        let reference = try labelledPoints(net, count: 200, seed: 2)
        let result = try Unlearner(network: net, configuration: UnlearningConfiguration(margin: 0.05))
            .run(forget: x, labels: labels, reference: reference.x)
        XCTAssertEqual(result.patches.count, 2, "one patch per region")
        XCTAssertEqual(result.certificates.count, 2, "one certificate per region")
        XCTAssertEqual(result.points[0].patch, result.points[1].patch)
        XCTAssertNotEqual(result.points[0].patch, result.points[2].patch)
        XCTAssertEqual(result.points.map(\.claim), [.regionCertified, .regionCertified, .regionCertified])
    }

    /// Two forgotten points in neighbouring regions, where the first point's runner-up is the
    /// second point's label: the first patch pushes that label up next door, and when its gate
    /// cannot be proved closed there the second region's claim fails. Retargeting moves the
    /// first patch to another class, and both regions end certified. The cases are found by a
    /// seeded search; the test fails if the search finds none.
    func testRetargetingRepairsAClaimBrokenByANeighboursTarget() throws {
        var repaired = 0
        for s in 0..<60 where repaired < 2 {
            let net = try randomNetwork([3, 10, 8, 4], seed: 700 + UInt64(s))
            var rng = SeededGenerator(seed: 900 + UInt64(s))
            let x1 = (0..<3).map { _ in 0.2 + 0.6 * rng.unit() }
            let e1 = try net.evaluate(x1)
            let y1 = e1.predictions[0]
            let runnerUp = Unlearner.runnerUp(label: y1, logits: e1.logits(of: 0))
            // A neighbour along a random direction: the first point past x1's region with label `runnerUp`.
            let direction = (0..<3).map { _ in 2 * rng.unit() - 1 }
            var x2: [Double]? = nil
            for step in 1...200 {
                let x = zip(x1, direction).map { min(1, max(0, $0 + 0.004 * Double(step) * $1)) }
                let e = try net.evaluate(x)
                if e.patterns[0] != e1.patterns[0] {
                    if e.predictions[0] == runnerUp { x2 = x }
                    break
                }
            }
            guard let x2 else { continue }
            let y = [y1, runnerUp]
            let reference = try labelledPoints(net, count: 200, seed: 3)
            var config = UnlearningConfiguration(margin: 0.05)
            config.retargetPasses = 0
            let without = try Unlearner(network: net, configuration: config).run(forget: x1 + x2, labels: y, reference: reference.x)
            guard without.points.contains(where: { $0.claim != .regionCertified }) else { continue }
            config.retargetPasses = 3
            let with = try Unlearner(network: net, configuration: config).run(forget: x1 + x2, labels: y, reference: reference.x)
            XCTAssertTrue(with.points.allSatisfy { $0.claim == .regionCertified }, "seed \(s): retargeting certifies both")
            let first = try XCTUnwrap(with.points[0].patch)
            XCTAssertNotEqual(with.patches[first].target, runnerUp, "seed \(s): the first patch left the neighbour's label")
            XCTAssertNotEqual(with.patches[first].target, y1)
            repaired += 1
        }
        XCTAssertGreaterThan(repaired, 0, "the search found no case where a neighbour's target broke a claim")
    }

    func testEveryPointForgottenAndRunsAreDeterministic() throws {
        let net = try randomNetwork([5, 14, 10, 3], seed: 501)
        let forget = try labelledPoints(net, count: 12, seed: 4)
        let reference = try labelledPoints(net, count: 300, seed: 5)
        var config = UnlearningConfiguration(margin: 0.02, seed: 9)
        config.clusters = 4
        let first = try Unlearner(network: net, configuration: config).run(forget: forget.x, labels: forget.y, reference: reference.x)
        let second = try Unlearner(network: net, configuration: config).run(forget: forget.x, labels: forget.y, reference: reference.x)
        XCTAssertEqual(first.patches, second.patches)
        XCTAssertEqual(first.points, second.points)
        XCTAssertTrue(first.points.allSatisfy { $0.claim != .notForgotten && $0.margin > 0.02 })
        let predictions = try PatchedNetwork(network: net, patches: first.patches).evaluate(forget.x).predictions
        for (p, y) in zip(predictions, forget.y) { XCTAssertNotEqual(p, y) }
        for patch in first.patches {
            // Targets are never the label of a member the patch claims to cover.
            for point in first.points where point.patch.map({ first.patches[$0] == patch }) ?? false {
                XCTAssertNotEqual(patch.target, point.label)
            }
        }
    }

    func testBadRequestsAreRefusedWithCodes() throws {
        let net = try randomNetwork([3, 5, 2], seed: 502)
        let unlearner = try Unlearner(network: net, configuration: UnlearningConfiguration())
        XCTAssertThrowsCode("repair.invalid-forget-set", try unlearner.run(forget: [0.5, 0.5, 0.5], labels: [2], reference: nil))
        XCTAssertThrowsCode("repair.invalid-forget-set", try unlearner.run(forget: [0.5, 1.5, 0.5], labels: [0], reference: nil))
        XCTAssertThrowsCode("repair.invalid-forget-set", try unlearner.run(forget: [0.5, 0.5], labels: [0], reference: nil))
        XCTAssertThrowsCode("repair.invalid-configuration", try Unlearner(network: net, configuration: UnlearningConfiguration(margin: 0)))
        XCTAssertThrowsCode("repair.invalid-configuration",
                            try Unlearner(network: net, configuration: UnlearningConfiguration(gamma: .fixed(-1))))
    }
}
