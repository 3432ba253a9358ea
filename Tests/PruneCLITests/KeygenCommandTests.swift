import Foundation
import PruneTestSupport
import XCTest

final class KeygenCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, prefix: "prune-cli") }

    func testDefaultKeyIsP256PKCS8ReadableByOpenSSL() throws {
        let prefix = dir.appendingPathComponent("owner").path
        let result = try CommandRunner.prune(["keygen", "--out", prefix])
        XCTAssertEqual(result.status, 0, result.stderr)

        let privatePEM = try String(contentsOfFile: prefix + ".key.pem", encoding: .utf8)
        let publicPEM = try String(contentsOfFile: prefix + ".pub.pem", encoding: .utf8)
        XCTAssertTrue(privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), "PKCS#8 expected")
        XCTAssertTrue(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"), "SubjectPublicKeyInfo expected")

        let mode = try FileManager.default.attributesOfItem(atPath: prefix + ".key.pem")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "the private key must be readable by its owner only")

        let text = try runTool("/usr/bin/openssl", ["pkey", "-in", prefix + ".key.pem", "-noout", "-text"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("prime256v1") || text.stdout.contains("P-256"), text.stdout)

        // The public key openssl derives from prune's private key is the one prune wrote.
        let derived = try runTool("/usr/bin/openssl", ["pkey", "-in", prefix + ".key.pem", "-pubout"])
        XCTAssertEqual(derived.stdout, publicPEM)
    }

    func testEd25519() throws {
        let prefix = dir.appendingPathComponent("auditor").path
        let result = try CommandRunner.prune(["keygen", "--out", prefix, "--algorithm", "ed25519"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try runTool("/usr/bin/openssl", ["pkey", "-in", prefix + ".key.pem", "-noout", "-text"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("ED25519"), text.stdout)
    }

    func testRefusesToOverwriteAndLeavesFilesUntouched() throws {
        let prefix = dir.appendingPathComponent("k").path
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--out", prefix]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: prefix + ".key.pem"))

        let again = try CommandRunner.prune(["keygen", "--out", prefix])
        XCTAssertEqual(again.status, 73)
        XCTAssertTrue(again.stderr.contains(prefix + ".key.pem"), again.stderr)
        XCTAssertTrue(again.stderr.contains("io.exists"), again.stderr)
        XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, "one line, no stack trace")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: prefix + ".key.pem")), before)

        // Only the public half exists: still refused, and no private key is written.
        let other = dir.appendingPathComponent("half").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: other + ".pub.pem"))
        XCTAssertEqual(try CommandRunner.prune(["keygen", "--out", other]).status, 73)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other + ".key.pem"))
    }

    func testUnknownAlgorithmIsAUsageError() throws {
        let result = try CommandRunner.prune(["keygen", "--out", dir.appendingPathComponent("x").path,
                                              "--algorithm", "rsa"])
        XCTAssertEqual(result.status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.key.pem").path))
    }

    func testMissingFolderIsCannotCreate() throws {
        let result = try CommandRunner.prune(["keygen", "--out", dir.appendingPathComponent("no/such/k").path])
        XCTAssertEqual(result.status, 73, result.stderr)
        XCTAssertTrue(result.stderr.contains("no/such"), result.stderr)
    }
}
