import Foundation
import PruneCore
import PruneCrypto
import PruneModel
import PruneTestSupport
import XCTest

/// Export → load is the identity, the exported bytes are pinned, and onnxruntime evaluates
/// the exported model to prune's logits.
final class ONNXExportTests: XCTestCase {
    /// SHA-256 of the export of mlp.onnx's network; changes only when the writer does.
    static let mlpExportDigest = "Fixtures/onnx/mlp.exported.sha256"

    private func roundTrip(_ network: Network, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let bytes = try ONNXExport.data(of: network, producer: "prune-tests")
        let back = try ONNXModel.decode(bytes, source: "<export>")
        XCTAssertEqual(back, network, "export → load changed the network", file: file, line: line)
        XCTAssertEqual(try ONNXExport.data(of: back, producer: "prune-tests"), bytes, "export is deterministic", file: file, line: line)
        return bytes
    }

    func testRoundTripOfTheFixtures() throws {
        for name in ONNXLoaderTests.validModels {
            _ = try roundTrip(ONNXModel.load(path: ONNXFixtures.path("\(name).onnx")))
        }
    }

    func testRoundTripOfADoubleNetworkWithMetadata() throws {
        let network = try Self.randomNetwork(seed: 7, float32: false)
        XCTAssertFalse(network.layers.allSatisfy(\.isFloat32Exact))
        _ = try roundTrip(network)
    }

    func testExportOfMLPIsPinned() throws {
        let network = try ONNXModel.load(path: ONNXFixtures.path("mlp.onnx"))
        let bytes = try ONNXExport.data(of: network, producer: "prune")
        let digest = try Hash.sha256(bytes).hexString
        let pinned = try String(contentsOf: ONNXFixtures.url("mlp.exported.sha256"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(digest, pinned, "the exported bytes changed; if intended, update \(Self.mlpExportDigest)")
    }

    /// onnxruntime (via python3) evaluates exported models to prune's logits: 1e-5 for float32
    /// storage, 1e-12 for double storage.
    func testOnnxruntimeAgreesWithExports() throws {
        let probe = try? runTool("/usr/bin/env", ["python3", "-c", "import onnxruntime, numpy"])
        guard let probe, probe.status == 0 else { throw XCTSkip("python3 with onnxruntime and numpy is not available") }
        let dir = try makeTemporaryDirectory(self)
        let cases: [(String, Network, Double)] = [
            ("mlp", try ONNXModel.load(path: ONNXFixtures.path("mlp.onnx")), 1e-5),
            ("tiny_cnn", try ONNXModel.load(path: ONNXFixtures.path("tiny_cnn.onnx")), 1e-5),
            ("chain", try ONNXModel.load(path: ONNXFixtures.path("mlp_flatten_chain.onnx")), 1e-5),
            ("random_float", try Self.randomNetwork(seed: 3, float32: true), 1e-5),
            // onnxruntime's CPU provider has no double Conv, so the double case is an MLP.
            ("double_mlp", try ONNXModel.load(path: ONNXFixtures.path("double_weights.onnx")), 1e-12),
        ]
        // One python3 run for every model: importing onnxruntime dominates the time.
        var jobs = [[String: Any]]()
        var expected = [[Double]]()
        for (name, network, _) in cases {
            var rng = SeededGenerator(seed: 11)
            let count = 5
            // Float32-exact inputs so the float32 runtime sees the same points.
            let inputs = (0..<(count * network.inputCount)).map { _ in Double(Float.random(in: 0...1, using: &rng)) }
            let model = dir.appendingPathComponent("\(name).onnx")
            try ONNXExport.data(of: network, producer: "prune-tests").write(to: model)
            jobs.append(["path": model.path, "shape": [count] + network.input.shape, "inputs": inputs])
            expected.append(try network.logits(inputs))
        }
        let script = """
        import json, sys, numpy as np, onnxruntime as ort
        try:
            import onnx
        except ImportError:
            onnx = None
        results = []
        for job in json.load(sys.stdin):
            if onnx is not None:
                onnx.checker.check_model(job["path"], full_check=True)
            s = ort.InferenceSession(job["path"], providers=["CPUExecutionProvider"])
            i = s.get_inputs()[0]
            dtype = np.float64 if i.type == "tensor(double)" else np.float32
            x = np.array(job["inputs"], dtype=dtype).reshape(job["shape"])
            results.append([float(v) for v in s.run(None, {i.name: x})[0].flatten()])
        print(json.dumps(results))
        """
        let result = try runTool("/usr/bin/env", ["python3", "-c", script],
                                 stdin: try JSONSerialization.data(withJSONObject: jobs))
        XCTAssertEqual(result.status, 0, result.stderr)
        let ort = try JSONDecoder().decode([[Double]].self, from: result.stdoutData)
        XCTAssertEqual(ort.count, cases.count)
        for ((name, _, tolerance), (runtime, prune)) in zip(cases, zip(ort, expected)) {
            assertClose(runtime, prune, relative: tolerance, "\(name): onnxruntime vs prune")
        }
    }

    /// A small CNN with weights that are not Float32 values, a box and preprocessing.
    static func randomNetwork(seed: UInt64, float32: Bool) throws -> Network {
        var rng = SeededGenerator(seed: seed)
        func values(_ n: Int, scale: Double) -> [Double] {
            (0..<n).map { _ in
                let v = Double.random(in: -scale...scale, using: &rng)
                return float32 ? Double(Float(v)) : v
            }
        }
        let conv = try Convolution2D(outChannels: 3, inChannels: 2, kernel: (2, 3), strides: (1, 2), pads: [1, 0, 0, 1],
                                     weights: values(3 * 2 * 2 * 3, scale: 0.5), bias: values(3, scale: 0.1))
        let pool = try Pooling2D(kind: .average, kernel: (2, 2), strides: (1, 1), pads: [0, 1, 1, 0], countIncludePad: true)
        // [2, 6, 6] → conv [3, 6, 3] → pool [3, 6, 3] → reshape [3, 3, 6] → max pool [3, 1, 3].
        let extractor = try FeatureExtractor(inputShape: [2, 6, 6], layers: [
            .convolution(conv), .relu, .pooling(pool), .reshape([3, 3, 6]),
            .pooling(try Pooling2D(kind: .max, kernel: (2, 2), strides: (2, 2))),
        ])
        XCTAssertEqual(extractor.outputShape, [3, 1, 3])
        let box = try InputBox(lower: values(72, scale: 0.1).map { $0 - 0.5 }, upper: values(72, scale: 0.1).map { $0 + 0.5 })
        let input = try InputSpec(shape: [2, 6, 6], box: box, preprocessing: Preprocessing(mean: [0.1], std: [0.3]))
        let l1 = try DenseLayer(inputs: 9, outputs: 7, weights: values(9 * 7, scale: 0.4), bias: values(7, scale: 0.1))
        let l2 = try DenseLayer(inputs: 7, outputs: 4, weights: values(28, scale: 0.4), bias: values(4, scale: 0.1))
        return try Network(input: input, extractor: extractor, layers: [l1, l2])
    }
}
