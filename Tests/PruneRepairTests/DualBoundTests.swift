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

    /// Fast certificates, batched over regions: every bound is sound; the largest of each
    /// region (the one that sets the patch) is within 1 % of the LP optimum and equal to what a
    /// full search of every row gives; every other row is either below it (it cannot change
    /// the patch) or as tight as the full search makes it.
    func testFastOptimizerApproachesTheLPOptimumAcrossRegions() throws {
        var rng = SeededGenerator(seed: 12)
        let net = try randomNetwork([6, 10, 8, 4], seed: 300)
        var requests = [(pattern: ActivationPattern, target: Int)]()
        for q in 0..<6 { requests.append((try net.activationPattern(at: randomPoint(6, &rng)), q % 4)) }
        let fast = try RegionCertifier(network: net, box: net.input.box, mode: .fast).certify(requests)
        let exact = try RegionCertifier(network: net, box: net.input.box, mode: .exact).certify(requests)
        var below = 0
        for q in 0..<6 {
            let rows = (0..<4).filter { $0 != requests[q].target }
            let spec = RegionCertifier.specRows(target: requests[q].target, classes: 4)
            let problem = DualProblem(network: net, box: net.input.box, patterns: [requests[q].pattern],
                                      cotangents: spec.cotangents, count: rows.count)
            let full = FastDualOptimizer().minimize(problem).values
            let leading = rows.map { fast[q].bounds[$0] }.max()!
            XCTAssertEqual(leading, rows.map { exact[q].bounds[$0] }.max()!, accuracy: 0.01 * max(1, abs(leading)))
            // The same search in a different batch: the products round differently, and the
            // Adam steps carry that to about 1e-5 of the bound.
            XCTAssertEqual(leading, full.max()!, accuracy: 1e-4 * max(1, abs(leading)), "region \(q): the patch must not grow")
            for (r, j) in rows.enumerated() {
                XCTAssertGreaterThanOrEqual(fast[q].bounds[j], exact[q].bounds[j] - 1e-9)
                if fast[q].bounds[j] < leading - 1e-9 {
                    below += 1
                } else {
                    XCTAssertEqual(fast[q].bounds[j], full[r], accuracy: 1e-4 * max(1, abs(full[r])), "region \(q) row \(j)")
                }
            }
        }
        XCTAssertGreaterThan(below, 0, "some rows must have stopped below the leading bound")
        // Rows are optimised independently, so batches of one region each give the same bounds.
        var chunked = RegionCertifier(network: net, box: net.input.box, mode: .fast)
        chunked.rowsPerBatch = 3
        let alone = try chunked.certify(requests)
        XCTAssertEqual(alone.map(\.pattern), fast.map(\.pattern))
        for q in 0..<6 {
            for j in 0..<4 { XCTAssertEqual(alone[q].bounds[j], fast[q].bounds[j], accuracy: 1e-9 * max(1, abs(fast[q].bounds[j]))) }
        }
    }

    /// With goals, a row that meets its goal leaves the search (keeping its start, up to the
    /// search's Float32 rounding) and the others go on exactly as if they were alone; a batch
    /// large enough to run as two halves gives the same values.
    func testGoalsDropFinishedRowsWithoutChangingTheOthers() throws {
        var rng = SeededGenerator(seed: 14)
        let net = try randomNetwork([6, 10, 8, 3], seed: 302)
        let k = 2 * 70   // two halves (RowHalves) of 70 rows
        let patterns = try (0..<k).map { _ in try net.activationPattern(at: randomPoint(6, &rng)) }
        let v = (0..<(k * 3)).map { _ in rng.normal() }
        let problem = DualProblem(network: net, box: net.input.box, patterns: patterns, cotangents: v, count: k)
        let optimizer = FastDualOptimizer(steps: 60)
        let all = optimizer.minimize(problem)
        // Odd rows are done at once (goal +∞); even rows never meet theirs (−∞).
        let goals = (0..<k).map { $0 % 2 == 1 ? Double.infinity : -Double.infinity }
        let mixed = optimizer.minimize(problem, goals: goals)
        let start = problem.evaluate(multipliers: [Double](repeating: 0, count: k * net.hiddenCount)).values
        for r in 0..<k {
            // A finished row keeps its start, which the search evaluated in Float32.
            let expected = r % 2 == 1 ? start[r] : all.values[r]
            let tolerance = r % 2 == 1 ? 1e-5 : 1e-9
            XCTAssertEqual(mixed.values[r], expected, accuracy: tolerance * max(1, abs(expected)), "row \(r)")
        }
        let even = Array(stride(from: 0, to: k, by: 2))
        let alone = optimizer.minimize(problem.rows(even))
        for (q, r) in even.enumerated() {
            XCTAssertEqual(alone.values[q], all.values[r], accuracy: 1e-9 * max(1, abs(all.values[r])), "row \(r) alone")
        }
        XCTAssertGreaterThan(zip(all.values, start).filter { $0 < $1 - 1e-6 }.count, k / 2, "the search must improve most rows")
    }

    /// Sparsifying keeps every row that met its goal at or below it with no more nonzero
    /// multipliers, drops some, and leaves the rows that did not meet it alone.
    func testSparsestMultipliersStillMeetTheirGoals() throws {
        var rng = SeededGenerator(seed: 15)
        let net = try randomNetwork([6, 12, 10, 3], seed: 303)
        let k = 40, n = net.hiddenCount
        let patterns = try (0..<k).map { _ in try net.activationPattern(at: randomPoint(6, &rng)) }
        let v = (0..<(k * 3)).map { _ in rng.normal() }
        let problem = DualProblem(network: net, box: net.input.box, patterns: patterns, cotangents: v, count: k)
        // Dense multipliers, as a short search leaves them.
        let dense = FastDualOptimizer(steps: 10).minimize(problem).multipliers
        let values = problem.evaluate(multipliers: dense).values
        // Half the goals are met with room, half are out of reach.
        let goals: [Double] = (0..<k).map { r in
            let value = values[r]
            return r % 2 == 0 ? value + 0.5 * abs(value) + 0.1 : value - 1
        }
        let sparse = RegionCertifier.sparsest(problem, multipliers: dense, values: values, goals: goals)
        let after = problem.evaluate(multipliers: sparse).values
        var dropped = 0
        for r in 0..<k {
            let row = (r * n)..<((r + 1) * n)
            let before = dense[row].filter { $0 != 0 }.count, now = sparse[row].filter { $0 != 0 }.count
            XCTAssertTrue(sparse[row].allSatisfy { $0 >= 0 })
            if r % 2 == 0 {
                XCTAssertLessThanOrEqual(after[r], goals[r], "row \(r)")
                XCTAssertLessThanOrEqual(now, before)
                dropped += before - now
            } else {
                XCTAssertEqual(Array(sparse[row]), Array(dense[row]), "row \(r) missed its goal and must keep its multipliers")
            }
        }
        XCTAssertGreaterThan(dropped, 0)
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
