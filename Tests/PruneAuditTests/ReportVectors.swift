import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCrypto

/// Builds the report vectors of `Specs/vectors/report/` from committed inputs: the
/// patch-bundle vectors' model and root bundle, rows of the shipped digits, a test-only
/// Ed25519 auditor key and a fixed time. Ed25519 is deterministic, so the bytes repeat; run
/// the tests with `PRUNE_REGENERATE_VECTORS=1` to rewrite them.
enum ReportVectors {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var directory: URL { repository.appendingPathComponent("Specs/vectors/report") }
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    static func bundlePath(_ name: String) -> String { repository.appendingPathComponent("Specs/vectors/patch-bundle/\(name)").path }
    static var digits: String { repository.appendingPathComponent("SampleBundles/data/digits.csv").path }

    static let time = "2026-02-01T00:00:00Z"
    /// Pinned so a version bump does not change the vectors.
    static let verifierVersion = "0.1.0"
    static let auditorKey = "test-only-auditor.key.pem"
    static let auditorPub = "test-only-auditor.pub.pem"

    struct Vector: Codable, Equatable {
        let file: String
        /// "ok" or the error code of `prune report verify FILE --trust test-only-auditor.pub.pem`.
        let expect: String
        let exit: Int
        let what: String
    }

    struct Manifest: Codable, Equatable {
        let trust: String
        let vectors: [Vector]
        /// `proof-passed-row0.json` checks against this root.
        let proofRoot: String
    }

    static func inputs(rows: String) throws -> Auditor.Inputs {
        Auditor.Inputs(model: bundlePath("model.onnx"), bundles: [bundlePath("valid-root.bundle.json")],
                       trustedKeys: [try PublicKey(pemFile: bundlePath("test-only-signer.pub.pem"))],
                       forget: Auditor.DataFiles(data: digits, rows: path(rows)), reference: nil,
                       policy: AuditPolicy(require: .claimed), time: time, verifierVersion: verifierVersion)
    }

    /// Every file the generator writes, by name.
    static func generate() throws -> [String: Data] {
        let auditor = try PrivateKey(pemFile: path(auditorKey))
        let stranger = try PrivateKey(pemFile: bundlePath("test-only-signer.key.pem"))
        let passed = try Auditor.run(try inputs(rows: "forget-passed.rows")).report
        let failed = try Auditor.run(try inputs(rows: "forget-failed.rows")).report
        var files: [String: Data] = [:]
        let passedFile = try AuditReportFile.encode(passed, key: auditor)
        files["report-passed.json.gz"] = passedFile.file
        files["report-failed.json.gz"] = try AuditReportFile.encode(failed, key: auditor).file
        files["report-unsigned.json.gz"] = try AuditReportFile.encode(passed, key: nil).file
        files["report-wrong-key.json.gz"] = try AuditReportFile.encode(passed, key: stranger).file
        let commitment = try XCTUnwrapValue(passed.points[0].commitment)
        let proof = try ReportInclusionProof(report: passed, reportDigest: passedFile.digest, commitment: commitment)
        files["proof-passed-row0.json"] = JSONSerializer.data(try proof.jsonValue, style: .pretty) + Data("\n".utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        files["vectors.json"] = try encoder.encode(manifest(proofRoot: proof.root)) + Data("\n".utf8)
        return files
    }

    static func manifest(proofRoot: String) -> Manifest {
        Manifest(trust: auditorPub, vectors: [
            Vector(file: "report-passed.json.gz", expect: "ok", exit: 0,
                   what: "rows 0 and 1 of digits.csv against valid-root.bundle.json on model.onnx: PASSED, 2 leaves"),
            Vector(file: "report-failed.json.gz", expect: "ok", exit: 0,
                   what: "rows 0, 1 and 2: the report verifies and records FAILED (row 2 NOT_FORGOTTEN, audit.not-forgotten)"),
            Vector(file: "report-unsigned.json.gz", expect: "report.unsigned", exit: 1,
                   what: "report-passed's Statement written without --key"),
            Vector(file: "report-wrong-key.json.gz", expect: "bundle.signature.untrusted", exit: 1,
                   what: "report-passed's Statement signed with another key (the patch-bundle test signer)"),
        ], proofRoot: proofRoot)
    }
}

struct MissingValue: Error {}

func XCTUnwrapValue<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}
