import Foundation
import PruneCore
import PruneModel
import PruneTestSupport
import XCTest

/// The committed models load, and prune's Float64 evaluation agrees with numpy's float64
/// reference to 1e-9 (relative), with onnxruntime's float32 run to 1e-4, and on every pattern.
final class ONNXLoaderTests: XCTestCase {
    static let validModels = ["mlp", "gemm_matmul_mix", "tiny_cnn", "mlp_flatten_chain", "double_weights"]

    func testValidModelsMatchReferences() throws {
        for name in Self.validModels {
            let network = try ONNXModel.load(path: ONNXFixtures.path("\(name).onnx"))
            let expected = try ONNXFixtures.expected(name)
            let eval = try network.evaluate(expected.inputs.flatMap { $0 })
            assertClose(eval.logits, expected.reference_logits.flatMap { $0 }, relative: 1e-9, "\(name) vs numpy float64")
            assertClose(eval.logits, expected.ort_logits.flatMap { $0 }, relative: 1e-4, "\(name) vs onnxruntime")
            XCTAssertEqual(eval.patterns.map(\.bitString), expected.patterns, name)
        }
    }

    func testShapesOfLoadedModels() throws {
        let mlp = try ONNXModel.load(path: ONNXFixtures.path("mlp.onnx"))
        XCTAssertEqual(mlp.headSizes, [64, 32, 16, 10])
        XCTAssertTrue(mlp.extractor.isIdentity)
        XCTAssertEqual(mlp.input.box, try InputBox.uniform(64))
        XCTAssertEqual(mlp.input.preprocessing, .identity)

        let cnn = try ONNXModel.load(path: ONNXFixtures.path("tiny_cnn.onnx"))
        XCTAssertEqual(cnn.input.shape, [1, 8, 8])
        XCTAssertEqual(cnn.extractor.shapes, [[1, 8, 8], [4, 8, 8], [4, 8, 8], [4, 4, 4], [4, 2, 2], [4, 2, 2], [4, 3, 3]])
        XCTAssertEqual(cnn.headSizes, [36, 16, 10])

        // The folded Shape/Gather/Unsqueeze/Concat/Reshape chain leaves a plain MLP on [2, 4, 4].
        let chain = try ONNXModel.load(path: ONNXFixtures.path("mlp_flatten_chain.onnx"))
        XCTAssertEqual(chain.input.shape, [2, 4, 4])
        XCTAssertTrue(chain.extractor.isIdentity)
        XCTAssertEqual(chain.headSizes, [32, 8, 3])
    }

    func testMetadataGivesBoxAndPreprocessing() throws {
        let network = try ONNXModel.load(path: ONNXFixtures.path("double_weights.onnx"))
        XCTAssertEqual(network.input.box.lower, Array(repeating: -1, count: 6))
        XCTAssertEqual(network.input.box.upper, [1, 1, 1, 2, 2, 2.5])
        XCTAssertEqual(network.input.preprocessing, try Preprocessing(mean: [0.5], std: [0.25]))
    }

    func testInvalidModelsGiveTheirCodes() throws {
        let cases: [(String, String, String)] = [
            ("unsupported_softmax.onnx", "model.unsupported-operator", "Softmax"),
            ("gemm_transA.onnx", "model.unsupported-attribute", "transA"),
            ("wrong_shape_initializer.onnx", "model.shape-mismatch", "w1"),
            ("external_data.onnx", "model.external-data", "w1"),
            ("conv_dilation.onnx", "model.unsupported-attribute", "dilations"),
        ]
        for (file, code, mention) in cases {
            let path = try ONNXFixtures.path(file)
            XCTAssertThrowsError(try ONNXModel.load(path: path), file) { error in
                guard let error = error as? FileError else { return XCTFail("\(file): \(error) is not a FileError") }
                XCTAssertEqual(error.code, code, "\(file): \(error)")
                XCTAssertTrue(error.message.hasPrefix(path + ": "), "\(file): the message names the file: \(error)")
                XCTAssertTrue(error.message.contains(mention), "\(file): \(error) should mention \(mention)")
            }
        }
    }

    func testTruncatedFileIsMalformed() throws {
        let bytes = try ONNXFixtures.data("mlp.onnx")
        let dir = try makeTemporaryDirectory(self)
        for cut in [bytes.count / 2, bytes.count - 3, 17] {
            let path = dir.appendingPathComponent("cut-\(cut).onnx").path
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsCode("model.malformed", try ONNXModel.load(path: path))
        }
        XCTAssertThrowsCode("model.malformed", try ONNXModel.decode(Data(), source: "<empty>"))
    }

    func testMissingFileIsAnIOError() {
        XCTAssertThrowsCode("io.not-found", try ONNXModel.load(path: "/nonexistent/model.onnx"))
    }
}
