import Foundation
import PruneTestSupport
import XCTest

/// `prune export --patches/--bundle` end to end on the shipped sample: the exported f̂ runs in
/// onnxruntime with `prune eval`'s accuracy, forgets the forgotten rows, and a bundle left out
/// of the chain brings its rows back; bad patch sources fail with their codes and write nothing.
final class PatchedExportCommandTests: XCTestCase {
    typealias Sample = SampleBundlesTests
    static let data = ModelCommandTests.data
    static let model = Sample.path("digits.onnx")

    static func bundles(_ names: [String]) -> [String] {
        names.flatMap { ["--bundle", Sample.path($0)] } + ["--trust", Sample.path("keys/sample-owner.pub.pem")]
    }

    /// onnxruntime's class for each listed row of digits.csv, per (model, index file), in one
    /// python3 run (preprocessing x / 16, as recorded in digits.onnx).
    private func predictions(_ runs: [(model: String, rows: String)]) throws -> [[Int]] {
        let script = """
            import csv, sys, numpy as np, onnxruntime as ort
            data = list(csv.reader(open(sys.argv[1])))[1:]
            args = sys.argv[2:]
            for model, rows in zip(args[0::2], args[1::2]):
                keep = [int(l) for l in open(rows) if l.strip() and not l.startswith('#')]
                s = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
                i = s.get_inputs()[0]
                x = np.array([[float(v) for v in data[r][:-1]] for r in keep]) / 16.0
                x = x.astype(np.float64 if i.type == "tensor(double)" else np.float32)
                print(" ".join(str(int(v)) for v in s.run(None, {i.name: x})[0].argmax(axis=1)))
            """
        let run = try runTool("/usr/bin/env", ["python3", "-c", script, "\(Self.data)/digits.csv"] + runs.flatMap { [$0.model, $0.rows] })
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        XCTAssertEqual(lines.count, runs.count, run.stdout)
        return lines
    }

