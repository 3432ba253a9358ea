import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCrypto
import PruneTestSupport
import XCTest

/// Bounded memory by re-reading certificates: an audit that drops every bundle's certificates
/// and reads them again gives the same report as one that keeps them, and a bundle file that
/// changes between the two reads is refused with its own code.
final class AuditBundleSetTests: XCTestCase {
    typealias Vectors = ReportVectors

    /// The shipped sample: two chained bundles, every point CERTIFIED.
    func sampleInputs() throws -> Auditor.Inputs {
        let sample = Vectors.repository.appendingPathComponent("SampleBundles")
        func path(_ name: String) -> String { sample.appendingPathComponent(name).path }
        return Auditor.Inputs(model: path("digits.onnx"), bundles: [path("bundle-1.json"), path("bundle-2.json")],
                              trustedKeys: [try PublicKey(pemFile: path("keys/sample-owner.pub.pem"))],
                              forget: Auditor.DataFiles(data: path("data/digits.csv"), rows: path("forget-2.rows")),
                              reference: nil, policy: AuditPolicy(require: .certified), time: Vectors.time)
    }

    func testRereadingCertificatesGivesTheSameReport() throws {
        let kept = try Auditor.run(try sampleInputs())
        var inputs = try sampleInputs()
        inputs.certificateBudget = 0
        let reread = try Auditor.run(inputs)
        XCTAssertEqual(kept.rereadBundles, 0)
        XCTAssertEqual(reread.rereadBundles, 2)
        XCTAssertEqual(kept.report.result, .passed)
        XCTAssertEqual(try AuditReportFile.encode(reread.report, key: nil).file,
                       try AuditReportFile.encode(kept.report, key: nil).file)
        XCTAssertTrue(kept.report.points.allSatisfy { $0.verdict == .certified }, "the sample exercises certificates")
    }

    func testDroppedCertificatesAreGoneUntilReread() throws {
        let verifier = try PatchBundleVerifier(trustedKeys: [try PublicKey(pemFile: Vectors.bundlePath("test-only-signer.pub.pem"))],
                                               modelPath: Vectors.bundlePath("model.onnx"))
        let set = try AuditBundleSet(paths: [Vectors.bundlePath("valid-root.bundle.json")], verifier: verifier, certificateBudget: 0)
        XCTAssertTrue(set.bundles[0].patchFile.certificates.isEmpty)
        XCTAssertFalse(set.bundles[0].patches.isEmpty, "patches stay: every patch acts in the patched network")
        XCTAssertFalse(try set.withCertificates(0).patchFile.certificates.isEmpty)
    }

    func testABundleChangedDuringTheAuditIsRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("root.bundle.json").path
        try FileManager.default.copyItem(atPath: Vectors.bundlePath("valid-root.bundle.json"), toPath: path)
        let verifier = try PatchBundleVerifier(trustedKeys: [try PublicKey(pemFile: Vectors.bundlePath("test-only-signer.pub.pem"))],
                                               modelPath: Vectors.bundlePath("model.onnx"))
        let set = try AuditBundleSet(paths: [path], verifier: verifier, certificateBudget: 0)
        // Another validly signed bundle for the same model now sits at the verified path.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: Vectors.bundlePath("valid-child.bundle.json"), toPath: path)
        XCTAssertThrowsCode("bundle.changed-during-audit", try set.withCertificates(0))
    }
}
