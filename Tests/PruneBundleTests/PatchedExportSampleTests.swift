import Foundation
import PruneBundle
import PruneCrypto
import PruneModel
import PruneRepair
import PruneTestSupport
import XCTest

/// The shipped sample's f̂ (digits.onnx + bundle-1 + bundle-2, verified under the sample
/// owner's key) exported as ONNX: onnxruntime gives PatchedNetwork's logits on every digits
/// row, the forgotten rows change class, rows with no open gate keep the original logits, and
/// leaving any one patch out brings its forgotten rows back.
final class PatchedExportSampleTests: XCTestCase {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleBundles")
    static func path(_ name: String) -> String { sample.appendingPathComponent(name).path }

    func testSampleExportAgreesWithPatchedNetworkOnEveryDigitsRow() throws {
        try Onnxruntime.requireAvailable()
        let dir = try makeTemporaryDirectory(self, prefix: "sample-export")
        let model = Self.path("digits.onnx")
        let network = try ModelFile.load(path: model)
        let verifier = try PatchBundleVerifier(trustedKeys: [try PublicKey(pemFile: Self.path("keys/sample-owner.pub.pem"))],
                                               modelPath: model)
        let patches = try verifier.verify(paths: [Self.path("bundle-1.json"), Self.path("bundle-2.json")]).flatMap(\.patches)
        XCTAssertGreaterThan(patches.count, 1)
        let data = try DatasetLoader.load(path: Self.path("data/digits.csv"), labels: nil)
        var x = data.features
        network.input.preprocessing.apply(to: &x, featureCount: data.featureCount)
        let forget = try ["forget-1.rows", "forget-2.rows"].flatMap { try IndexFile.load(path: Self.path($0), count: data.count) }
        XCTAssertEqual(forget.count, 8)

        // f̂ with every patch, then with each patch left out.
        let variants = [PatchedNetwork(network: network, patches: patches)] + patches.indices.map { k in
            PatchedNetwork(network: network, patches: patches.enumerated().filter { $0.offset != k }.map(\.element))
        }
        var jobs = [Onnxruntime.Job](), expected = [PatchedEvaluation]()
        for (index, patched) in variants.enumerated() {
            // The weights are Float32 values, the patch constants are not: the export keeps Float64.
            XCTAssertFalse(patched.onnxStoresFloat32)
            let file = dir.appendingPathComponent("variant-\(index).onnx")
            try patched.onnxData(producer: "prune-tests").write(to: file)
            jobs.append(.init(model: file, shape: [data.count, data.featureCount], inputs: x))
            expected.append(try patched.evaluate(x))
        }
        let runtime = try Onnxruntime.outputs(jobs, scratch: dir)
        for (index, (logits, eval)) in zip(runtime, expected).enumerated() {
            assertClose(logits, eval.logits, relative: 1e-9, "variant \(index): onnxruntime vs PatchedNetwork")
        }

        let full = expected[0], classes = network.outputCount
        let predictions = HeadEvaluation.predictions(logits: runtime[0], classes: classes)
        for row in forget {
            XCTAssertNotEqual(predictions[row], full.originalPredictions[row], "forgotten row \(row) keeps the original's class")
        }
        // Outside every gate the export adds exactly nothing to the original logits.
        let gated = Set(full.gates.filter { $0.value > 0 }.map(\.point))
        XCTAssertTrue(Set(forget).isSubset(of: gated))
        XCTAssertGreaterThan(data.count - gated.count, 1700)
        for row in 0..<data.count where !gated.contains(row) {
            let range = (row * classes)..<((row + 1) * classes)
            assertClose(Array(runtime[0][range]), Array(full.originalLogits[range]), relative: 1e-9, "ungated row \(row)")
        }

        // Each patch carries forgotten rows: without it their logits move, and where no other
        // gate is open (all but row 45, where bundle-2's first gate is 0.85) their class reverts.
        var reverted = 0
        for k in patches.indices {
            let covered = forget.filter { row in full.gates.contains { $0.point == row && $0.patch == k && $0.value == 1 } }
            XCTAssertFalse(covered.isEmpty, "patch \(k) covers no forgotten row")
            let without = HeadEvaluation.predictions(logits: runtime[k + 1], classes: classes)
            for row in covered {
                let range = (row * classes)..<((row + 1) * classes)
                XCTAssertGreaterThan(zip(runtime[k + 1][range], runtime[0][range]).map { abs($0 - $1) }.max()!, 1e-3)
                guard !full.gates.contains(where: { $0.point == row && $0.patch != k && $0.value > 0 }) else { continue }
                XCTAssertEqual(without[row], full.originalPredictions[row], "patch \(k) left out, row \(row) stays forgotten")
                reverted += 1
            }
        }
        XCTAssertEqual(reverted, 7)
    }
}
