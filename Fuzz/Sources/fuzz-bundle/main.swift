// fuzz-bundle: the patch-bundle path from bytes, as `prune bundle verify` reads it: strict
// JSON → Sigstore bundle → DSSE → in-toto Statement → predicate → patch file → tensors →
// patches on the model. Random bytes almost never carry a valid signature, so each input is
// tried at three depths:
//   1. as a bundle file: PatchBundleVerifier.verify(bundle:) (and PatchBundleClaims, what
//      `bundle inspect` reads without verifying);
//   2. as a Statement: signed here with the published test-only key into a canonical bundle,
//      then verified, so the checks after the signature see the fuzzer's bytes;
//   3. as a patch file: PatchFile.decode, checkTensors, decodePatches for the vectors' model.
// fuzz-seeds: Specs/vectors/patch-bundle/*.bundle.json Specs/vectors/patch-bundle/patches-*.json Fuzz/seeds/bundle
import Foundation
import FuzzSupport
import PruneBundle
import PruneCrypto
import PruneModel

/// One-time setup. Named FuzzFixture for Fuzz/lsan.supp: what it holds lives until exit.
struct FuzzFixture {
    let key: PrivateKey
    let verifier: PatchBundleVerifier
    let network: Network

    init() {
        let vectors = "Specs/vectors/patch-bundle/"
        do {
            key = try PrivateKey(pemFile: FuzzHarness.repositoryFile(vectors + "test-only-signer.key.pem").path)
            let model = FuzzHarness.repositoryFile(vectors + "model.onnx").path
            verifier = try PatchBundleVerifier(trustedKeys: [key.publicKey], modelPath: model)
            network = try ModelFile.load(path: model)
        } catch {
            fatalError("fuzz setup: \(error)")
        }
    }
}

let fixture = FuzzFixture()

/// Loads the fixture before the first input, so its one-time allocations are not charged to it.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = fixture
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        FuzzHarness.stage({ _ = try fixture.verifier.verify(bundle: $0, path: "input.bundle.json") }, data)
        FuzzHarness.stage({ _ = try PatchBundleClaims(jsonData: $0) }, data)
        if data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
            FuzzHarness.stage({ statement in
                let envelope = try DSSE.sign(payload: statement, payloadType: InTotoStatement.payloadType, key: fixture.key, keyid: nil)
                let bundle = try SigstoreBundle(envelope: envelope, signer: fixture.key.publicKey).jsonData()
                _ = try fixture.verifier.verify(bundle: bundle, path: "signed-input.bundle.json")
            }, data)
        }
        let file = try PatchFile.decode(data)
        try file.checkTensors()
        _ = try file.decodePatches(for: fixture.network)
    }
}
