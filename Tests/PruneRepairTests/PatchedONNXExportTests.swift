import Foundation
import PruneCore
import PruneModel
import PruneRepair
import PruneTestSupport
import XCTest

/// The ONNX export of f̂ = f + Σh evaluates in onnxruntime to `PatchedNetwork.evaluate`: on the
/// member regions (G = 1), in the gates' transition bands (0 < G < 1) and far away (G = 0),
/// for multi-member, linear and unsound (K below the closed form) patches. prune has no ONNX
/// interpreter of its own for this graph, so onnxruntime is the oracle (skipped without it).
final class PatchedONNXExportTests: XCTestCase {
    /// Patches on `network` at random points: members are the regions of nearby points, so
    /// the bands of a patch's members overlap.
    private func patches(on network: Network, counts: [Int], linear: Set<Int>, unsound: Set<Int>, gateLayers: [Int: Int] = [:],
                         rng: inout SeededGenerator) throws -> (patches: [Patch], centres: [[Double]]) {
        let m = network.featureCount, c = network.outputCount
        var patches = [Patch](), centres = [[Double]]()
        for (k, count) in counts.enumerated() {
            let centre = randomPoint(m, &rng)
            centres.append(centre)
            let members = try (0..<count).map { i in
                try network.activationPattern(at: i == 0 ? centre : centre.map { $0 + 0.05 * rng.normal() })
            }
            let offset = (0..<c).map { _ in rng.normal() }
            let c1 = linear.contains(k) ? (0..<(c * m)).map { _ in 0.3 * rng.normal() } : nil
            let bound = Patch.requiredBound(offset: offset, linear: c1, box: network.input.box) * (unsound.contains(k) ? 0.6 : 1)
            patches.append(Patch(members: members, gamma: [4, 9, 2.5][k % 3], offset: offset, linear: c1, bound: bound, target: k % c,
                                 gateLayers: gateLayers[k]))
        }
        return (patches, centres)
    }

    /// Points at the centres (gates open), near them (bands) and anywhere in the box.
    private func points(around centres: [[Double]], features m: Int, rng: inout SeededGenerator) -> [Double] {
        var x = [Double]()
        for centre in centres {
            x += centre
            for scale in [0.01, 0.03, 0.1] {
                for _ in 0..<20 { x += centre.map { min(1, max(0, $0 + scale * rng.normal())) } }
            }
        }
        for _ in 0..<100 { x += randomPoint(m, &rng) }
        return x
    }

    func testOnnxruntimeAgreesWithPatchedNetwork() throws {
        try Onnxruntime.requireAvailable()
        let dir = try makeTemporaryDirectory(self, prefix: "patched-onnx")
        var rng = SeededGenerator(seed: 21)
        // Three hidden layers (the batched member path), one member per patch (no max), one
        // hidden layer (first rows only), no hidden layer (every gate 1), and gates over the
        // first one or two of three hidden layers beside an exact one (gateLayers).
        let cases: [(sizes: [Int], counts: [Int], linear: Set<Int>, unsound: Set<Int>, layers: [Int: Int])] = [
            ([6, 9, 8, 7, 4], [1, 3, 2, 1], [1], [3], [:]),
            ([7, 10, 6, 3], [1, 1, 1], [2], [], [:]),
            ([5, 12, 3], [2, 1], [0], [], [:]),
            ([4, 3], [1, 2], [1], [], [:]),
            ([6, 9, 8, 7, 4], [1, 2, 1], [], [], [0: 1, 1: 2]),
        ]
        var jobs = [Onnxruntime.Job](), expected = [PatchedEvaluation]()
        for (index, spec) in cases.enumerated() {
            let network = try randomNetwork(spec.sizes, seed: 100 + UInt64(index))
            let made = try patches(on: network, counts: spec.counts, linear: spec.linear, unsound: spec.unsound,
                                   gateLayers: spec.layers, rng: &rng)
            let patched = PatchedNetwork(network: network, patches: made.patches)
            XCTAssertFalse(patched.onnxStoresFloat32)
            let model = dir.appendingPathComponent("case-\(index).onnx")
            try patched.onnxData(producer: "prune-tests").write(to: model)
            let x = points(around: made.centres, features: network.featureCount, rng: &rng)
            jobs.append(.init(model: model, shape: [x.count / network.inputCount, network.inputCount], inputs: x))
            expected.append(try patched.evaluate(x))
        }
        let runtime = try Onnxruntime.outputs(jobs, scratch: dir)
        for (index, (logits, eval)) in zip(runtime, expected).enumerated() {
            assertClose(logits, eval.logits, relative: 1e-9, "case \(index): onnxruntime vs PatchedNetwork")
        }
        // Not vacuous: the deep case has full, partial and closed gates, and the patches move logits.
        let deep = expected[0]
        XCTAssertGreaterThan(deep.gates.filter { $0.value == 1 }.count, 4)
        XCTAssertGreaterThan(deep.gates.filter { $0.value > 0 && $0.value < 1 }.count, 10)
        XCTAssertLessThan(Set(deep.gates.filter { $0.value > 0 }.map(\.point)).count, deep.batch - 50)
        XCTAssertGreaterThan(zip(deep.logits, deep.originalLogits).filter { abs($0 - $1) > 1e-3 }.count, 20)
        // The coarse gates open wider than exact ones would: some point has a first-layer gate of 1.
        XCTAssertGreaterThan(expected[4].gates.filter { $0.patch == 0 && $0.value == 1 }.count, 1)
    }

