import PruneTestSupport
import Foundation
import XCTest
@testable import PruneCrypto

/// Keys and signatures must cross between prune and the `openssl` command line both ways.
final class OpenSSLInteropTests: XCTestCase {
    private let message = Data("DSSEv1 28 application/vnd.in-toto+json 2 {}".utf8)

    func testOpenSSLVerifiesPruneECDSA() throws {
        let dir = try makeTemporaryDirectory(self)
        let key = try PrivateKey.generate(.ecdsaP256)
        let paths = try write(key: key, signature: try key.sign(message), in: dir)
        try opensslOK(["pkey", "-in", paths.key, "-noout"])
        let ok = try opensslOK(["dgst", "-sha256", "-verify", paths.pub, "-signature", paths.sig, paths.msg])
        XCTAssertEqual(String(decoding: ok.stdoutData, as: UTF8.self), "Verified OK\n")
        // The pkeyutl route over a precomputed digest, as in formats.md §5.7.
        try Hash.sha256(message).write(to: URL(fileURLWithPath: paths.digest))
        try opensslOK(["pkeyutl", "-verify", "-pubin", "-inkey", paths.pub, "-in", paths.digest, "-sigfile", paths.sig])
        try assertOpenSSLRejectsTampering(paths, verify: { pub, sig, msg in
            ["dgst", "-sha256", "-verify", pub, "-signature", sig, msg]
        })
    }

    func testOpenSSLVerifiesPruneEd25519() throws {
        let dir = try makeTemporaryDirectory(self)
        let key = try PrivateKey.generate(.ed25519)
        let paths = try write(key: key, signature: try key.sign(message), in: dir)
        try opensslOK(["pkey", "-in", paths.key, "-noout"])
        try opensslOK(["pkeyutl", "-verify", "-pubin", "-inkey", paths.pub, "-rawin", "-in", paths.msg, "-sigfile", paths.sig])
        try assertOpenSSLRejectsTampering(paths, verify: { pub, sig, msg in
            ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sig]
        })
    }

    func testPruneVerifiesOpenSSLECDSA() throws {
        let dir = try makeTemporaryDirectory(self)
        let key = dir.appendingPathComponent("key.pem").path, pub = dir.appendingPathComponent("key.pub").path
        let msg = dir.appendingPathComponent("msg").path, sig = dir.appendingPathComponent("sig.der").path
        try message.write(to: URL(fileURLWithPath: msg))
        try opensslOK(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
        try opensslOK(["ec", "-in", key, "-pubout", "-out", pub])
        try opensslOK(["dgst", "-sha256", "-sign", key, "-out", sig, msg])
        try assertPruneAcceptsOnlyTheOriginal(privatePath: key, publicPath: pub, signaturePath: sig)
    }

    func testPruneVerifiesOpenSSLEd25519() throws {
        let dir = try makeTemporaryDirectory(self)
        let key = dir.appendingPathComponent("key.pem").path, pub = dir.appendingPathComponent("key.pub").path
        let msg = dir.appendingPathComponent("msg").path, sig = dir.appendingPathComponent("sig").path
        try message.write(to: URL(fileURLWithPath: msg))
        try opensslOK(["genpkey", "-algorithm", "ED25519", "-out", key])
        try opensslOK(["pkey", "-in", key, "-pubout", "-out", pub])
        try opensslOK(["pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", msg, "-out", sig])
        try assertPruneAcceptsOnlyTheOriginal(privatePath: key, publicPath: pub, signaturePath: sig)
    }

    func testOpenSSLFingerprintMatchesSha256OfPEM() throws {
        let dir = try makeTemporaryDirectory(self)
        let key = try PrivateKey.generate()
        let pub = dir.appendingPathComponent("key.pub").path
        try key.publicKey.pemData.write(to: URL(fileURLWithPath: pub))
        let digest = try opensslOK(["dgst", "-sha256", "-r", pub]).stdoutData
        XCTAssertEqual(String(decoding: digest.prefix(64), as: UTF8.self), key.publicKey.fingerprint)
    }

    // MARK: - Helpers

    private struct Paths { let key, pub, sig, msg, digest: String }

    private func write(key: PrivateKey, signature: Data, in dir: URL) throws -> Paths {
        let paths = Paths(key: dir.appendingPathComponent("key.pem").path, pub: dir.appendingPathComponent("key.pub").path,
                          sig: dir.appendingPathComponent("sig").path, msg: dir.appendingPathComponent("msg").path,
                          digest: dir.appendingPathComponent("msg.sha256").path)
        try key.write(toFile: paths.key)
        try key.publicKey.pemData.write(to: URL(fileURLWithPath: paths.pub))
        try signature.write(to: URL(fileURLWithPath: paths.sig))
        try message.write(to: URL(fileURLWithPath: paths.msg))
        return paths
    }

    /// A flipped byte in the message or in the signature fails in openssl and in prune.
    private func assertOpenSSLRejectsTampering(_ paths: Paths, verify: (String, String, String) -> [String]) throws {
        let publicKey = try PublicKey(pemFile: paths.pub)
        let signature = try Data(contentsOf: URL(fileURLWithPath: paths.sig))
        let badMessage = paths.msg + ".bad", badSignature = paths.sig + ".bad"
        try message.flippingBit(at: 7).write(to: URL(fileURLWithPath: badMessage))
        try signature.flippingBit(at: signature.count - 2).write(to: URL(fileURLWithPath: badSignature))

        XCTAssertNotEqual(try openssl(verify(paths.pub, paths.sig, badMessage)).status, 0)
        XCTAssertNotEqual(try openssl(verify(paths.pub, badSignature, paths.msg)).status, 0)
        XCTAssertFalse(publicKey.verify(signature: signature, message: message.flippingBit(at: 7)))
        XCTAssertFalse(publicKey.verify(signature: signature.flippingBit(at: signature.count - 2), message: message))
        XCTAssertTrue(publicKey.verify(signature: signature, message: message))
    }

    private func assertPruneAcceptsOnlyTheOriginal(privatePath: String, publicPath: String, signaturePath: String) throws {
        let privateKey = try PrivateKey(pemFile: privatePath)
        let publicKey = try PublicKey(pemFile: publicPath)
        XCTAssertEqual(privateKey.publicKey, publicKey)
        XCTAssertEqual(publicKey.pemData, try Data(contentsOf: URL(fileURLWithPath: publicPath)))
        let signature = try Data(contentsOf: URL(fileURLWithPath: signaturePath))
        XCTAssertTrue(publicKey.verify(signature: signature, message: message))
        XCTAssertFalse(publicKey.verify(signature: signature, message: message.flippingBit(at: 0)))
        XCTAssertFalse(publicKey.verify(signature: signature.flippingBit(at: signature.count / 2), message: message))
        // And prune's own signature with openssl's key verifies under openssl's public key.
        XCTAssertTrue(publicKey.verify(signature: try privateKey.sign(message), message: message))
    }
}
