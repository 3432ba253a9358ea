import Foundation
import PruneTestSupport
import XCTest

/// The committed SampleBundles/ (made by scripts/make-sample.sh): the bundles, the report and
/// the model signature still verify with the committed sample keys, and regenerating the two
/// chained bundles and the report from the committed model gives the committed bytes (Ed25519
/// signatures are deterministic, the times are fixed).
final class SampleBundlesTests: XCTestCase {
    static let sample = ModelCommandTests.repository.appendingPathComponent("SampleBundles").path
    static func path(_ name: String) -> String { "\(sample)/\(name)" }

    /// The arguments scripts/make-sample.sh gives `prune unlearn` for bundle n.
    static func unlearnArguments(_ n: Int, out: String) -> [String] {
        ["unlearn", "--model", path("digits.onnx"), "--forget", path("data/digits.csv"), "--forget-rows", path("forget-\(n).rows"),
         "--retained", path("data/digits.csv"), "--retained-rows", path("retained.rows"), "--target", "common",
         "--request-id", "sample-request-\(n)", "--key", path("keys/sample-owner.key.pem"),
         "--created-at", n == 1 ? "2026-01-15T09:00:00Z" : "2026-02-15T09:00:00Z", "--out", out]
            + (n == 2 ? ["--parent", path("bundle-1.json")] : [])
    }

    /// The audit of forget request n against the whole chain, as scripts/make-sample.sh runs it.
    static func verifyArguments(_ n: Int) -> [String] {
        ["verify", "--model", path("digits.onnx"), "--bundle", path("bundle-1.json"), "--bundle", path("bundle-2.json"),
         "--trust", path("keys/sample-owner.pub.pem"), "--forget", path("data/digits.csv"), "--forget-rows", path("forget-\(n).rows"),
         "--reference", path("data/digits.csv"), "--reference-rows", path("data/digits-test.rows")]
    }

    struct Output: Decodable {
        struct Point: Decodable { let row: Int; let verdict: String }
        let result: String
        let points: [Point]
    }

    func testCommittedSampleVerifies() throws {
        for n in [1, 2] {
            let audit = try CommandRunner.prune(Self.verifyArguments(n) + ["--json"])
            XCTAssertEqual(audit.status, 0, audit.stderr)
            let output = try JSONDecoder().decode(Output.self, from: audit.stdoutData)
            XCTAssertEqual(output.result, "PASSED")
            XCTAssertEqual(output.points.map(\.verdict), ["CERTIFIED", "CERTIFIED", "CERTIFIED", "CERTIFIED"])

            let report = try CommandRunner.prune(["report", "verify", Self.path("audit-\(n).json.gz"),
                                                  "--trust", Self.path("keys/sample-auditor.pub.pem")])
            XCTAssertEqual(report.status, 0, report.stderr + report.stdout)
            // The owner's key is not the auditor's: the report must not verify under it.
            let wrongKey = try CommandRunner.prune(["report", "verify", Self.path("audit-\(n).json.gz"),
                                                    "--trust", Self.path("keys/sample-owner.pub.pem")])
            XCTAssertEqual(wrongKey.status, 1, wrongKey.stderr + wrongKey.stdout)
        }
        // The chain: bundle 2 names bundle 1 as its parent, so bundle 2 alone does not verify.
        let gap = try CommandRunner.prune(["bundle", "verify", Self.path("bundle-2.json"), "--model", Self.path("digits.onnx"),
                                           "--trust", Self.path("keys/sample-owner.pub.pem")])
        XCTAssertEqual(gap.status, 1, gap.stderr + gap.stdout)
        XCTAssertTrue(gap.stderr.contains("bundle.chain.missing-root") || gap.stdout.contains("bundle.chain.missing-root"), gap.stderr + gap.stdout)

        let model = try CommandRunner.prune(["verify-model", Self.path("digits.onnx"), "--signature", Self.path("digits.onnx.sig"),
                                             "--trust", Self.path("keys/sample-owner-model.pub.pem")])
        XCTAssertEqual(model.status, 0, model.stderr + model.stdout)
    }

    func testRegenerationReproducesTheCommittedBytes() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "sample")
        for n in [1, 2] {
            let out = dir.appendingPathComponent("bundle-\(n).json").path
            let run = try CommandRunner.prune(Self.unlearnArguments(n, out: out))
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)),
                           try Data(contentsOf: URL(fileURLWithPath: Self.path("bundle-\(n).json"))),
                           "bundle-\(n).json differs from a regeneration: run scripts/make-sample.sh --bundles-only")
        }
        for n in [1, 2] {
            let report = dir.appendingPathComponent("audit-\(n).json.gz").path
            let run = try CommandRunner.prune(Self.verifyArguments(n) + ["--report", report, "--key", Self.path("keys/sample-auditor.key.pem"),
                                                                         "--time", "2026-03-01T12:00:00Z"])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: report)),
                           try Data(contentsOf: URL(fileURLWithPath: Self.path("audit-\(n).json.gz"))),
                           "audit-\(n).json.gz differs from a regeneration: run scripts/make-sample.sh --bundles-only")
        }
    }
}
