// fuzz-model-signature: OpenSSF Model Signing signatures, as `prune verify-model` reads them
// before it hashes any file: the Sigstore bundle (SigstoreBundle(jsonData:), then its
// signature against a key), and the input as the Statement the signature covers
// (InTotoStatement(payload:) → ModelPredicate → the root digest of its resource list).
// fuzz-seeds: Fuzz/seeds/model-signature
import Foundation
import FuzzSupport
import PruneBundle
import PruneCrypto

/// One-time setup. Named FuzzFixture for Fuzz/lsan.supp: what it holds lives until exit.
struct FuzzFixture {
    let key: PublicKey
    init() {
        do {
            key = try PublicKey(pemFile: FuzzHarness.repositoryFile("Tests/PruneCryptoTests/Vectors/dsse-spec-key.pub").path)
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        FuzzHarness.stage({ _ = try SigstoreBundle(jsonData: $0).verify(trustedKeys: [fixture.key]) }, data)
        let statement = try InTotoStatement(payload: data)
        let predicate = try ModelPredicate(json: JSONField(statement.predicate, components: [.key("predicate")]))
        _ = try predicate.rootDigest()
    }
}
