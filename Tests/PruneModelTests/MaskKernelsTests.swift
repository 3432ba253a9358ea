import XCTest
import PruneBLAS
import PruneCore
import PruneModel
import PruneTestSupport

/// The kernels (generic; tested here in Float64, which every bound uses) and the mask-based
/// passes must give bit for bit what the plain scalar loops and the pattern-based passes give:
/// the optimisers' iterates, and so the certificates they produce, must not depend on which
/// path computed them.
final class MaskKernelsTests: XCTestCase {
    /// Bits of a value, every NaN alike (payloads are not part of the contract).
    func bits(_ x: Double) -> UInt64 { x.isNaN ? Double.nan.bitPattern : x.bitPattern }

    /// splitSigns reads a slice at its own indices and writes [max(z, 0), max(−z, 0)] per row,
    /// +0 for both zeros: the halves are what a 0/1 selector product sums as violations.
    func testSplitSignsWritesPositiveAndNegativeHalves() {
        var rng = SeededGenerator(seed: 12)
        let (rows, width) = (7, 5)
        var values = (0..<(rows * width + 3)).map { _ in Double.random(in: -2...2, using: &rng) }
        values[4] = 0
        values[9] = -0.0
        let slice = values[3...]
        var parts = [Double](repeating: .nan, count: rows * 2 * width)
        MaskKernels.splitSigns(slice, rows: rows, width: width, into: &parts)
        for r in 0..<rows {
            for i in 0..<width {
                let v = values[3 + r * width + i]
                XCTAssertEqual(bits(parts[r * 2 * width + i]), bits(v > 0 ? v : 0))
                XCTAssertEqual(bits(parts[r * 2 * width + width + i]), bits(v < 0 ? -v : 0))
            }
        }
        // values[4] = 0 is row 0, entry 1; values[9] = −0 is row 1, entry 1.
        for r in 0..<2 {
            XCTAssertEqual(bits(parts[r * 2 * width + 1]), bits(0), "row \(r): a zero gives +0")
            XCTAssertEqual(bits(parts[r * 2 * width + width + 1]), bits(0), "row \(r): a zero gives +0")
        }
    }

    func testAdamStepMatchesTheScalarLoopBitForBit() {
        var rng = SeededGenerator(seed: 11)
        for (count, upper) in [(7, Double.infinity), (16, 1.0), (1, .infinity), (0, 1.0)] {
            var g = (0..<count).map { _ in rng.normal() }
            if count > 2 { g[2] = .nan }
            var w = (0..<count).map { _ in max(0, rng.normal()) }, m = g.map { _ in rng.normal() * 0.1 }
            var v = g.map { _ in rng.unit() * 0.1 }
            var (w0, m0, v0) = (w, m, v)
            let (lr, b1, b2, eps, c1, c2) = (0.05, 0.9, 0.999, 1e-12, 0.19, 0.002)
            for i in 0..<count {
                m0[i] = b1 * m0[i] + (1 - b1) * g[i]
                v0[i] = b2 * v0[i] + (1 - b2) * g[i] * g[i]
                w0[i] = min(upper, max(0, w0[i] - lr * (m0[i] / c1) / ((v0[i] / c2).squareRoot() + eps)))
            }
            MaskKernels.projectedAdamStep(weights: &w, first: &m, second: &v, gradient: g, learningRate: lr,
                                          beta1: b1, beta2: b2, epsilon: eps, c1: c1, c2: c2, lower: 0, upper: upper)
            XCTAssertEqual(w.map(bits), w0.map(bits), "count \(count)")
            XCTAssertEqual(m.map(bits), m0.map(bits), "count \(count)")
            XCTAssertEqual(v.map(bits), v0.map(bits), "count \(count)")
        }
    }

