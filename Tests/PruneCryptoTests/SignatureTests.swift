import PruneTestSupport
import Foundation
import XCTest
@testable import PruneCrypto

final class SignatureTests: XCTestCase {
    /// RFC 8032 §7.1 TEST 1: empty message.
    func testEd25519RFC8032Test1() throws {
        let key = try PrivateKey(ed25519RawPrivateKey: hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let expectedPublic = try PublicKey(ed25519RawPublicKey: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        XCTAssertEqual(key.publicKey, expectedPublic)
        let expected = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        let signature = try key.sign(Data())
        XCTAssertEqual(signature, expected)
        XCTAssertTrue(expectedPublic.verify(signature: signature, message: Data()))
        XCTAssertFalse(expectedPublic.verify(signature: signature, message: Data([0])))
        XCTAssertFalse(expectedPublic.verify(signature: signature.flippingBit(at: 10), message: Data()))
    }

    func testRoundTripsAndTamperingForBothAlgorithms() throws {
        let message = Data("prune: forget request 42".utf8)
        for algorithm in KeyAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let signature = try key.sign(message)
            if algorithm == .ecdsaP256 { XCTAssertEqual(signature.first, 0x30, "DER SEQUENCE") }
            if algorithm == .ed25519 { XCTAssertEqual(signature.count, 64) }
            XCTAssertTrue(key.publicKey.verify(signature: signature, message: message))
            XCTAssertFalse(key.publicKey.verify(signature: signature, message: message.flippingBit(at: 3)))
            XCTAssertFalse(key.publicKey.verify(signature: signature.flippingBit(at: signature.count - 1), message: message))
            XCTAssertFalse(try PrivateKey.generate(algorithm).publicKey.verify(signature: signature, message: message))
        }
    }

    func testGarbageSignaturesAreFalseNotCrashes() throws {
        for algorithm in KeyAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm).publicKey
            let garbage: [Data] = [Data(), Data([0x30]), Data([0x30, 0x80]), Data(count: 64), Data(repeating: 0xff, count: 64),
                                   Data(repeating: 0x30, count: 72), Data(count: 10_000)]
            for signature in garbage {
                XCTAssertFalse(key.verify(signature: signature, message: Data("m".utf8)))
            }
        }
    }

    func testECDSARawAndDERFormsBothVerify() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let message = Data("raw or der".utf8)
        let der = try key.sign(message)
        let raw = try rawFromDER(der)
        XCTAssertEqual(raw.count, 64)
        XCTAssertEqual(ECDSASignature.derFromRaw(raw), der)
        XCTAssertTrue(key.publicKey.verify(signature: raw, message: message))
        XCTAssertFalse(key.publicKey.verify(signature: raw.flippingBit(at: 63), message: message))
        // Raw r‖s is a P-256 notion only; Ed25519 signatures are always 64 raw bytes anyway.
        XCTAssertFalse(key.publicKey.verify(signature: raw, message: message.flippingBit(at: 0)))
    }

    /// Independent DER → r‖s conversion written for the test (SEQUENCE { INTEGER r, INTEGER s }).
    private func rawFromDER(_ der: Data) throws -> Data {
        let bytes = [UInt8](der)
        XCTAssertEqual(bytes[0], 0x30)
        var index = 2
        var raw = Data()
        for _ in 0..<2 {
            XCTAssertEqual(bytes[index], 0x02)
            let length = Int(bytes[index + 1])
            var integer = Array(bytes[(index + 2)..<(index + 2 + length)])
            while integer.count > 32 && integer.first == 0 { integer.removeFirst() }
            raw.append(Data(repeating: 0, count: 32 - integer.count) + Data(integer))
            index += 2 + length
        }
        return raw
    }
}
