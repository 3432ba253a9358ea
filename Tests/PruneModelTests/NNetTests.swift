import Foundation
import PruneModel
import PruneTestSupport
import XCTest

/// NNet text: the folded network must equal NNet's own evaluation on the input box.
final class NNetTests: XCTestCase {
    let sizes = [3, 4, 3, 2]
    let mins = [-1.0, 0.0, 2.0], maxs = [1.0, 5.0, 4.0]
    let means = [0.5, 2.0, 3.0, 1.5], ranges = [2.0, 4.0, 0.5, 3.0]
    var weights: [[Double]] = []
    var biases: [[Double]] = []

    override func setUp() {
        var g = SeededGenerator(seed: 12)
        weights = (0..<3).map { l in (0..<(sizes[l] * sizes[l + 1])).map { _ in Double.random(in: -1...1, using: &g) } }
        biases = (0..<3).map { l in (0..<sizes[l + 1]).map { _ in Double.random(in: -0.5...0.5, using: &g) } }
    }

    /// The NNet file text: header comments, trailing commas, one weight row or bias per line.
    func text() -> String {
        func row(_ v: [Double]) -> String { v.map { "\($0)" }.joined(separator: ",") + ",\n" }
        var t = "// a test network\n// with two header lines\n3,3,2,4,\n3,4,3,2,\n0,\n"
        t += row(mins) + row(maxs) + row(means) + row(ranges)
        for l in 0..<3 {
            for j in 0..<sizes[l + 1] { t += row(Array(weights[l][(j * sizes[l])..<((j + 1) * sizes[l])])) }
            for b in biases[l] { t += row([b]) }
        }
        return t
    }

    /// formats.md §12 evaluation, written out directly (no folding).
    func reference(_ x: [Double]) -> [Double] {
        var a = (0..<3).map { i in (min(max(x[i], mins[i]), maxs[i]) - means[i]) / ranges[i] }
        for l in 0..<3 {
            var z = [Double]()
            for j in 0..<sizes[l + 1] {
                var s = biases[l][j]
                for i in 0..<sizes[l] { s += weights[l][j * sizes[l] + i] * a[i] }
                z.append(l < 2 ? max(s, 0) : s)
            }
            a = z
        }
        return a.map { $0 * ranges[3] + means[3] }
    }

    func testFoldedNetworkMatchesNNetEvaluation() throws {
        let net = try NNetModel.parse(text(), source: "test.nnet")
        XCTAssertEqual(net.headSizes, sizes)
        XCTAssertEqual(net.input.box.lower, mins)
        XCTAssertEqual(net.input.box.upper, maxs)
        XCTAssertTrue(net.input.preprocessing.isIdentity)
        var g = SeededGenerator(seed: 3)
        var points: [[Double]] = [mins, maxs, [0, 2.5, 3]]
        for _ in 0..<20 { points.append((0..<3).map { Double.random(in: mins[$0]...maxs[$0], using: &g) }) }
        var active = 0
        for x in points {
            let got = try net.logits(x), want = reference(x)
            for k in 0..<2 {
                XCTAssertLessThanOrEqual(abs(got[k] - want[k]), 1e-12 * max(abs(want[k]), 1), "x = \(x), output \(k)")
            }
            active += try net.activationPattern(at: x).bitString.filter { $0 == "1" }.count
        }
        XCTAssertGreaterThan(active, 0, "the fixture must exercise active ReLUs")
    }

    func testLoadFromFileNamesTheFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let good = dir.appendingPathComponent("good.nnet")
        try text().write(to: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try NNetModel.load(path: good.path).outputCount, 2)
        let bad = dir.appendingPathComponent("bad.nnet")
        try text().replacingOccurrences(of: "0.5,2.0,3.0,1.5,", with: "0.5,2.0,x,1.5,").write(to: bad, atomically: true, encoding: .utf8)
        assertThrows("model.malformed", containing: ["bad.nnet", "line 8", "'x'"], try NNetModel.load(path: bad.path))
    }

    func testMalformedFilesNameTheLine() throws {
        var lines = text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line numbers below count the two header lines: line 6 holds the minimums.
        XCTAssertEqual(lines[5], "-1.0,0.0,2.0,")
        func parse(_ ls: [String]) throws -> Network { try NNetModel.parse(ls.joined(separator: "\n"), source: "t.nnet") }

        var missing = lines
        missing.removeLast(2) // the last bias and the final empty string
        assertThrows("model.malformed", containing: ["line \(missing.count + 1)", "ends before layer 3 bias 2"], try parse(missing))

        var short = lines
        short[5] = "-1.0,0.0,"
        assertThrows("model.shape-mismatch", containing: ["line 6", "input minimums", "found 2"], try parse(short))

        var wrongSizes = lines
        wrongSizes[3] = "3,4,3,5,"
        assertThrows("model.shape-mismatch", containing: ["line 4"], try parse(wrongSizes))

        var notNumber = lines
        notNumber[10] = "0.1,abc,0.3,"
        assertThrows("model.malformed", containing: ["line 11", "'abc'"], try parse(notNumber))

        var nan = lines
        nan[11] = "nan,0,0,"
        assertThrows("model.non-finite", containing: ["line 12"], try parse(nan))

        var extra = lines
        extra.append("1,")
        assertThrows("model.malformed", containing: ["unexpected content"], try parse(extra))

        lines = ["// only a comment", ""]
        assertThrows("model.malformed", containing: ["t.nnet holds no network"], try parse(lines))
        XCTAssertThrowsCode("model.malformed", try NNetModel.parse("", source: "empty"))
    }

    func testCRLFLineEnds() throws {
        let net = try NNetModel.parse(text().replacingOccurrences(of: "\n", with: "\r\n"), source: "crlf.nnet")
        XCTAssertEqual(try net.logits([0, 1, 3]), try NNetModel.parse(text(), source: "lf.nnet").logits([0, 1, 3]))
    }
}
