import Foundation
import PruneBundle
import PruneCrypto
import PruneTestSupport
import XCTest

/// Key-based Sigstore bundles: shape checks first, then the one signature, then the hint.
final class SigstoreBundleTests: XCTestCase {
    static let key = try! PrivateKey.generate()
    static let other = try! PrivateKey.generate()
    let payload = Data(#"{"hello":"world"}"#.utf8)

    func testWritesModelSigningLayoutAndVerifies() throws {
        let data = try signedBundle(payload: payload, key: Self.key)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":""# + Self.key.publicKey.fingerprint + #""},"tlogEntries":[]},"dsseEnvelope":{"payload":""#), text)
        let bundle = try SigstoreBundle(jsonData: data)
        XCTAssertEqual(bundle.publicKeyHint, Self.key.publicKey.fingerprint)
        let verified = try bundle.verify(trustedKeys: [Self.other.publicKey, Self.key.publicKey])
        XCTAssertEqual(verified.payload, payload)
        XCTAssertEqual(verified.verifiedBy, [Self.key.publicKey])
    }

    func testDuplicateKeysAreRefusedBeforeTheSignatureIsLookedAt() throws {
        let data = try signedBundle(payload: payload, key: Self.key)
        // A second "payload" after the signed one: a lax parser would let it win.
        let evil = Data(String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: #""payloadType":"#, with: #""payload":"e30=","payloadType":"#).utf8)
        XCTAssertThrowsCode("bundle.json.duplicate-key", try SigstoreBundle(jsonData: evil))
    }

    func testMediaTypes() throws {
        let value = try json(try signedBundle(payload: payload, key: Self.key))
        for old in ["application/vnd.dev.sigstore.bundle+json;version=0.1", "application/vnd.dev.sigstore.bundle+json;version=0.3"] {
            let bundle = try SigstoreBundle(jsonData: bytes(edit(value, [.key("mediaType")]) { _ in .string(old) }))
            XCTAssertNoThrow(try bundle.verify(trustedKeys: [Self.key.publicKey]))
        }
        for bad in ["application/vnd.dev.sigstore.bundle.v0.4+json", "application/json", ""] {
            XCTAssertThrowsCode("bundle.sigstore.unsupported-media-type",
                                try SigstoreBundle(jsonData: bytes(edit(value, [.key("mediaType")]) { _ in .string(bad) })))
        }
        XCTAssertThrowsCode("bundle.field.missing", try SigstoreBundle(jsonData: bytes(edit(value, [.key("mediaType")]) { _ in nil })))
    }

    func testExactlyOneSignature() throws {
        let value = try json(try signedBundle(payload: payload, key: Self.key))
        let path: [JSONPathComponent] = [.key("dsseEnvelope"), .key("signatures")]
        let two = edit(value, path) { signatures in
            guard case .array(let list)? = signatures else { return signatures }
            return .array(list + list)
        }
        XCTAssertThrowsCode("bundle.sigstore.signature-count", try SigstoreBundle(jsonData: bytes(two)))
        XCTAssertThrowsCode("bundle.sigstore.signature-count", try SigstoreBundle(jsonData: bytes(edit(value, path) { _ in [] })))
    }

    func testUnsupportedMaterialAndProtoSpellings() throws {
        let value = try json(try signedBundle(payload: payload, key: Self.key))
        let certificate = edit(value, [.key("verificationMaterial"), .key("certificate")]) { _ in ["rawBytes": "AA=="] }
        XCTAssertThrowsCode("bundle.sigstore.unsupported-verification-material", try SigstoreBundle(jsonData: bytes(certificate)))
        let noKey = edit(value, [.key("verificationMaterial"), .key("publicKey")]) { _ in nil }
        XCTAssertThrowsCode("bundle.sigstore.unsupported-verification-material", try SigstoreBundle(jsonData: bytes(noKey)))

        // snake_case names, a null keyid and unknown fields are all read.
        let text = String(decoding: bytes(value), as: UTF8.self)
            .replacingOccurrences(of: "\"publicKey\"", with: "\"public_key\"")
            .replacingOccurrences(of: "\"tlogEntries\"", with: "\"tlog_entries\"")
            .replacingOccurrences(of: "\"dsseEnvelope\"", with: "\"dsse_envelope\"")
            .replacingOccurrences(of: "{\"sig\"", with: "{\"keyid\":null,\"future\":1,\"sig\"")
        XCTAssertNoThrow(try SigstoreBundle(jsonData: Data(text.utf8)).verify(trustedKeys: [Self.key.publicKey]))

        // Pre-1.1.0 bundles name the key by its DER bytes.
        let raw = edit(value, [.key("verificationMaterial"), .key("publicKey")]) { _ in
            ["rawBytes": .string(try! Self.key.publicKey.derData.base64EncodedString())]
        }
        XCTAssertNoThrow(try SigstoreBundle(jsonData: bytes(raw)).verify(trustedKeys: [Self.key.publicKey]))
        XCTAssertThrowsCode("bundle.field.invalid", try SigstoreBundle(jsonData: bytes(edit(raw, [.key("verificationMaterial"), .key("publicKey"), .key("rawBytes")]) { _ in "%%" })))
    }

    func testVerificationVerdicts() throws {
        let value = try json(try signedBundle(payload: payload, key: Self.key))
        let bundle = try SigstoreBundle(jsonData: bytes(value))
        XCTAssertThrowsCode("bundle.signature.untrusted", try bundle.verify(trustedKeys: [Self.other.publicKey]))
        XCTAssertThrowsCode("bundle.signature.untrusted", try bundle.verify(trustedKeys: []))

        let tampered = edit(value, [.key("dsseEnvelope"), .key("payload")]) { _ in .string(Data(#"{"hello":"World"}"#.utf8).base64EncodedString()) }
        XCTAssertThrowsCode("bundle.signature.invalid", try SigstoreBundle(jsonData: bytes(tampered)).verify(trustedKeys: [Self.key.publicKey]))
        let retyped = edit(value, [.key("dsseEnvelope"), .key("payloadType")]) { _ in "application/json" }
        XCTAssertThrowsCode("bundle.signature.invalid", try SigstoreBundle(jsonData: bytes(retyped)).verify(trustedKeys: [Self.key.publicKey]))

        // The hint names another trusted key than the one that signed: duplicated fields disagree.
        let rehinted = edit(value, [.key("verificationMaterial"), .key("publicKey"), .key("hint")]) { _ in .string(Self.other.publicKey.fingerprint) }
        XCTAssertThrowsCode("bundle.sigstore.hint-mismatch",
                            try SigstoreBundle(jsonData: bytes(rehinted)).verify(trustedKeys: [Self.key.publicKey, Self.other.publicKey]))
        // An empty hint is no hint.
        let unhinted = edit(value, [.key("verificationMaterial"), .key("publicKey"), .key("hint")]) { _ in "" }
        XCTAssertNoThrow(try SigstoreBundle(jsonData: bytes(unhinted)).verify(trustedKeys: [Self.key.publicKey]))
    }
}