    private func accuracy(_ predicted: [Int], rows: String) throws -> Double {
        let labels = try String(contentsOfFile: "\(Self.data)/digits.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Int($0.split(separator: ",").last!)! }
        let keep = try String(contentsOfFile: rows, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        return Double(zip(predicted, keep).filter { $0 == labels[$1] }.count) / Double(keep.count)
    }

    private func evalAccuracy(_ extra: [String], rows: String) throws -> Double {
        let eval = try CommandRunner.prune(["eval", "--model", Self.model, "--data", "\(Self.data)/digits.csv", "--rows", rows, "--json"] + extra)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        return try JSONDecoder().decode(ModelCommandTests.Evaluation.self, from: eval.stdoutData).accuracy
    }

    func testExportOfTheVerifiedSampleChain() throws {
        try Onnxruntime.requireAvailable()
        let dir = try makeTemporaryDirectory(self, prefix: "export-bundle")
        func export(_ extra: [String], _ name: String) throws -> String {
            let out = dir.appendingPathComponent(name).path
            let run = try CommandRunner.prune(["export", "--model", Self.model, "--out", out] + extra)
            XCTAssertEqual(run.status, 0, run.stderr)
            return out
        }
        let plain = try export([], "plain.onnx")
        let full = try export(Self.bundles(["bundle-1.json", "bundle-2.json"]), "full.onnx")
        let first = try export(Self.bundles(["bundle-1.json"]), "first.onnx")
        let forget1 = Sample.path("forget-1.rows"), forget2 = Sample.path("forget-2.rows"), test = "\(Self.data)/digits-test.rows"

        let p = try predictions([(plain, forget1), (plain, forget2), (full, forget1), (full, forget2), (first, forget1), (first, forget2),
                                 (full, test), (plain, test)])
        XCTAssertEqual(p[0].count, 4)
        for (patched, original) in zip(p[2] + p[3], p[0] + p[1]) {
            XCTAssertNotEqual(patched, original, "a forgotten row keeps its class in the exported f̂")
        }
        // Only bundle 1: request 1 stays forgotten, request 2's rows are back.
        for (patched, original) in zip(p[4], p[0]) { XCTAssertNotEqual(patched, original) }
        XCTAssertEqual(p[5], p[1])

        // The same accuracies as prune's own evaluation of f̂ and f.
        let chain = Self.bundles(["bundle-1.json", "bundle-2.json"])
        for (index, rows) in [forget1, forget2, test].enumerated() {
            XCTAssertEqual(try accuracy(p[[2, 3, 6][index]], rows: rows), try evalAccuracy(chain, rows: rows), accuracy: 1e-12)
            XCTAssertEqual(try accuracy(p[[0, 1, 7][index]], rows: rows), try evalAccuracy([], rows: rows), accuracy: 1e-12)
        }

        // prune's loader reads only the plain network form: refused by name, not misread.
        let reload = try CommandRunner.prune(["eval", "--model", full, "--data", "\(Self.data)/digits.csv", "--rows", test])
        XCTAssertEqual(reload.status, 65, reload.stderr)
        XCTAssertTrue(reload.stderr.contains("model.unsupported-operator"), reload.stderr)
    }

    func testExportOfAPatchFile() throws {
        try Onnxruntime.requireAvailable()
        let dir = try makeTemporaryDirectory(self, prefix: "export-patches")
        let patches = dir.appendingPathComponent("patches.json").path
        let unlearn = try CommandRunner.prune([
            "unlearn", "--model", Self.model, "--forget", "\(Self.data)/digits.csv", "--forget-rows", Sample.path("forget-1.rows"),
            "--retained", "\(Self.data)/digits.csv", "--retained-rows", Sample.path("retained.rows"), "--out", patches,
        ])
        XCTAssertEqual(unlearn.status, 0, unlearn.stderr)
        let out = dir.appendingPathComponent("patched.onnx").path
        let export = try CommandRunner.prune(["export", "--model", Self.model, "--patches", patches, "--out", out])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("float64"), export.stdout)
        let forget1 = Sample.path("forget-1.rows"), test = "\(Self.data)/digits-test.rows"
        let p = try predictions([(out, forget1), (out, test)])
        for (predicted, rows) in zip(p, [forget1, test]) {
            XCTAssertEqual(try accuracy(predicted, rows: rows), try evalAccuracy(["--patches", patches], rows: rows), accuracy: 1e-12)
        }
        XCTAssertEqual(try accuracy(p[0], rows: forget1), 0)

        // A patch file binds the model's bytes: against another model file it is refused.
        let other = dir.appendingPathComponent("other.onnx").path
        XCTAssertEqual(try CommandRunner.prune(["export", "--model", Self.model, "--out", other]).status, 0)
        let mismatch = try CommandRunner.prune(["export", "--model", other, "--patches", patches,
                                                "--out", dir.appendingPathComponent("x.onnx").path])
        XCTAssertEqual(mismatch.status, 1, mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("bundle.patches.model-mismatch") && mismatch.stderr.contains("patches.json"), mismatch.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.onnx").path))
    }

    func testBadPatchSourcesFailWithCodesAndWriteNothing() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "export-refused")
        let out = dir.appendingPathComponent("out.onnx").path
        let cases: [([String], Int32, String?)] = [
            (["--patches", "p.json"] + Self.bundles(["bundle-1.json"]), 64, nil),
            (["--bundle", Sample.path("bundle-1.json")], 64, nil),
            // Signed by the owner, trusted: the auditor's key.
            (["--bundle", Sample.path("bundle-1.json"), "--trust", Sample.path("keys/sample-auditor.pub.pem")], 1, "bundle.signature.untrusted"),
            // Bundle 2 without its parent.
            (Self.bundles(["bundle-2.json"]), 1, "bundle.chain.missing-root"),
            (["--patches", dir.appendingPathComponent("missing.json").path], 66, "io.not-found"),
        ]
        for (extra, status, code) in cases {
            let run = try CommandRunner.prune(["export", "--model", Self.model, "--out", out] + extra)
            XCTAssertEqual(run.status, status, "\(extra): \(run.stderr)")
            if let code { XCTAssertTrue(run.stderr.contains(code), "\(extra): \(run.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(extra) wrote \(out)")
        }
    }
}
