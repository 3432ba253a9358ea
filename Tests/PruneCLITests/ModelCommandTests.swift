import Foundation
import PruneTestSupport
import XCTest

/// `prune train`, `eval` and `export` end to end on the UCI digits shipped in SampleBundles.
final class ModelCommandTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let data = repository.appendingPathComponent("SampleBundles/data").path

    struct Evaluation: Decodable {
        let samples: Int
        let accuracy: Double
        let perClass: [ClassResult]
        struct ClassResult: Decodable { let label: Int; let samples: Int }
    }

    /// Trains on 80% of the digits, checks ≥ 95% on the held-out 20% through `prune eval`,
    /// and checks that `prune export` writes a model giving the same predictions.
    func testTrainEvalExportOnDigits() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "train")
        let model = dir.appendingPathComponent("digits.onnx").path
        let train = try CommandRunner.prune([
            "train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
            "--test", "\(Self.data)/digits.csv", "--test-rows", "\(Self.data)/digits-test.rows",
            "--hidden", "64,64", "--epochs", "20", "--batch", "32", "--lr", "0.05", "--seed", "1", "--out", model,
        ])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("epoch 20/20"), train.stderr)
        let eval = try CommandRunner.prune(["eval", "--model", model, "--data", "\(Self.data)/digits.csv",
                                            "--rows", "\(Self.data)/digits-test.rows", "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let result = try JSONDecoder().decode(Evaluation.self, from: eval.stdoutData)
        XCTAssertEqual(result.samples, 359)
        XCTAssertEqual(result.perClass.map(\.samples).reduce(0, +), 359)
        XCTAssertGreaterThanOrEqual(result.accuracy, 0.95)

        // The same seed gives the same bytes.
        let again = dir.appendingPathComponent("again.onnx").path
        _ = try CommandRunner.prune([
            "train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
            "--hidden", "64,64", "--epochs", "20", "--batch", "32", "--lr", "0.05", "--seed", "1", "--out", again,
        ])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), try Data(contentsOf: URL(fileURLWithPath: again)))

        let exported = dir.appendingPathComponent("exported.onnx").path
        let export = try CommandRunner.prune(["export", "--model", model, "--out", exported])
        XCTAssertEqual(export.status, 0, export.stderr)
        let reEval = try CommandRunner.prune(["eval", "--model", exported, "--data", "\(Self.data)/digits.csv",
                                              "--rows", "\(Self.data)/digits-test.rows", "--json"])
        XCTAssertEqual(try JSONDecoder().decode(Evaluation.self, from: reEval.stdoutData).accuracy, result.accuracy)

        // Refuses to overwrite without --force, and leaves the file alone.
        let refused = try CommandRunner.prune(["export", "--model", model, "--out", exported])
        XCTAssertEqual(refused.status, 73)
        XCTAssertTrue(refused.stderr.contains("io.exists"), refused.stderr)
    }

    func testEvalRejectsMismatchedDataWithCodes() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "eval")
        // A 3-feature CSV against a 64-feature model.
        let csv = dir.appendingPathComponent("small.csv")
        try "a,b,c,label\n1,2,3,0\n".write(to: csv, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.onnx").path
        let train = try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-test.rows",
                                             "--hidden", "8", "--epochs", "1", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        let mismatch = try CommandRunner.prune(["eval", "--model", model, "--data", csv.path])
        XCTAssertEqual(mismatch.status, 65)
        XCTAssertTrue(mismatch.stderr.contains("model.input-mismatch"), mismatch.stderr)
        // Label 12 for a 10-class model.
        var row = Array(repeating: "0", count: 64)
        row.append("12")
        let header = (0..<64).map { "p\($0)" }.joined(separator: ",") + ",label\n"
        let bad = dir.appendingPathComponent("bad.csv")
        try (header + row.joined(separator: ",") + "\n").write(to: bad, atomically: true, encoding: .utf8)
        let outOfRange = try CommandRunner.prune(["eval", "--model", model, "--data", bad.path])
        XCTAssertEqual(outOfRange.status, 65)
        XCTAssertTrue(outOfRange.stderr.contains("data.label-out-of-range"), outOfRange.stderr)
        XCTAssertTrue(outOfRange.stderr.contains("bad.csv"), outOfRange.stderr)
        let unknown = try CommandRunner.prune(["eval", "--model", dir.appendingPathComponent("m.txt").path, "--data", bad.path])
        XCTAssertEqual(unknown.status, 65)
    }

    /// An exported model evaluates in onnxruntime to prune's own logits (skipped without Python).
    func testExportedModelRunsInOnnxruntime() throws {
        let probe = try? runTool("/usr/bin/env", ["python3", "-c", "import onnxruntime, numpy"])
        guard let probe, probe.status == 0 else { throw XCTSkip("python3 with onnxruntime and numpy is not available") }
        let dir = try makeTemporaryDirectory(self, prefix: "ort")
        let model = dir.appendingPathComponent("m.onnx").path
        _ = try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-test.rows",
                                     "--hidden", "16,16", "--epochs", "2", "--out", model])
        let exported = dir.appendingPathComponent("e.onnx").path
        XCTAssertEqual(try CommandRunner.prune(["export", "--model", model, "--out", exported]).status, 0)
        let eval = try CommandRunner.prune(["eval", "--model", exported, "--data", "\(Self.data)/digits.csv",
                                            "--rows", "\(Self.data)/digits-test.rows", "--json"])
        let accuracy = try JSONDecoder().decode(Evaluation.self, from: eval.stdoutData).accuracy
        let script = """
            import csv, sys, numpy as np, onnxruntime as ort
            rows = list(csv.reader(open(sys.argv[2])))[1:]
            keep = [int(l) for l in open(sys.argv[3]) if l.strip() and not l.startswith('#')]
            x = np.array([[float(v) for v in rows[i][:-1]] for i in keep]) / 16.0
            y = np.array([int(rows[i][-1]) for i in keep])
            s = ort.InferenceSession(sys.argv[1])
            logits = s.run(None, {s.get_inputs()[0].name: x.astype(np.float32)})[0]
            print(float(np.mean(logits.argmax(axis=1) == y)))
            """
        let ort = try runTool("/usr/bin/env", ["python3", "-c", script, exported, "\(Self.data)/digits.csv", "\(Self.data)/digits-test.rows"])
        XCTAssertEqual(ort.status, 0, ort.stderr)
        XCTAssertEqual(Double(ort.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, accuracy, accuracy: 1e-9)
    }
}

/// `--help` works for the root and every subcommand, exits 0 and prints a usage line.
final class HelpTests: XCTestCase {
    func testHelpExitsZeroEverywhere() throws {
        for args in [["--help"], ["unlearn", "--help"], ["bundle", "sign", "--help"], ["bench", "train", "--help"],
                     ["verify-model", "--help"], ["help", "train"]] {
            let result = try CommandRunner.prune(args)
            XCTAssertEqual(result.status, 0, "\(args): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("USAGE"), "\(args): \(result.stdout)")
        }
        XCTAssertEqual(try CommandRunner.prune(["train", "--no-such-flag"]).status, 64)
    }
}
