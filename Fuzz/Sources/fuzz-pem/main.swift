// fuzz-pem: PublicKey(pemData:) (OpenSSL's PEM reader, then the algorithm check), and the
// same bytes as DER SubjectPublicKeyInfo (PublicKey(derData:), what Sigstore rawBytes holds).
// Leaks of OpenSSL objects show up here through LeakSanitizer.
// fuzz-seeds: Specs/vectors/patch-bundle/*.pem Tests/PruneCryptoTests/Vectors/*.pub Fuzz/seeds/pem
import Foundation
import FuzzSupport
import PruneCrypto

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        FuzzHarness.stage({ key in
            let parsed = try PublicKey(pemData: key)
            // What was read must write back as a key that reads back the same.
            guard try PublicKey(derData: parsed.derData) == parsed else { fatalError("PEM → DER → key differs") }
        }, data)
        _ = try PublicKey(derData: data)
    }
}
