import Foundation
import PruneAudit
import PruneBundle
import PruneCore
import PruneCompression
import PruneCrypto
import PruneTestSupport
import XCTest

/// The committed vectors of `Specs/vectors/report/`: each gives its documented result, the
/// proof checks against the documented root, and regenerating reproduces every byte (which
/// is also the determinism check: same inputs and time, same file).
final class ReportVectorTests: XCTestCase {
    typealias Vectors = ReportVectors

    func testEveryVectorGivesItsDocumentedResult() throws {
        let manifest = try JSONDecoder().decode(Vectors.Manifest.self, from: Data(contentsOf: Vectors.directory.appendingPathComponent("vectors.json")))
        let keys = [try PublicKey(pemFile: Vectors.path(manifest.trust))]
        for vector in manifest.vectors {
            do {
                let verified = try AuditReportFile.verify(try AuditReportFile.read(path: Vectors.path(vector.file)), trustedKeys: keys)
                XCTAssertEqual(vector.expect, "ok", "\(vector.file) verified")
                XCTAssertEqual(verified.report.result, vector.file.contains("failed") ? .failed : .passed, vector.file)
            } catch let error as any PruneError {
                XCTAssertEqual(error.code, vector.expect, "\(vector.file): \(error.message)")
                XCTAssertEqual(Int(error.exitStatus.rawValue), vector.exit, vector.file)
            }
        }
        let proof = try ReportInclusionProof(jsonData: Data(contentsOf: Vectors.directory.appendingPathComponent("proof-passed-row0.json")))
        XCTAssertNoThrow(try proof.check(trustedRoot: manifest.proofRoot))
        XCTAssertThrowsCode("report.proof-invalid", try proof.check(trustedRoot: String(repeating: "0", count: 64)))
        XCTAssertEqual(try proof.point().row, 0)
    }

    /// Integers are JSON numbers only: a Statement whose tree size is the string "2" (found by
    /// the report fuzz target, re-signed by a key holder) is refused, not read as 2.
    func testIntegersWrittenAsStringsAreRefused() throws {
        let opened = try AuditReportFile.open(try AuditReportFile.read(path: Vectors.path("report-passed.json.gz")))
        let statement = try AuditReportFile.parser.parse(opened.unverifiedPayload)
        XCTAssertNoThrow(try AuditReportFile.report(fromPayload: JSONSerializer.data(statement)))
        for path: [JSONPathComponent] in [[.key("predicate"), .key("points"), .key("treeSize")],
                                          [.key("predicate"), .key("points"), .key("leaves"), .index(0), .key("row")]] {
            let edited = statement.rewriting(path) { value in
                guard case .number(let n)? = value else { return value }
                return .string(n.literal)
            }
            XCTAssertNotEqual(edited, statement, "\(path) is a number in the vector")
            XCTAssertThrowsCode("bundle.field.type", try AuditReportFile.report(fromPayload: JSONSerializer.data(edited)))
        }
    }

    func testRegeneratingReproducesTheCommittedBytes() throws {
        let files = try Vectors.generate()
        let regenerate = ProcessInfo.processInfo.environment["PRUNE_REGENERATE_VECTORS"] == "1"
        for (name, data) in files.sorted(by: { $0.key < $1.key }) {
            let url = Vectors.directory.appendingPathComponent(name)
            if regenerate { try data.write(to: url) }
            XCTAssertEqual(try Data(contentsOf: url), data, "\(name) differs from what the generator makes")
        }
        // Twice in one process: byte-identical.
        XCTAssertEqual(try Vectors.generate(), files)
    }

    /// A report that failed a global check still records it: FAILED, the code, every point NOT_CHECKED.
    func testFailedGlobalCheckIsRecorded() throws {
        let base = try Vectors.inputs(rows: "forget-failed.rows")
        let stranger = try PrivateKey(pemFile: Vectors.path(Vectors.auditorKey)).publicKey
        let inputs = Auditor.Inputs(model: base.model, bundles: base.bundles, trustedKeys: [stranger], forget: base.forget,
                                    reference: nil, policy: base.policy, time: base.time, verifierVersion: base.verifierVersion)
        let outcome = try Auditor.run(inputs)
        XCTAssertEqual(outcome.globalFailure?.code, "bundle.signature.untrusted")
        XCTAssertEqual(outcome.report.result, .failed)
        XCTAssertEqual(outcome.report.checks.map(\.status), [.fail, .notChecked, .notChecked])
        XCTAssertEqual(outcome.report.checks[0].code, "bundle.signature.untrusted")
        XCTAssertEqual(outcome.report.points.map(\.verdict), [.notChecked, .notChecked, .notChecked])
        let key = try PrivateKey(pemFile: Vectors.path(Vectors.auditorKey))
        let encoded = try AuditReportFile.encode(outcome.report, key: key)
        XCTAssertEqual(try AuditReportFile.verify(encoded.file, trustedKeys: [key.publicKey]).report, outcome.report)
    }
}

