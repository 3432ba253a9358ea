import XCTest
import PruneCore
import PruneModel
import PruneTestSupport

/// The vector–Jacobian product through the pattern-fixed head must equal both the explicit
/// Jacobian F₁ = W_L D_{L−1} … D₁ W₁ and finite differences of the real network inside the
/// region, on random points of random networks.
final class PullbackTests: XCTestCase {
    func randomNetwork(_ sizes: [Int], _ rng: inout SeededGenerator) throws -> Network {
        var layers = [DenseLayer]()
        for l in 0..<(sizes.count - 1) {
            let w = (0..<(sizes[l] * sizes[l + 1])).map { _ in rng.normal() / Double(sizes[l]).squareRoot() }
            let b = (0..<sizes[l + 1]).map { _ in rng.normal() * 0.1 }
            layers.append(try DenseLayer(inputs: sizes[l], outputs: sizes[l + 1], weights: w, bias: b))
        }
        return try Network(input: .unitBox(sizes[0]), layers: layers)
    }

    /// F₁ by explicit matrix products (C × m), the oracle.
    func explicitJacobian(_ net: Network, _ pattern: ActivationPattern) -> [[Double]] {
        var j: [[Double]] = (0..<net.featureCount).map { i in (0..<net.featureCount).map { $0 == i ? 1.0 : 0.0 } }
        var offset = 0
        for (index, layer) in net.layers.enumerated() {
            var next = [[Double]](repeating: [Double](repeating: 0, count: net.featureCount), count: layer.outputs)
            for o in 0..<layer.outputs {
                for i in 0..<layer.inputs where layer.weights[o * layer.inputs + i] != 0 {
                    for c in 0..<net.featureCount { next[o][c] += layer.weights[o * layer.inputs + i] * j[i][c] }
                }
                if index < net.layers.count - 1 && !pattern[offset + o] {
                    next[o] = [Double](repeating: 0, count: net.featureCount)
                }
            }
            if index < net.layers.count - 1 { offset += layer.outputs }
            j = next
        }
        return j
    }

