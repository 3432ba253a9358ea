import Foundation
import PruneTestSupport
import XCTest

/// `prune unlearn` on the shipped digits: every forgotten row is forgotten, the patch file
/// is byte-identical across runs, `eval --patches` sees the patched model, and a patch file
/// is refused for another model or with a tampered tensor.
final class UnlearnCommandTests: XCTestCase {
    static let data = ModelCommandTests.data

    func testUnlearnEvalAndBinding() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "unlearn")
        let model = dir.appendingPathComponent("m.onnx").path
        let train = try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
                                             "--hidden", "24,24", "--epochs", "8", "--seed", "2", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        let forgetRows = dir.appendingPathComponent("forget.rows")
        try "0\n1\n2\n3\n5\n".write(to: forgetRows, atomically: true, encoding: .utf8)
        let retainedRows = dir.appendingPathComponent("retained.rows")
        try (6..<400).map(String.init).joined(separator: "\n").write(to: retainedRows, atomically: true, encoding: .utf8)
        let patches = dir.appendingPathComponent("p.json").path
        let args = ["unlearn", "--model", model, "--forget", "\(Self.data)/digits.csv", "--forget-rows", forgetRows.path,
                    "--retained", "\(Self.data)/digits.csv", "--retained-rows", retainedRows.path, "--out", patches]
        let run = try CommandRunner.prune(args)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("not-forgotten 0"), run.stdout)
        let again = dir.appendingPathComponent("p2.json").path
        XCTAssertEqual(try CommandRunner.prune(Array(args.dropLast()) + [again]).status, 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: patches))
        XCTAssertEqual(bytes, try Data(contentsOf: URL(fileURLWithPath: again)), "same inputs and seed, same bytes")
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("\"features\""), "no raw data in a patch file")

        let eval = try CommandRunner.prune(["eval", "--model", model, "--patches", patches, "--data", "\(Self.data)/digits.csv",
                                            "--rows", forgetRows.path, "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("\"correct\" : 0,") || eval.stdout.contains("\"correct\": 0,"), eval.stdout)
        // Retained rows the gates were calibrated on change only where they share a forgotten
        // point's region (the patch file counts those per patch).
        struct Counts: Decodable { let correct: Int }
        let before = try CommandRunner.prune(["eval", "--model", model, "--data", "\(Self.data)/digits.csv", "--rows", retainedRows.path, "--json"])
        let after = try CommandRunner.prune(["eval", "--model", model, "--patches", patches, "--data", "\(Self.data)/digits.csv",
                                             "--rows", retainedRows.path, "--json"])
        struct File: Decodable { struct P: Decodable { let referenceInside: Int }; let patches: [P] }
        let inside = try JSONDecoder().decode(File.self, from: bytes).patches.map(\.referenceInside).reduce(0, +)
        let changed = abs(try JSONDecoder().decode(Counts.self, from: before.stdoutData).correct
                          - JSONDecoder().decode(Counts.self, from: after.stdoutData).correct)
        XCTAssertLessThanOrEqual(changed, inside)

        // Another model file: refused with the binding code, exit 1.
        let other = dir.appendingPathComponent("other.onnx").path
        _ = try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
                                     "--hidden", "24,24", "--epochs", "8", "--seed", "3", "--out", other])
        let mismatch = try CommandRunner.prune(["eval", "--model", other, "--patches", patches, "--data", "\(Self.data)/digits.csv"])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stderr.contains("bundle.patches.model-mismatch"), mismatch.stderr)

        // A tampered tensor digest: refused with the tensor code.
        var text = String(decoding: bytes, as: UTF8.self)
        let marker = "\"sha256\" : \""
        let range = try XCTUnwrap(text.range(of: marker, range: text.range(of: "\"members\"")!.upperBound..<text.endIndex))
        let digitIndex = range.upperBound
        let flipped: Character = text[digitIndex] == "0" ? "1" : "0"
        text.replaceSubrange(digitIndex...digitIndex, with: String(flipped))
        let tampered = dir.appendingPathComponent("t.json")
        try text.write(to: tampered, atomically: true, encoding: .utf8)
        let bad = try CommandRunner.prune(["eval", "--model", model, "--patches", tampered.path, "--data", "\(Self.data)/digits.csv"])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.contains("bundle.patches.tensor"), bad.stderr)
    }
}
