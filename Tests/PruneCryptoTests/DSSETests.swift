import PruneTestSupport
import Foundation
import XCTest
@testable import PruneCrypto

final class DSSETests: XCTestCase {
    private let specType = "http://example.com/HelloWorld"
    private let specDER = "3044022003726ab101ad56c2763b6c6aac8e487275e2a79193a09dc5f859d9f8ef3c4a3b"
        + "022051eab0c06a369b64a7222537d4887a893dc200ae21060074d57825235b624864"

    func testPAEVector() throws {
        let pae = DSSE.pae(payloadType: specType, payload: Data("hello world".utf8))
        XCTAssertEqual(pae, Data("DSSEv1 29 http://example.com/HelloWorld 11 hello world".utf8))
        XCTAssertEqual(pae.count, 54)
        XCTAssertEqual(try Hash.sha256(pae).hexString, "217751fac2c4f14edb2c9297fbc34abcb016ba88e74757e875ec4ac16fb6b6a1")
        XCTAssertEqual(DSSE.pae(payloadType: "", payload: Data()), Data("DSSEv1 0  0 ".utf8))
        // Lengths are byte counts, not character counts.
        XCTAssertEqual(DSSE.pae(payloadType: "é", payload: Data([1])), Data("DSSEv1 2 é 1 ".utf8) + Data([1]))
    }

    func testSpecEnvelopeVerifiesWithRawSignature() throws {
        let key = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        let envelope = try DSSEEnvelope(jsonData: try vector("dsse-spec-envelope.json"))
        XCTAssertEqual(envelope.signatures.first?.sig.count, 64)
        let verified = try DSSE.verify(envelope, trustedKeys: [key])
        XCTAssertEqual(verified.payload, Data("hello world".utf8))
        XCTAssertEqual(verified.payloadType, specType)
        XCTAssertEqual(verified.verifiedBy, [key])
        XCTAssertEqual(key.fingerprint, "0208b83a6f7cb3a71b25443312dc3063661cd8f474cfe938f3c2568f7d465a8d")
    }

    func testSpecSignatureInDERFormVerifies() throws {
        let key = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        let pae = DSSE.pae(payloadType: specType, payload: Data("hello world".utf8))
        XCTAssertTrue(key.verify(signature: hex(specDER), message: pae))
        let envelope = DSSEEnvelope(payload: Data("hello world".utf8), payloadType: specType,
                                    signatures: [.init(sig: hex(specDER))])
        XCTAssertNoThrow(try DSSE.verify(envelope, trustedKeys: [key]))
    }

    func testTamperingIsRejected() throws {
        let key = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        let good = try DSSEEnvelope(jsonData: try vector("dsse-spec-envelope.json"))
        let sig = good.signatures[0].sig
        let tampered = [
            DSSEEnvelope(payload: good.payload.flippingBit(at: 0), payloadType: good.payloadType, signatures: good.signatures),
            DSSEEnvelope(payload: good.payload, payloadType: "http://example.com/HelloWorlD", signatures: good.signatures),
            DSSEEnvelope(payload: good.payload, payloadType: good.payloadType, signatures: [.init(sig: sig.flippingBit(at: 5))]),
            DSSEEnvelope(payload: good.payload, payloadType: good.payloadType, signatures: []),
        ]
        for envelope in tampered {
            XCTAssertThrowsCode("crypto.dsse.no-valid-signature", try DSSE.verify(envelope, trustedKeys: [key]))
        }
        XCTAssertThrowsError(try DSSE.verify(tampered[0], trustedKeys: [key])) { error in
            XCTAssertEqual((error as? CryptoError)?.exitStatus, .verificationFailed)
        }
    }

    func testUntrustedKeyIsRejected() throws {
        let envelope = try DSSEEnvelope(jsonData: try vector("dsse-spec-envelope.json"))
        XCTAssertThrowsCode("crypto.dsse.no-valid-signature",
                            try DSSE.verify(envelope, trustedKeys: [try PrivateKey.generate().publicKey]))
        XCTAssertThrowsCode("crypto.dsse.no-valid-signature", try DSSE.verify(envelope, trustedKeys: []))
    }