    /// Float32 weights and Float32-valued patch constants keep the graph FLOAT, and it
    /// agrees with Float64 evaluation to the exporter's Float32 tolerance.
    func testFloat32PatchesKeepAFloatGraph() throws {
        try Onnxruntime.requireAvailable()
        let dir = try makeTemporaryDirectory(self, prefix: "patched-onnx-f32")
        var rng = SeededGenerator(seed: 5)
        let base = try randomNetwork([5, 8, 6, 3], seed: 9)
        let network = try Network(input: base.input, layers: base.layers.map {
            try DenseLayer(inputs: $0.inputs, outputs: $0.outputs, weights: $0.weights.map { Double(Float($0)) },
                           bias: $0.bias.map { Double(Float($0)) })
        })
        let made = try patches(on: network, counts: [2, 1], linear: [], unsound: [], rng: &rng)
        let patches = made.patches.map {
            Patch(members: $0.members, gamma: $0.gamma, offset: $0.offset.map { Double(Float($0)) }, bound: 4, target: $0.target)
        }
        XCTAssertLessThanOrEqual(patches.flatMap(\.offset).map(abs).max()!, 4)
        let patched = PatchedNetwork(network: network, patches: patches)
        XCTAssertTrue(patched.onnxStoresFloat32)
        let model = dir.appendingPathComponent("f32.onnx")
        try patched.onnxData(producer: "prune-tests").write(to: model)
        let x = points(around: made.centres, features: 5, rng: &rng).map { Double(Float($0)) }
        let logits = try Onnxruntime.outputs([.init(model: model, shape: [x.count / 5, 5], inputs: x)], scratch: dir)[0]
        let eval = try patched.evaluate(x)
        XCTAssertGreaterThan(eval.gates.filter { $0.value == 1 }.count, 1)
        assertClose(logits, eval.logits, relative: 1e-5, "float32 graph vs PatchedNetwork")
    }

    /// No patches: the export is the network's own, byte for byte.
    func testWithoutPatchesTheExportIsTheNetworks() throws {
        let network = try randomNetwork([4, 6, 3], seed: 2)
        XCTAssertEqual(try PatchedNetwork(network: network, patches: []).onnxData(producer: "p"),
                       try ONNXExport.data(of: network, producer: "p"))
    }

    /// An in-memory patch without members has no gate to export; refused with a code.
    func testPatchWithoutMembersIsRefused() throws {
        let network = try randomNetwork([4, 6, 3], seed: 2)
        let patch = Patch(members: [], gamma: 1, offset: [0, 0, 1], bound: 1, target: 2)
        XCTAssertThrowsCode("repair.unsupported-network", try PatchedNetwork(network: network, patches: [patch]).onnxData(producer: "p"))
    }
}