    func testPullbackMatchesExplicitJacobianAndFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 11)
        var checkedFD = 0
        for trial in 0..<30 {
            let depth = 1 + trial % 3
            let sizes = [2 + rng.index(below: 6)] + (0..<depth).map { _ in 2 + rng.index(below: 8) } + [2 + rng.index(below: 4)]
            let net = try randomNetwork(sizes, &rng)
            let x = (0..<sizes[0]).map { _ in rng.unit() }
            let pattern = try net.activationPattern(at: x)
            let jac = explicitJacobian(net, pattern)
            let v = (0..<net.outputCount).map { _ in rng.normal() }
            let u = net.pullback(pattern: pattern, outputCotangent: v)
            for c in 0..<net.featureCount {
                let expected = (0..<net.outputCount).reduce(0.0) { $0 + v[$1] * jac[$1][c] }
                XCTAssertEqual(u[c], expected, accuracy: 1e-12 * max(1, abs(expected)), "trial \(trial) input \(c)")
            }
            // Finite differences of the real network, with a step small enough to stay in the
            // region (checked: the pattern must not change at x ± h·eᵢ).
            let h = 1e-7
            for c in 0..<net.featureCount {
                var xp = x, xm = x
                xp[c] += h
                xm[c] -= h
                guard try net.activationPattern(at: xp) == pattern, try net.activationPattern(at: xm) == pattern else { continue }
                let fp = try net.logits(xp), fm = try net.logits(xm)
                let fd = (0..<net.outputCount).reduce(0.0) { $0 + v[$1] * (fp[$1] - fm[$1]) / (2 * h) }
                XCTAssertEqual(u[c], fd, accuracy: 1e-6 * max(1, abs(fd)), "trial \(trial) input \(c)")
                checkedFD += 1
            }
        }
        XCTAssertGreaterThan(checkedFD, 100, "finite differences must actually be compared")
    }

    func testBatchedPullbackWithHiddenCotangents() throws {
        var rng = SeededGenerator(seed: 5)
        let net = try randomNetwork([6, 7, 5, 3], &rng)
        let x = (0..<6).map { _ in rng.unit() }
        let pattern = try net.activationPattern(at: x)
        // Pre-activations of the pattern-fixed net are affine in x: z_π(x) = Ŵx + β. A hidden
        // cotangent h gives hᵀŴ, recovered here from two evaluations per coordinate.
        let k = 2
        let v = (0..<(k * 3)).map { _ in rng.normal() }
        let hid = (0..<(k * net.hiddenCount)).map { _ in rng.normal() }
        let u = net.pullback(pattern: pattern, outputCotangents: v, count: k, hiddenCotangents: hid)
        let base = net.patternFixedForward(pattern: pattern, features: x)
        for r in 0..<k {
            for c in 0..<6 {
                var xe = x
                xe[c] += 1
                let moved = net.patternFixedForward(pattern: pattern, features: xe)
                var expected = 0.0
                for o in 0..<3 { expected += v[r * 3 + o] * (moved.logits[o] - base.logits[o]) }
                for i in 0..<net.hiddenCount { expected += hid[r * net.hiddenCount + i] * (moved.preactivations[i] - base.preactivations[i]) }
                XCTAssertEqual(u[r * 6 + c], expected, accuracy: 1e-10, "row \(r) input \(c)")
            }
        }
    }

    func testPatternFixedForwardEqualsNetworkOnItsRegion() throws {
        var rng = SeededGenerator(seed: 3)
        let net = try randomNetwork([5, 9, 9, 4], &rng)
        for _ in 0..<20 {
            let x = (0..<5).map { _ in rng.unit() }
            let pattern = try net.activationPattern(at: x)
            let fixed = net.patternFixedForward(pattern: pattern, features: x)
            XCTAssertEqual(fixed.logits, try net.logits(x))
            XCTAssertEqual(fixed.preactivations.count, 18)
            for i in 0..<18 { XCTAssertEqual(fixed.preactivations[i] > 0, pattern[i]) }
        }
    }

    /// The paired passes (first layer shared) equal two separate passes, for one mask row or
    /// one per row, on networks of one to three hidden layers.
    func testPairedPassesEqualSeparatePasses() throws {
        var rng = SeededGenerator(seed: 12)
        for trial in 0..<12 {
            let (net, k, a, b, x) = try pairedCase(trial: trial, inputs: 3, narrowest: 2, &rng)
            let (ma, mb) = (PatternMasks(a, width: net.hiddenCount), PatternMasks(b, width: net.hiddenCount))
            var scratch = PatternFixedScratch()
            var preA = [Double](), preB = [Double](), logits = [Double](), alone = [Double]()
            net.patternFixedForwardPair(masks: ma, mb, features: x, count: k, signed: true,
                                        preactivations: &preA, &preB, scratch: &scratch)
            net.patternFixedForward(masks: ma, features: x, count: k, signed: true, preactivations: &alone, logits: &logits, scratch: &scratch)
            XCTAssertEqual(preA, alone, "trial \(trial): first masks")
            net.patternFixedForward(masks: mb, features: x, count: k, signed: true, preactivations: &alone, logits: &logits, scratch: &scratch)
            XCTAssertEqual(preB, alone, "trial \(trial): second masks")

            let ha = (0..<(k * net.hiddenCount)).map { _ in rng.normal() }, hb = (0..<(k * net.hiddenCount)).map { _ in rng.normal() }
            let zeros = [Double](repeating: 0, count: k * net.outputCount)
            var sum = [Double](), ua = [Double](), ub = [Double]()
            net.pullbackSum(masks: ma, hiddenCotangents: ha, mb, hiddenCotangents: hb, count: k, into: &sum, scratch: &scratch)
            net.pullback(masks: ma, outputCotangents: zeros, count: k, hiddenCotangents: ha, into: &ua, scratch: &scratch)
            net.pullback(masks: mb, outputCotangents: zeros, count: k, hiddenCotangents: hb, into: &ub, scratch: &scratch)
            for i in sum.indices {
                XCTAssertEqual(sum[i], ua[i] + ub[i], accuracy: 1e-12 * max(1, abs(ua[i]) + abs(ub[i])), "trial \(trial) entry \(i)")
            }
        }
    }

    /// The Float32 layers (the searches' precision) give the Float64 passes' values to within
    /// Float32 rounding, for one mask row or one per row, and the same zero pattern: a masked
    /// entry is +0 in both.
    func testFloat32PassesFollowTheFloat64Passes() throws {
        var rng = SeededGenerator(seed: 13)
        for trial in 0..<8 {
            let (net, k, a, b, x) = try pairedCase(trial: trial, inputs: 4, narrowest: 3, &rng)
            let n = net.hiddenCount
            let ha = (0..<(k * n)).map { _ in rng.normal() }, hb = (0..<(k * n)).map { _ in rng.normal() }

            var scratch = PatternFixedScratch()
            var preA = [Double](), preB = [Double](), sum = [Double]()
            net.patternFixedForwardPair(masks: PatternMasks(a, width: n), PatternMasks(b, width: n), features: x, count: k,
                                        signed: true, preactivations: &preA, &preB, scratch: &scratch)
            net.pullbackSum(masks: PatternMasks(a, width: n), hiddenCotangents: ha, PatternMasks(b, width: n), hiddenCotangents: hb,
                            count: k, into: &sum, scratch: &scratch)

            let single = PatternFixedLayers<Float>(rounding: net)
            let (fa, fb) = (PatternMaskRows<Float>(a, width: n), PatternMaskRows<Float>(b, width: n))
            var floats = PatternFixedBuffers<Float>()
            var preA32 = [Float](), preB32 = [Float](), sum32 = [Float]()
            single.forwardPair(masks: fa, fb, features: x.map { Float($0) }, count: k, signed: true,
                               preactivations: &preA32, &preB32, scratch: &floats)
            single.pullbackSum(masks: fa, hiddenCotangents: ha.map { Float($0) }, fb, hiddenCotangents: hb.map { Float($0) },
                               count: k, into: &sum32, scratch: &floats)
            for (exact, rounded) in [(preA, preA32), (preB, preB32), (sum, sum32)] {
                XCTAssertEqual(exact.count, rounded.count, "trial \(trial)")
                let scale = exact.map(abs).max() ?? 1
                for i in exact.indices {
                    XCTAssertEqual(Double(rounded[i]), exact[i], accuracy: 1e-5 * max(1, scale), "trial \(trial) entry \(i)")
                }
            }
            // Rows past the first layer are masked identically: +0 wherever Float64 has a zero.
            for i in preA.indices where preA[i] == 0 { XCTAssertEqual(preA32[i].bitPattern & 0x7FFF_FFFF, 0, "trial \(trial)") }
        }
    }

    /// A random network (`inputs` + 0–5 inputs, 1 to 3 hidden layers by trial of `narrowest`
    /// + 0–7 units), k points, and two pattern sets at random points: one pattern for every
    /// row on even trials, one per row on odd ones.
    func pairedCase(trial: Int, inputs: Int, narrowest: Int, _ rng: inout SeededGenerator) throws
        -> (net: Network, k: Int, a: [ActivationPattern], b: [ActivationPattern], x: [Double]) {
        let depth = 1 + trial % 3
        let sizes = [inputs + rng.index(below: 6)] + (0..<depth).map { _ in narrowest + rng.index(below: 8) } + [2 + rng.index(below: 4)]
        let net = try randomNetwork(sizes, &rng)
        let k = 1 + rng.index(below: 7)
        let point = { (rng: inout SeededGenerator) in (0..<sizes[0]).map { _ in rng.unit() } }
        let a = try (0..<(trial % 2 == 0 ? 1 : k)).map { _ in try net.activationPattern(at: point(&rng)) }
        let b = try (0..<k).map { _ in try net.activationPattern(at: point(&rng)) }
        return (net, k, a, b, (0..<k).flatMap { _ in point(&rng) })
    }
}
