import Foundation
import PruneTestSupport
import XCTest

/// The auditor's `prune verify` end to end on the shipped digits: an honest signed run
/// passes with every claimed level re-derived; a request that does not match the committed
/// rows fails with per-point verdicts, and a strict requirement fails a point-level claim.
final class VerifyCommandTests: XCTestCase {
    static let data = ModelCommandTests.data

    struct Output: Decodable {
        struct Point: Decodable { let row: Int; let verdict: String; let claim: String?; let meetsRequirement: Bool }
        struct Locality: Decodable { let samples: Int; let predictionsChanged: [Int]; let changedOutsideRegions: [Int]; let maxLogitChange: Double }
        let result: String
        let points: [Point]
        let locality: Locality?
    }

    /// A scratch folder with an owner key pair (`owner`), a small digits model (`m.onnx`) and
    /// retained rows 100..<500 (`retained.rows`); returns the folder and a path maker.
    func ownerModelAndRetainedRows(prefix: String) throws -> (dir: URL, path: (String) -> String) {
        let dir = try makeTemporaryDirectory(self, prefix: prefix)
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--out", path("owner")]).status, 0)
        XCTAssertEqual(try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
                                                "--hidden", "24,24", "--epochs", "8", "--seed", "4", "--out", path("m.onnx")]).status, 0)
        try (100..<500).map(String.init).joined(separator: "\n").write(toFile: path("retained.rows"), atomically: true, encoding: .utf8)
        return (dir, path)
    }

    func testHonestRunPassesAndMismatchesFail() throws {
        let (dir, path) = try ownerModelAndRetainedRows(prefix: "verify")
        // Rows of one class, so one common target makes every region claim provable.
        try "0\n10\n20\n30\n".write(toFile: path("forget.rows"), atomically: true, encoding: .utf8)
        let unlearn = try CommandRunner.prune([
            "unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("forget.rows"),
            "--retained", "\(Self.data)/digits.csv", "--retained-rows", path("retained.rows"), "--target", "common",
            "--key", path("owner.key.pem"), "--created-at", "2026-01-31T12:00:00Z", "--out", path("b.bundle.json")])
        XCTAssertEqual(unlearn.status, 0, unlearn.stderr)
        let base = ["verify", "--model", path("m.onnx"), "--bundle", path("b.bundle.json"), "--trust", path("owner.pub.pem"),
                    "--data", "\(Self.data)/digits.csv", "--json"]
        let honest = try CommandRunner.prune(base + ["--rows", path("forget.rows"), "--reference", "\(Self.data)/digits.csv",
                                                     "--reference-rows", path("retained.rows")])
        XCTAssertEqual(honest.status, 0, honest.stderr + honest.stdout)
        let output = try JSONDecoder().decode(Output.self, from: honest.stdoutData)
        XCTAssertEqual(output.result, "PASSED")
        XCTAssertEqual(output.points.count, 4)
        for p in output.points where p.claim == "region-certified" { XCTAssertEqual(p.verdict, "CERTIFIED") }
        // The gates were calibrated on these retained rows: nothing changes outside the patched regions.
        let locality = try XCTUnwrap(output.locality)
        XCTAssertEqual(locality.samples, 400)
        XCTAssertEqual(locality.changedOutsideRegions, [])
        XCTAssertLessThanOrEqual(locality.predictionsChanged.count, locality.samples)

        // Other rows than the ones committed to: nothing matches, every row fails.
        try "1\n11\n21\n31\n".write(toFile: path("other.rows"), atomically: true, encoding: .utf8)
        let other = try CommandRunner.prune(base + ["--rows", path("other.rows")])
        XCTAssertEqual(other.status, 1)
        let failed = try JSONDecoder().decode(Output.self, from: other.stdoutData)
        XCTAssertEqual(failed.result, "FAILED")
        XCTAssertTrue(failed.points.allSatisfy { $0.verdict == "ERROR" || $0.verdict == "NOT_COVERED" }, other.stdout)

        // A row of the request left out of the bundles is NOT_COVERED.
        try "0\n10\n20\n30\n40\n".write(toFile: path("more.rows"), atomically: true, encoding: .utf8)
        let more = try CommandRunner.prune(base + ["--rows", path("more.rows")])
        XCTAssertEqual(more.status, 1)
        XCTAssertEqual(try JSONDecoder().decode(Output.self, from: more.stdoutData).points.last?.verdict, "NOT_COVERED")

        // An untrusted key stops everything before any point is looked at.
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--out", path("stranger")]).status, 0)
        let untrusted = try CommandRunner.prune(["verify", "--model", path("m.onnx"), "--bundle", path("b.bundle.json"),
                                                 "--trust", path("stranger.pub.pem"), "--data", "\(Self.data)/digits.csv",
                                                 "--rows", path("forget.rows")])
        XCTAssertEqual(untrusted.status, 1)
        XCTAssertTrue(untrusted.stderr.contains("bundle.signature.untrusted"), untrusted.stderr)

        try checkReportFlow(dir: dir, model: path("m.onnx"), bundle: path("b.bundle.json"), owner: path("owner.pub.pem"),
                            rows: path("forget.rows"), reference: path("retained.rows"))
    }

    /// A request split over two chained bundles (`unlearn --part`): the chain covers every
    /// row and passes; the first part alone leaves the second part's rows NOT_COVERED.
    func testRequestSplitOverChainedPartsPasses() throws {
        let (_, path) = try ownerModelAndRetainedRows(prefix: "verify-parts")
        try "0\n10\n20\n30\n1\n11\n".write(toFile: path("forget.rows"), atomically: true, encoding: .utf8)
        let common = ["unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("forget.rows"),
                      "--retained", "\(Self.data)/digits.csv", "--retained-rows", path("retained.rows"), "--target", "common",
                      "--request-id", "split", "--key", path("owner.key.pem")]
        let first = try CommandRunner.prune(common + ["--part", "0:4", "--created-at", "2026-01-31T12:00:00Z", "--out", path("p0.json")])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("forgot 4 points"), first.stdout)
        let second = try CommandRunner.prune(common + ["--part", "4:6", "--parent", path("p0.json"),
                                                       "--created-at", "2026-01-31T12:00:01Z", "--out", path("p1.json")])
        XCTAssertEqual(second.status, 0, second.stderr)
        let inspect = try CommandRunner.prune(["bundle", "inspect", path("p1.json")])
        XCTAssertTrue(inspect.stdout.contains("request     split (6 rows; this bundle: rows 4..<6): 2 points"), inspect.stdout)
        let past = try CommandRunner.prune(common + ["--part", "4:7", "--out", path("p2.json")])
        XCTAssertEqual(past.status, 64, past.stderr)
        XCTAssertTrue(past.stderr.contains("runs past the request's 6 rows"), past.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("p2.json")))

        let base = ["verify", "--model", path("m.onnx"), "--trust", path("owner.pub.pem"), "--data", "\(Self.data)/digits.csv",
                    "--rows", path("forget.rows"), "--json"]
        let both = try CommandRunner.prune(base + ["--bundle", path("p0.json"), "--bundle", path("p1.json")])
        XCTAssertEqual(both.status, 0, both.stderr + both.stdout)
        let output = try JSONDecoder().decode(Output.self, from: both.stdoutData)
        XCTAssertEqual(output.result, "PASSED")
        XCTAssertEqual(output.points.map(\.row), Array(0..<6))
        XCTAssertTrue(output.points.allSatisfy { $0.meetsRequirement && $0.verdict != "NOT_COVERED" }, both.stdout)

        let alone = try CommandRunner.prune(base + ["--bundle", path("p0.json")])
        XCTAssertEqual(alone.status, 1, alone.stderr)
        let partial = try JSONDecoder().decode(Output.self, from: alone.stdoutData)
        XCTAssertEqual(partial.result, "FAILED")
        XCTAssertEqual(partial.points.filter { $0.verdict == "NOT_COVERED" }.map(\.row), [4, 5])
    }

    /// Class-level unlearning with first-layer gates (the --class default): the file says
    /// prune.patches/v2 with gateLayers 1, the audit passes with every point certified and no
    /// calibration point changed, and the same gates under the v1 format name, or with more
    /// layers than the network has, are refused before anything is evaluated.
    func testClassLevelFirstLayerGatesPassTheAudit() throws {
        let (dir, path) = try ownerModelAndRetainedRows(prefix: "verify-class")
        let csv = try String(contentsOfFile: "\(Self.data)/digits.csv", encoding: .utf8)
        let labels = csv.split(separator: "\n").dropFirst().map { Int($0.split(separator: ",").last!)! }
        let threes = (0..<150).filter { labels[$0] == 3 }
        XCTAssertGreaterThan(threes.count, 5)
        try threes.map(String.init).joined(separator: "\n").write(toFile: path("class.rows"), atomically: true, encoding: .utf8)
        let patches = try CommandRunner.prune([
            "unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("class.rows"),
            "--class", "3", "--retained", "\(Self.data)/digits.csv", "--retained-rows", path("retained.rows"), "--out", path("p.json")])
        XCTAssertEqual(patches.status, 0, patches.stderr)
        let text = try String(contentsOfFile: path("p.json"), encoding: .utf8)
        let again = try CommandRunner.prune([
            "unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("class.rows"),
            "--class", "3", "--retained", "\(Self.data)/digits.csv", "--retained-rows", path("retained.rows"), "--out", path("p2.json")])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try String(contentsOfFile: path("p2.json"), encoding: .utf8), text, "same inputs and seed, same bytes")
        XCTAssertTrue(text.contains("\"format\" : \"prune.patches/v2\""), String(text.prefix(300)))
        struct File: Decodable { struct P: Decodable { let gateLayers: Int?; let referenceInside: Int }; let patches: [P] }
        let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        // A first-layer gate that holds a calibration point takes the exact region instead.
        XCTAssertTrue(file.patches.allSatisfy { $0.gateLayers == 1 || ($0.gateLayers == nil) }, text)
        XCTAssertTrue(file.patches.allSatisfy { $0.gateLayers == nil || $0.referenceInside == 0 })
        XCTAssertGreaterThan(file.patches.filter { $0.gateLayers == 1 }.count, 0)

        let sign = try CommandRunner.prune(["bundle", "sign", path("p.json"), "--model", path("m.onnx"),
                                            "--key", path("owner.key.pem"), "--created-at", "2026-01-31T12:00:00Z", "--out", path("b.json")])
        XCTAssertEqual(sign.status, 0, sign.stderr)
        let inspect = try CommandRunner.prune(["bundle", "inspect", path("b.json")])
        let firstLayer = file.patches.filter { $0.gateLayers == 1 }.count
        XCTAssertTrue(inspect.stdout.contains("gates       prune.patches/v2: ") && inspect.stdout.contains("\(firstLayer) over the first 1 hidden layer(s)"),
                      inspect.stdout)
        let other = try String(contentsOfFile: path("retained.rows"), encoding: .utf8).split(separator: "\n")
            .filter { labels[Int($0)!] != 3 }.joined(separator: "\n")
        try other.write(toFile: path("other.rows"), atomically: true, encoding: .utf8)
        let verify = try CommandRunner.prune(["verify", "--model", path("m.onnx"), "--bundle", path("b.json"), "--trust", path("owner.pub.pem"),
                                              "--data", "\(Self.data)/digits.csv", "--rows", path("class.rows"), "--require", "certified",
                                              "--reference", "\(Self.data)/digits.csv", "--reference-rows", path("other.rows"), "--json"])
        XCTAssertEqual(verify.status, 0, verify.stderr + verify.stdout)
        let output = try JSONDecoder().decode(Output.self, from: verify.stdoutData)
        XCTAssertEqual(output.result, "PASSED")
        XCTAssertEqual(output.points.map(\.verdict), Array(repeating: "CERTIFIED", count: threes.count))
        // The gates were calibrated on these rows (the other classes' retained samples): none
        // changes outside the forgotten regions.
        XCTAssertEqual(try XCTUnwrap(output.locality).changedOutsideRegions, [])

        for (from, to, problem) in [("prune.patches/v2", "prune.patches/v1", "needs format prune.patches/v2"),
                                    ("\"gateLayers\" : 1", "\"gateLayers\" : 3", "the network has 2 hidden layers")] {
            try text.replacingOccurrences(of: from, with: to).write(toFile: path("bad.json"), atomically: true, encoding: .utf8)
            let bad = try CommandRunner.prune(["eval", "--model", path("m.onnx"), "--patches", path("bad.json"), "--data", "\(Self.data)/digits.csv"])
            XCTAssertEqual(bad.status, 65, bad.stderr)
            XCTAssertTrue(bad.stderr.contains("bundle.patches.invalid") && bad.stderr.contains(problem), bad.stderr)
        }
        // Gates need at least one layer's rows, and no more layers than the network has.
        let unlearn = ["unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("class.rows"),
                       "--class", "3", "--out", path("never.json")]
        for (layers, problem) in [("0", "--gate-layers must be 'all' or a number of hidden layers ≥ 1"),
                                  ("3", "gate layers must be between 1 and the 2 hidden layers")] {
            let refused = try CommandRunner.prune(unlearn + ["--gate-layers", layers])
            XCTAssertEqual(refused.status, 64, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(problem), refused.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never.json")))
        _ = dir
    }

    struct ReportSummary: Decodable {
        struct Point: Decodable { let row: Int; let commitment: String?; let verdict: String }
        let verified: Bool
        let result: String
        let merkleRoot: String
        let treeSize: Int
        let checks: [[String: String?]]
        let points: [Point]
    }

    /// verify → report → report verify (and --recheck) on the same run; the report is
    /// reproducible for a fixed --time, a changed byte fails, a proof checks against the root
    /// only; without --key the report never verifies; a failed bundle check is recorded.
    func checkReportFlow(dir: URL, model: String, bundle: String, owner: String, rows: String, reference: String) throws {
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--algorithm", "ed25519", "--out", path("auditor")]).status, 0)
        let inputs = ["--model", model, "--bundle", bundle, "--trust", owner, "--forget", "\(Self.data)/digits.csv", "--forget-rows", rows,
                      "--reference", "\(Self.data)/digits.csv", "--reference-rows", reference]
        let time = ["--time", "2026-02-01T00:00:00Z"]
        let first = try CommandRunner.prune(["verify"] + inputs + ["--report", path("r1.json.gz"), "--key", path("auditor.key.pem")] + time)
        XCTAssertEqual(first.status, 0, first.stderr + first.stdout)
        XCTAssertTrue(first.stdout.contains("report \(path("r1.json.gz")): sha256:"), first.stdout)
        let second = try CommandRunner.prune(["verify"] + inputs + ["--report", path("r2.json.gz"), "--key", path("auditor.key.pem")] + time)
        XCTAssertEqual(second.status, 0, second.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("r1.json.gz")))
        XCTAssertEqual(bytes, try Data(contentsOf: URL(fileURLWithPath: path("r2.json.gz"))), "same inputs and --time, other bytes")

        let verify = try CommandRunner.prune(["report", "verify", path("r1.json.gz"), "--trust", path("auditor.pub.pem"), "--json"])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        let summary = try JSONDecoder().decode(ReportSummary.self, from: verify.stdoutData)
        XCTAssertTrue(summary.verified)
        XCTAssertEqual(summary.result, "PASSED")
        XCTAssertEqual(summary.treeSize, 4)
        let recheck = try CommandRunner.prune(["report", "verify", path("r1.json.gz"), "--trust", path("auditor.pub.pem"), "--recheck",
                                               "--model", model, "--bundle", bundle, "--trust-bundle", owner,
                                               "--forget", "\(Self.data)/digits.csv", "--forget-rows", rows,
                                               "--reference", "\(Self.data)/digits.csv", "--reference-rows", reference])
        XCTAssertEqual(recheck.status, 0, recheck.stderr)
        XCTAssertTrue(recheck.stdout.contains("--recheck: the same results"), recheck.stdout)
        // --recheck with another forget request: the subjects differ.
        let otherRequest = try CommandRunner.prune(["report", "verify", path("r1.json.gz"), "--trust", path("auditor.pub.pem"), "--recheck",
                                                    "--model", model, "--bundle", bundle, "--trust-bundle", owner,
                                                    "--forget", "\(Self.data)/digits.csv", "--forget-rows", path("more.rows"),
                                                    "--reference", "\(Self.data)/digits.csv", "--reference-rows", reference])
        XCTAssertEqual(otherRequest.status, 1)
        XCTAssertTrue(otherRequest.stderr.contains("report.recheck-subject-mismatch"), otherRequest.stderr)

        // One changed byte in the middle of the deflate data.
        var tampered = bytes
        tampered[bytes.count / 2] ^= 0x01
        try tampered.write(to: URL(fileURLWithPath: path("tampered.json.gz")))
        let broken = try CommandRunner.prune(["report", "verify", path("tampered.json.gz"), "--trust", path("auditor.pub.pem")])
        XCTAssertNotEqual(broken.status, 0)
        XCTAssertTrue(broken.stderr.contains("[zlib.") || broken.stderr.contains("[report."), broken.stderr)

        // A data holder's proof: checks against the report's root, fails against any other.
        let point = try XCTUnwrap(summary.points.first?.commitment)
        let prove = try CommandRunner.prune(["report", "prove", path("r1.json.gz"), "--point", point, "--trust", path("auditor.pub.pem")])
        XCTAssertEqual(prove.status, 0, prove.stderr)
        try prove.stdoutData.write(to: URL(fileURLWithPath: path("proof.json")))
        let good = try CommandRunner.prune(["report", "check-proof", path("proof.json"), "--root", summary.merkleRoot, "--point", point])
        XCTAssertEqual(good.status, 0, good.stderr)
        var otherRoot = Array(summary.merkleRoot)
        otherRoot[0] = otherRoot[0] == "0" ? "1" : "0"
        let bad = try CommandRunner.prune(["report", "check-proof", path("proof.json"), "--root", String(otherRoot)])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("report.proof-invalid"), bad.stderr)
        let missing = try CommandRunner.prune(["report", "prove", path("r1.json.gz"), "--point", String(repeating: "ab", count: 32)])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("report.point-not-found"), missing.stderr)

        let show = try CommandRunner.prune(["report", "show", path("r1.json.gz")])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.hasPrefix("NOT VERIFIED"), show.stdout)

        // Without --key: written, shown as UNSIGNED, never verified.
        let unsigned = try CommandRunner.prune(["verify"] + inputs + ["--report", path("unsigned.json.gz")] + time)
        XCTAssertEqual(unsigned.status, 0, unsigned.stderr)
        let unsignedVerify = try CommandRunner.prune(["report", "verify", path("unsigned.json.gz"), "--trust", path("auditor.pub.pem")])
        XCTAssertEqual(unsignedVerify.status, 1)
        XCTAssertTrue(unsignedVerify.stderr.contains("report.unsigned"), unsignedVerify.stderr)

        // A bundle under an untrusted key: a FAILED report records the code, every point NOT_CHECKED.
        let failed = try CommandRunner.prune(["verify", "--model", model, "--bundle", bundle, "--trust", path("auditor.pub.pem"),
                                              "--forget", "\(Self.data)/digits.csv", "--forget-rows", rows,
                                              "--report", path("failed.json.gz"), "--key", path("auditor.key.pem")] + time)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("bundle.signature.untrusted"), failed.stderr)
        let failedShow = try CommandRunner.prune(["report", "show", path("failed.json.gz"), "--trust", path("auditor.pub.pem"), "--json"])
        XCTAssertEqual(failedShow.status, 0, failedShow.stderr)
        let failedSummary = try JSONDecoder().decode(ReportSummary.self, from: failedShow.stdoutData)
        XCTAssertEqual(failedSummary.result, "FAILED")
        XCTAssertEqual(failedSummary.checks.first?["code"], "bundle.signature.untrusted")
        XCTAssertEqual(Set(failedSummary.points.map(\.verdict)), ["NOT_CHECKED"])

        // Usage: --key without --report.
        XCTAssertEqual(try CommandRunner.prune(["verify"] + inputs + ["--key", path("auditor.key.pem")]).status, 64)
    }
}