    func testKeyidNeverDecidesTrust() throws {
        let key = try PrivateKey.generate()
        let payload = Data(#"{"a":1}"#.utf8)
        let signed = try DSSE.sign(payload: payload, payloadType: "application/vnd.in-toto+json",
                                   key: key, keyid: "definitely-not-this-key")
        XCTAssertEqual(try DSSE.verify(signed, trustedKeys: [key.publicKey]).payload, payload)

        let forged = DSSEEnvelope(payload: payload, payloadType: signed.payloadType,
                                  signatures: [.init(keyid: key.publicKey.fingerprint,
                                                     sig: signed.signatures[0].sig.flippingBit(at: 8))])
        XCTAssertThrowsCode("crypto.dsse.no-valid-signature", try DSSE.verify(forged, trustedKeys: [key.publicKey]))
    }

    func testThresholdCountsUniqueKeys() throws {
        let first = try PrivateKey.generate(), second = try PrivateKey.generate(.ed25519)
        let payload = Data("two signers".utf8), type = "text/plain"
        let pae = DSSE.pae(payloadType: type, payload: payload)
        let both = DSSEEnvelope(payload: payload, payloadType: type, signatures: [
            .init(sig: try first.sign(pae)), .init(sig: try first.sign(pae)), .init(sig: try second.sign(pae)),
        ])
        let verified = try DSSE.verify(both, trustedKeys: [first.publicKey, second.publicKey], threshold: 2)
        XCTAssertEqual(verified.verifiedBy, [first.publicKey, second.publicKey])
        let onlyFirst = DSSEEnvelope(payload: payload, payloadType: type,
                                     signatures: [.init(sig: try first.sign(pae)), .init(sig: try first.sign(pae))])
        XCTAssertThrowsCode("crypto.dsse.threshold-not-met",
                            try DSSE.verify(onlyFirst, trustedKeys: [first.publicKey, first.publicKey, second.publicKey], threshold: 2))
        XCTAssertEqual(try DSSE.verify(onlyFirst, trustedKeys: [first.publicKey], threshold: 0).verifiedBy.count, 1)
    }

    func testEncodingIsDeterministicAndRoundTrips() throws {
        for algorithm in KeyAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let envelope = try DSSE.sign(payload: Data("p/q".utf8), payloadType: "application/vnd.in-toto+json", key: key)
            let json = try envelope.jsonData()
            XCTAssertEqual(try envelope.jsonData(), json)
            let text = String(decoding: json, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix(#"{"payload":"cC9x","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":""#), text)
            XCTAssertFalse(text.contains("keyid"))
            let decoded = try DSSEEnvelope(jsonData: json)
            XCTAssertEqual(decoded, envelope)
            XCTAssertEqual(try DSSE.verify(decoded, trustedKeys: [key.publicKey]).payload, Data("p/q".utf8))
        }
    }

    func testKeyidAbsentEmptyOrNullAndUnknownFieldsAreAccepted() throws {
        let key = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        let sig = "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="
        for keyid in [#""keyid":"","#, #""keyid":null,"#, #""keyid":"x","#, ""] {
            let json = #"{"extra":[1],"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{\#(keyid)"sig":"\#(sig)","more":true}]}"#
            XCTAssertNoThrow(try DSSE.verify(try DSSEEnvelope(jsonData: Data(json.utf8)), trustedKeys: [key]), json)
        }
    }

    func testURLSafeAndUnpaddedBase64AreAccepted() throws {
        let key = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        let standard = "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        XCTAssertNotEqual(urlSafe, standard)
        for (payload, sig) in [("aGVsbG8gd29ybGQ", urlSafe), ("aGVsbG8gd29ybGQ=", String(urlSafe.dropLast(2))),
                               ("aGVsbG8gd29ybGQ", String(standard.dropLast(2)))] {
            let json = #"{"payload":"\#(payload)","payloadType":"http://example.com/HelloWorld","signatures":[{"sig":"\#(sig)"}]}"#
            XCTAssertEqual(try DSSE.verify(try DSSEEnvelope(jsonData: Data(json.utf8)), trustedKeys: [key]).payload,
                           Data("hello world".utf8))
        }
    }

    func testMalformedEnvelopesAreRejected() throws {
        let bad = [
            "", "not json", "[]", "null", #"{"payloadType":"t","signatures":[]}"#,
            #"{"payload":"","signatures":[]}"#, #"{"payload":"","payloadType":"t"}"#,
            #"{"payload":"","payloadType":"t","signatures":[{}]}"#,
            #"{"payload":"","payloadType":"t","signatures":[{"sig":5}]}"#,
            #"{"payload":"","payloadType":"t","signatures":{"sig":""}}"#,
            #"{"payload":7,"payloadType":"t","signatures":[]}"#,
            #"{"payload":"","payloadType":null,"signatures":[]}"#,
            #"{"payload":"a===","payloadType":"t","signatures":[]}"#,
            #"{"payload":"a b=","payloadType":"t","signatures":[]}"#,
            #"{"payload":"aGk=aGk=","payloadType":"t","signatures":[]}"#,
            #"{"payload":"","payloadType":"t","signatures":[{"sig":"!!"}]}"#,
            #"{"payload":"","payloadType":"t","signatures":[{"sig":"","keyid":3}]}"#,
        ]
        for json in bad {
            XCTAssertThrowsCode("crypto.dsse.malformed", try DSSEEnvelope(jsonData: Data(json.utf8)))
        }
        // Present-but-empty fields are valid: the spec requires presence, not content.
        XCTAssertNoThrow(try DSSEEnvelope(jsonData: Data(#"{"payload":"","payloadType":"","signatures":[{"sig":""}]}"#.utf8)))
    }
}
