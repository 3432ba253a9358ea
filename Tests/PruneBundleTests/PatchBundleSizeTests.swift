import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair
import XCTest

/// Bundles store activation patterns as bitsets and dual certificates sparsely over hidden
/// neurons, so their size does not grow with the input dimension at a fixed hidden width.
final class PatchBundleSizeTests: XCTestCase {
    func testSizeDoesNotScaleWithInputDimension() throws {
        let key = try PrivateKey(pemFile: PatchBundleVectors.path("test-only-signer.key.pem"))
        let small = try bundleSize(inputs: 16, key: key), large = try bundleSize(inputs: 160, key: key)
        XCTAssertEqual(small.patches, large.patches)
        XCTAssertEqual(small.patches, 3)
        let ratio = Double(large.bytes) / Double(small.bytes)
        XCTAssertLessThan(abs(ratio - 1), 0.03, "16 inputs: \(small.bytes) bytes, 160 inputs: \(large.bytes) bytes")
    }

    /// Signs the bundle of 3 forgotten points on a [inputs, 24, 16, 10] network. The hidden
    /// and output layers are the same for every input size, and the first layer reads the
    /// first 16 inputs (the rest have zero weights), so both networks have the same regions
    /// and certificates and only the format's dependence on the input dimension shows.
    private func bundleSize(inputs: Int, key: PrivateKey) throws -> (bytes: Int, patches: Int) {
        let sizes = [16, 24, 16, 10]
        var rng = SeededGenerator(seed: 7)
        var layers = [DenseLayer]()
        for l in 0..<(sizes.count - 1) {
            var w = (0..<(sizes[l] * sizes[l + 1])).map { _ in rng.normal() / Double(sizes[l]).squareRoot() * 1.5 }
            let b = (0..<sizes[l + 1]).map { _ in rng.normal() * 0.3 }
            var width = sizes[l]
            if l == 0 {
                // Row-major [outputs × inputs]: pad each row with zero weights.
                let original = w, padding = [Double](repeating: 0, count: inputs - 16)
                w = []
                for row in 0..<sizes[1] { w += original[(row * 16)..<((row + 1) * 16)] + padding }
                width = inputs
            }
            layers.append(try DenseLayer(inputs: width, outputs: sizes[l + 1], weights: w, bias: b))
        }
        let network = try Network(input: .unitBox(inputs), layers: layers)
        let points = (0..<3).map { _ in (0..<16).map { _ in rng.unit() } }
        let filler = [Double](repeating: 0.5, count: inputs - 16)
        let forget: [Double] = points.flatMap { $0 + filler }
        let labels = try network.evaluate(forget).predictions
        let result = try Unlearner(network: network, configuration: UnlearningConfiguration(margin: 0.02))
            .run(forget: forget, labels: labels, reference: nil)
        let file = try PatchFile(result: result, network: network, modelDigest: String(repeating: "a", count: 64),
                                 requestID: "size", rawPoints: forget, labels: labels)
        let statement = try PatchBundle.statement(patchFile: file, modelRootDigest: String(repeating: "b", count: 64),
                                                  parent: nil, createdAt: "2026-01-31T12:00:00Z")
        return (try PatchBundle.sign(statement, key: key).count, result.patches.count)
    }
}