    /// The bit-mask selects of the kernels give what their branches give, in both precisions:
    /// `masked` is +0 where the mask is 0 (whatever the value's sign) and the value itself
    /// elsewhere; `corner` takes the upper bound at g ≥ 0 (−0 included) and the lower one below.
    func testBitMaskSelectsMatchTheirBranchesInBothPrecisions() {
        func check<T: BLASScalar>(_: T.Type) {
            let values: [T] = [3.5, -2, 0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
            for value in values {
                XCTAssertEqual(T.masked(value, by: 0).bitPattern, T(0).bitPattern, "\(T.self) \(value) masked")
                XCTAssertEqual(T.masked(value, by: 1).bitPattern, value.bitPattern, "\(T.self) \(value) kept")
                let (lower, upper): (T, T) = (-1.25, 2.5)
                XCTAssertEqual(T.corner(value, lower: lower, upper: upper), value >= 0 ? upper : lower, "\(T.self) \(value) corner")
            }
            XCTAssertEqual(T.masked(.nan, by: 0).bitPattern, T(0).bitPattern, "\(T.self) NaN masked")
        }
        check(Double.self)
        check(Float.self)
    }

    func testBoxMaximumMatchesTheScalarLoop() {
        var rng = SeededGenerator(seed: 12)
        let (rows, width) = (3, 9)
        let g = (0..<(rows * width)).map { i in i == 4 ? -0.0 : rng.normal() }
        let lower = (0..<width).map { _ in -rng.unit() }, upper = (0..<width).map { _ in rng.unit() }
        var corners = [Double](repeating: 0, count: rows * width), totals = [1.5, -2, 0]
        var expected = totals
        for r in 0..<rows {
            for c in 0..<width {
                let gc = g[r * width + c]
                expected[r] += gc * (gc >= 0 ? upper[c] : lower[c])
            }
        }
        MaskKernels.boxMaximum(g, rows: rows, width: width, lower: lower, upper: upper, corners: &corners, totals: &totals)
        XCTAssertEqual(totals.map(bits), expected.map(bits))
        for r in 0..<rows {
            for c in 0..<width {
                XCTAssertEqual(corners[r * width + c], g[r * width + c] >= 0 ? upper[c] : lower[c])
            }
        }
    }

    /// The mask passes with reused buffers against the pattern passes, one pattern per row and
    /// one for all rows, and the signed record against negating the inactive pre-activations.
    func testMaskPassesMatchPatternPasses() throws {
        let net = try randomNetwork([6, 5, 4, 3], seed: 13)
        var rng = SeededGenerator(seed: 14)
        let k = 5, n = net.hiddenCount
        let x = (0..<(k * net.featureCount)).map { _ in rng.unit() }
        let patterns = try net.evaluate((0..<(k * net.featureCount)).map { _ in rng.unit() }).patterns
        let v = (0..<(k * net.outputCount)).map { _ in rng.normal() }
        let h = (0..<(k * n)).map { _ in rng.normal() }
        var scratch = PatternFixedScratch()
        for set in [patterns, [patterns[0]]] {
            let masks = PatternMasks(set, width: n)
            let expected = net.patternFixedForward(patterns: set, features: x)
            var pre = [Double](), logits = [Double](), signed = [Double]()
            net.patternFixedForward(masks: masks, features: x, count: k, preactivations: &pre, logits: &logits, scratch: &scratch)
            XCTAssertEqual(pre, expected.preactivations)
            XCTAssertEqual(logits, expected.logits)
            net.patternFixedForward(masks: masks, features: x, count: k, signed: true,
                                    preactivations: &signed, logits: &logits, scratch: &scratch)
            for r in 0..<k {
                let pattern = set.count == 1 ? set[0] : set[r]
                for i in 0..<n { XCTAssertEqual(signed[r * n + i], pattern[i] ? pre[r * n + i] : -pre[r * n + i]) }
            }
            var u = [Double]()
            net.pullback(masks: masks, outputCotangents: v, count: k, hiddenCotangents: h, into: &u, scratch: &scratch)
            XCTAssertEqual(u, net.pullback(patterns: set, outputCotangents: v, count: k, hiddenCotangents: h))
        }
    }
}
