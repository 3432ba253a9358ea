import PruneTestSupport
import Foundation
import XCTest
import PruneCore
@testable import PruneCrypto

final class KeyTests: XCTestCase {
    func testGeneratedKeysWritePKCS8AndSPKIAndReadBack() throws {
        for algorithm in KeyAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            XCTAssertEqual(key.algorithm, algorithm)
            let pem = String(decoding: try key.pemData, as: UTF8.self)
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), pem)
            XCTAssertTrue(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
            let publicPEM = String(decoding: key.publicKey.pemData, as: UTF8.self)
            XCTAssertTrue(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"), publicPEM)
            XCTAssertFalse(publicPEM.contains("PRIVATE"))

            let reread = try PrivateKey(pemData: try key.pemData)
            XCTAssertEqual(reread.algorithm, algorithm)
            XCTAssertEqual(reread.publicKey, key.publicKey)
            XCTAssertEqual(try reread.pemData, try key.pemData)
            let rereadPublic = try PublicKey(pemData: key.publicKey.pemData)
            XCTAssertEqual(rereadPublic, key.publicKey)
            XCTAssertEqual(try PublicKey(derData: try key.publicKey.derData), key.publicKey)
        }
    }

    func testTwoGeneratedKeysDiffer() throws {
        XCTAssertNotEqual(try PrivateKey.generate().publicKey, try PrivateKey.generate().publicKey)
    }

    func testFingerprintIsSHA256OfThePEMFile() throws {
        let spec = try PublicKey(pemData: try vector("dsse-spec-key.pub"))
        XCTAssertEqual(spec.algorithm, .ecdsaP256)
        XCTAssertEqual(spec.fingerprint, "0208b83a6f7cb3a71b25443312dc3063661cd8f474cfe938f3c2568f7d465a8d")
        XCTAssertEqual(spec.pemData, try vector("dsse-spec-key.pub"))
    }

    func testOpenSSLKeysInBothPEMFormsAreRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let pkcs8 = dir.appendingPathComponent("pkcs8.pem").path
        let traditional = dir.appendingPathComponent("ec.pem").path
        let ed = dir.appendingPathComponent("ed.pem").path
        try opensslOK(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pkcs8])
        try opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", traditional])
        try opensslOK(["genpkey", "-algorithm", "ED25519", "-out", ed])
        XCTAssertTrue(String(decoding: try Data(contentsOf: URL(fileURLWithPath: traditional)), as: UTF8.self)
            .contains("BEGIN EC PRIVATE KEY"))

        for (path, algorithm) in [(pkcs8, KeyAlgorithm.ecdsaP256), (traditional, .ecdsaP256), (ed, .ed25519)] {
            let key = try PrivateKey(pemFile: path)
            XCTAssertEqual(key.algorithm, algorithm)
            // The derived public key is byte-identical to what openssl derives.
            let derived = try opensslOK(["pkey", "-in", path, "-pubout"]).stdoutData
            XCTAssertEqual(key.publicKey.pemData, derived)
        }
    }

    func testEncryptedKeysAreRefusedWithoutPrompting() throws {
        let dir = try makeTemporaryDirectory(self)
        let pkcs8 = dir.appendingPathComponent("enc.pem").path
        let traditional = dir.appendingPathComponent("enc-ec.pem").path
        try opensslOK(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                       "-aes256", "-pass", "pass:x", "-out", pkcs8])
        try opensslOK(["pkey", "-in", pkcs8, "-passin", "pass:x", "-traditional", "-aes256",
                       "-passout", "pass:x", "-out", traditional])
        XCTAssertTrue(String(decoding: try Data(contentsOf: URL(fileURLWithPath: traditional)), as: UTF8.self)
            .contains("Proc-Type: 4,ENCRYPTED"))
        for path in [pkcs8, traditional] {
            XCTAssertThrowsCode("crypto.key.encrypted", try PrivateKey(pemFile: path))
            XCTAssertThrowsError(try PrivateKey(pemFile: path)) { error in
                let error = error as? FileError
                XCTAssertEqual(error?.path, path)
                XCTAssertEqual(error?.exitStatus, .dataError)
                XCTAssertTrue(error?.message.contains("encrypted") ?? false)
            }
        }
    }

    func testOtherAlgorithmsAndCurvesAreRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let rsa = dir.appendingPathComponent("rsa.pem").path
        let p384 = dir.appendingPathComponent("p384.pem").path
        let ed448 = dir.appendingPathComponent("ed448.pem").path
        try opensslOK(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa])
        try opensslOK(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", p384])
        try opensslOK(["genpkey", "-algorithm", "ED448", "-out", ed448])
        for path in [rsa, p384, ed448] {
            XCTAssertThrowsCode("crypto.key.unsupported-algorithm", try PrivateKey(pemFile: path))
            let pub = try opensslOK(["pkey", "-in", path, "-pubout"]).stdoutData
            XCTAssertThrowsCode("crypto.key.unsupported-algorithm", try PublicKey(pemData: pub))
        }
        XCTAssertThrowsError(try PrivateKey(pemFile: p384)) { error in
            XCTAssertTrue("\(error)".contains("secp384r1"), "\(error)")
        }
    }

    func testGarbageAndMismatchedPEMGiveSpecificErrors() throws {
        XCTAssertThrowsCode("crypto.key.unreadable", try PrivateKey(pemData: Data()))
        XCTAssertThrowsCode("crypto.key.unreadable", try PrivateKey(pemData: Data("hello".utf8)))
        XCTAssertThrowsCode("crypto.key.unreadable", try PublicKey(pemData: Data([0xff, 0x00, 0x30])))
        let broken = "-----BEGIN PRIVATE KEY-----\nAAAAnotakey==\n-----END PRIVATE KEY-----\n"
        XCTAssertThrowsCode("crypto.key.unreadable", try PrivateKey(pemData: Data(broken.utf8)))
        let key = try PrivateKey.generate()
        XCTAssertThrowsError(try PrivateKey(pemData: key.publicKey.pemData)) { error in
            XCTAssertEqual((error as? CryptoError)?.code, "crypto.key.unreadable")
            XCTAssertTrue("\(error)".contains("public key"), "\(error)")
        }
        XCTAssertThrowsError(try PublicKey(pemData: try key.pemData)) { error in
            XCTAssertTrue("\(error)".contains("private key"), "\(error)")
        }
        XCTAssertThrowsCode("crypto.key.unreadable", try PublicKey(derData: Data([0x30, 0x03, 0x02, 0x01, 0x01])))
        XCTAssertThrowsCode("crypto.key.unreadable", try PublicKey(derData: try key.publicKey.derData + Data([0])))
        XCTAssertThrowsCode("crypto.key.unreadable", try PrivateKey(ed25519RawPrivateKey: Data(count: 31)))
    }

    func testMissingKeyFileIsAnIOError() throws {
        let dir = try makeTemporaryDirectory(self)
        XCTAssertThrowsCode("io.not-found", try PrivateKey(pemFile: dir.appendingPathComponent("nope.pem").path))
        XCTAssertThrowsCode("io.not-found", try PublicKey(pemFile: dir.appendingPathComponent("nope.pub").path))
    }

    func testPrivateKeyFileIsOwnerOnlyAndNotOverwritten() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("key.pem").path
        let key = try PrivateKey.generate()
        try key.write(toFile: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertThrowsCode("io.exists", try PrivateKey.generate().write(toFile: path))
        XCTAssertEqual(try PrivateKey(pemFile: path).publicKey, key.publicKey)
    }
}
