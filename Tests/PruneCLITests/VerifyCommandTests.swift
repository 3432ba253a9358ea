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

    func testHonestRunPassesAndMismatchesFail() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "verify")
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--out", path("owner")]).status, 0)
        XCTAssertEqual(try CommandRunner.prune(["train", "--data", "\(Self.data)/digits.csv", "--rows", "\(Self.data)/digits-train.rows",
                                                "--hidden", "24,24", "--epochs", "8", "--seed", "4", "--out", path("m.onnx")]).status, 0)
        // Rows of one class, so one common target makes every region claim provable.
        try "0\n10\n20\n30\n".write(toFile: path("forget.rows"), atomically: true, encoding: .utf8)
        try (100..<500).map(String.init).joined(separator: "\n").write(toFile: path("retained.rows"), atomically: true, encoding: .utf8)
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
    }
}