/// No single changed byte of a report file verifies, and each failure has the code of the
/// layer it hit: the gzip header, the deflate data, or the CRC-32/length trailer.
final class ReportByteFlipTests: XCTestCase {
    func testNoSingleByteFlipVerifies() throws {
        let original = try Data(contentsOf: ReportVectors.directory.appendingPathComponent("report-passed.json.gz"))
        let keys = [try PublicKey(pemFile: ReportVectors.path(ReportVectors.auditorPub))]
        XCTAssertNoThrow(try AuditReportFile.verify(original, trustedKeys: keys))
        // Header fields zlib ignores (MTIME, XFL, OS, FTEXT) and deflate padding bits do not
        // change the content: the canonical-compression rule catches them.
        let header: Set<String> = ["zlib.bad-header", "report.non-canonical", "zlib.corrupt", "zlib.truncated"]
        let body: Set<String> = ["zlib.corrupt", "zlib.checksum", "zlib.truncated", "zlib.trailing-data", "report.non-canonical"]
        let trailer: Set<String> = ["zlib.checksum"]
        var codes: [String: Int] = [:]
        for index in 0..<original.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = original
                bytes[index] ^= mask
                let allowed = index < 10 ? header : index >= original.count - 8 ? trailer : body
                do {
                    _ = try AuditReportFile.verify(bytes, trustedKeys: keys)
                    XCTFail("byte \(index) ^ \(mask) still verifies")
                } catch let error as any PruneError {
                    XCTAssertTrue(allowed.contains(error.code), "byte \(index) ^ \(mask): \(error.code) \(error.message)")
                    codes[error.code, default: 0] += 1
                }
            }
        }
        XCTAssertGreaterThan(codes["report.non-canonical"] ?? 0, 0, "\(codes)")
        XCTAssertGreaterThan(codes["zlib.checksum"] ?? 0, 0, "\(codes)")
    }

    /// Re-signed content edits: the signature holds, the content does not.
    func testResignedEditsFailWithTheirCodes() throws {
        let key = try PrivateKey(pemFile: ReportVectors.path(ReportVectors.auditorKey))
        let report = try Auditor.run(try ReportVectors.inputs(rows: "forget-failed.rows")).report
        let statement = try report.statement().jsonValue
        func verify(_ value: JSONValue) throws {
            let payload = JSONSerializer.data(value)
            let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: key)
            let file = try Gzip.compress(try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData(), level: AuditReportFile.compressionLevel)
            _ = try AuditReportFile.verify(file, trustedKeys: [key.publicKey])
        }
        XCTAssertNoThrow(try verify(statement))
        XCTAssertThrowsCode("report.merkle-mismatch", try verify(edit(statement, ["predicate", "points", "root"]) { _ in .string(String(repeating: "a", count: 64)) }))
        XCTAssertThrowsCode("report.merkle-mismatch", try verify(edit(statement, ["predicate", "points", "treeSize"]) { _ in .integer(4) }))
        XCTAssertThrowsCode("report.inconsistent", try verify(edit(statement, ["predicate", "verificationResult"]) { _ in "PASSED" }))
        XCTAssertThrowsCode("report.inconsistent", try verify(edit(statement, ["predicate", "counts", "verdicts", "CERTIFIED"]) { _ in .integer(3) }))
        XCTAssertThrowsCode("report.inconsistent", try verify(edit(statement, ["predicate", "policy", "require"]) { _ in "forgotten" }))
        XCTAssertThrowsCode("report.unsupported-version", try verify(edit(statement, ["predicateType"]) { _ in "https://prune.dev/audit-report/v2" }))
        XCTAssertThrowsCode("bundle.field.missing", try verify(edit(statement, ["predicate", "timeVerified"]) { _ in nil }))
        // A leaf verdict changed and the root recomputed: counts and result no longer match.
        let leaves = try XCTUnwrap(statement["predicate"]?["points"]?["leaves"])
        guard case .array(var list) = leaves else { return XCTFail("no leaves") }
        list[2] = edit(list[2], ["verdict"]) { _ in "FORGOTTEN" }
        let tree = try MerkleTree(leaves: list.map { JSONSerializer.data($0) })
        var edited = edit(statement, ["predicate", "points", "leaves"]) { _ in .array(list) }
        edited = edit(edited, ["predicate", "points", "root"]) { _ in .string((try? tree.root().hexString) ?? "") }
        XCTAssertThrowsCode("report.inconsistent", try verify(edited))
        // A leaf number spelled another way is not canonical.
        let respelled = edit(statement, ["predicate", "points", "leaves"]) { _ in
            var copy = list
            copy[0] = edit(copy[0], ["pointMargin"]) { value in
                guard case .number(let n)? = value else { return value }
                return .number(JSONNumber(literal: n.literal + "0", value: n.value))
            }
            return .array(copy)
        }
        XCTAssertThrowsCode("report.non-canonical", try verify(respelled))
    }

    /// Replaces (or with nil removes) the member at a path of object keys.
    func edit(_ value: JSONValue, _ path: [String], _ change: (JSONValue?) -> JSONValue?) -> JSONValue {
        guard let key = path.first, case .object(let members) = value else { return change(value) ?? .null }
        if path.count == 1 {
            if let i = members.firstIndex(where: { $0.key == key }) {
                var copy = members
                if let new = change(members[i].value) { copy[i] = JSONMember(key, new) } else { copy.remove(at: i) }
                return .object(copy)
            }
            return change(nil).map { .object(members + [JSONMember(key, $0)]) } ?? value
        }
        return .object(members.map { $0.key == key ? JSONMember(key, edit($0.value, Array(path.dropFirst()), change)) : $0 })
    }
}
