// fuzz-report: the signed audit report, as `prune report verify` reads it: gzip (and its
// canonical recompression) → strict JSON → Sigstore bundle or bare DSSE envelope → signature
// → in-toto Statement in compact canonical JSON → report predicate → leaves → Merkle root,
// counts and result recomputed. Random bytes rarely survive the canonical-gzip check and never
// carry a signature, so each input is tried at four depths:
//   1. as a report file: AuditReportFile.verify under the test-only and sample auditor keys,
//      and AuditReportFile.open → unverifiedReport (what `report show` and `prove` read);
//   2. as the decompressed content (Sigstore bundle or unsigned envelope): compressed here in
//      the canonical form, then as depth 1;
//   3. as the Statement: AuditReportFile.report(fromPayload:), the parsing after the signature;
//   4. as the Statement with the digests a mutation cannot keep in step (the policy digest, the
//      Merkle root and size) recomputed from the rest, so changed leaves, counts and results
//      reach the checks behind them; signed with the test-only auditor key into a canonical
//      report file and verified. A report that verifies must also re-encode to a file that
//      verifies to an equal report (the writer's promise).
// fuzz-seeds: Specs/vectors/report/*.json.gz SampleBundles/audit-*.json.gz Fuzz/seeds/report
import Foundation
import FuzzSupport
import PruneAudit
import PruneBundle
import PruneCompression
import PruneCrypto
import PruneFuzzInputs

/// One-time setup. Named FuzzFixture for Fuzz/lsan.supp: what it holds lives until exit.
struct FuzzFixture {
    /// The published test-only auditor key (Specs/vectors/report), never trusted anywhere else.
    let key: PrivateKey
    /// The keys of the vectors' and the sample reports, so that seed files verify.
    let trusted: [PublicKey]

    init() {
        do {
            key = try PrivateKey(pemFile: FuzzHarness.repositoryFile("Specs/vectors/report/test-only-auditor.key.pem").path)
            trusted = [key.publicKey,
                       try PublicKey(pemFile: FuzzHarness.repositoryFile("SampleBundles/keys/sample-auditor.pub.pem").path)]
        } catch {
            fatalError("fuzz setup: \(error)")
        }
    }
}

let fixture = FuzzFixture()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = fixture
    return 0
}

/// Depth 1: what `report verify`, `show` and `prove` do with a file's bytes.
func readFile(_ file: Data) {
    FuzzHarness.stage({ _ = try AuditReportFile.verify($0, trustedKeys: fixture.trusted) }, file)
    FuzzHarness.stage({ _ = try AuditReportFile.open($0).unverifiedReport() }, file)
}

/// The canonical report file holding `statement`, signed with the test-only key.
func signedFile(_ statement: Data) throws -> Data {
    let envelope = try DSSE.sign(payload: statement, payloadType: InTotoStatement.payloadType, key: fixture.key, keyid: nil)
    let content = try SigstoreBundle(envelope: envelope, signer: fixture.key.publicKey).jsonData()
    return try Gzip.compress(content, level: AuditReportFile.compressionLevel)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        readFile(data)
        // The layers below are JSON objects; other inputs have been tried as a file above.
        guard data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") else { return }
        FuzzHarness.stage({ readFile(try Gzip.compress($0, level: AuditReportFile.compressionLevel)) }, data)
        FuzzHarness.stage({ _ = try AuditReportFile.report(fromPayload: $0) }, data)
        guard let statement = ConsistentInputs.reportStatement(data) else { return }
        let verified = try AuditReportFile.verify(try signedFile(statement), trustedKeys: [fixture.key.publicKey])
        let again = try AuditReportFile.verify(try AuditReportFile.encode(verified.report, key: fixture.key).file,
                                               trustedKeys: [fixture.key.publicKey])
        guard again.report == verified.report else { fatalError("encode → verify does not give the same report") }
    }
}
