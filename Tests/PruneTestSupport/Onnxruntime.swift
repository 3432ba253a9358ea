import Foundation
import XCTest

/// onnxruntime (through python3) as an independent evaluator of exported models. Inputs and
/// outputs cross as raw little-endian float64 files, so nothing is rounded on the way; the
/// model's declared input type decides what onnxruntime sees (float32 inputs should then be
/// Float32 values).
public enum Onnxruntime {
    /// One model evaluated on a batch: `inputs` is row-major with `shape` = [batch, input shape...].
    public struct Job {
        public let model: URL
        public let shape: [Int]
        public let inputs: [Double]
        public init(model: URL, shape: [Int], inputs: [Double]) {
            self.model = model
            self.shape = shape
            self.inputs = inputs
        }
    }

    /// Throws XCTSkip when python3 with onnxruntime and numpy is missing.
    public static func requireAvailable() throws {
        let probe = try? runTool("/usr/bin/env", ["python3", "-c", "import onnxruntime, numpy"])
        guard let probe, probe.status == 0 else { throw XCTSkip("python3 with onnxruntime and numpy is not available") }
    }

    /// The first output of every job, flattened, in one python3 run (importing onnxruntime
    /// dominates the time). Also runs onnx's full checker on each model when onnx is installed.
    public static func outputs(_ jobs: [Job], scratch: URL) throws -> [[Double]] {
        var spec = [[String: Any]]()
        for (index, job) in jobs.enumerated() {
            let input = scratch.appendingPathComponent("ort-in-\(index).f64"), output = scratch.appendingPathComponent("ort-out-\(index).f64")
            try littleEndianBytes(job.inputs).write(to: input)
            spec.append(["model": job.model.path, "shape": job.shape, "input": input.path, "output": output.path])
        }
        let script = """
            import json, sys, numpy as np, onnxruntime as ort
            try:
                import onnx
            except ImportError:
                onnx = None
            for job in json.load(sys.stdin):
                if onnx is not None:
                    onnx.checker.check_model(job["model"], full_check=True)
                s = ort.InferenceSession(job["model"], providers=["CPUExecutionProvider"])
                i = s.get_inputs()[0]
                dtype = np.float64 if i.type == "tensor(double)" else np.float32
                x = np.fromfile(job["input"], dtype="<f8").reshape(job["shape"]).astype(dtype)
                s.run(None, {i.name: x})[0].astype("<f8").tofile(job["output"])
            """
        let result = try runTool("/usr/bin/env", ["python3", "-c", script], stdin: try JSONSerialization.data(withJSONObject: spec))
        guard result.status == 0 else { throw OnnxruntimeFailure(stderr: result.stderr) }
        return try spec.map { job in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: job["output"] as! String))
            return stride(from: 0, to: bytes.count, by: 8).map { offset in
                var bits: UInt64 = 0
                for i in 0..<8 { bits |= UInt64(bytes[bytes.startIndex + offset + i]) << UInt64(8 * i) }
                return Double(bitPattern: bits)
            }
        }
    }

    private static func littleEndianBytes(_ values: [Double]) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 8)
        for v in values {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v.bitPattern >> UInt64(8 * i))) }
        }
        return Data(bytes)
    }

    /// python3 exited non-zero: onnx's checker or onnxruntime refused the model.
    public struct OnnxruntimeFailure: Error, CustomStringConvertible {
        public let stderr: String
        public var description: String { "onnxruntime failed: \(stderr)" }
    }
}
