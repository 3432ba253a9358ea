import Foundation
import PruneTestSupport
import XCTest

/// `prune sign-model` and `prune verify-model`: exit codes, output, and interop with the
/// `model_signing` 1.1.1 CLI and plain OpenSSL in both directions.
final class ModelSigningCommandTests: XCTestCase {
    var dir: URL!
    var model: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self, prefix: "prune-oms")
        model = dir.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model.appendingPathComponent("weights"), withIntermediateDirectories: true)
        try Data(#"{"layers":[4,3]}"#.utf8).write(to: model.appendingPathComponent("config.json"))
        try Data((0 ..< 255).map { UInt8($0) }).write(to: model.appendingPathComponent("weights/w0.bin"))
        try Data("b".utf8).write(to: model.appendingPathComponent("weights/b0.bin"))
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A key pair from `prune keygen`: PREFIX.key.pem and PREFIX.pub.pem.
    private func keygen(_ name: String) throws -> (key: String, pub: String) {
        let result = try CommandRunner.prune(["keygen", "--out", path(name)])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (path(name) + ".key.pem", path(name) + ".pub.pem")
    }

    private func assertFails(_ result: ToolResult, status: Int32, code: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("[\(code)]"), "expected \(code): \(result.stderr)", file: file, line: line)
    }

    func testSignVerifyAndExitCodes() throws {
        let owner = try keygen("owner"), stranger = try keygen("stranger")
        let signature = model.appendingPathComponent("model.sig").path
        let signed = try CommandRunner.prune(["sign-model", model.path, "--key", owner.key, "--out", signature])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        assertFails(try CommandRunner.prune(["sign-model", model.path, "--key", owner.key, "--out", signature]), status: 73, code: "io.exists")

        let verified = try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", stranger.pub, "--trust", owner.pub, "--json"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        let output = try XCTUnwrap(JSONSerialization.jsonObject(with: verified.stdoutData) as? [String: Any])
        XCTAssertEqual(output["fileCount"] as? Int, 3, "the signature file inside the model is excluded")
        XCTAssertEqual(output["verified"] as? Bool, true)
        let fingerprint = try runTool("/usr/bin/sha256sum", [owner.pub]).stdout.prefix(64)
        XCTAssertEqual(output["keyFingerprint"] as? String, String(fingerprint))
        let hash = try CommandRunner.prune(["hash", model.path, "--ignore", "model.sig", "--json"])
        XCTAssertTrue(hash.stdout.contains(try XCTUnwrap(output["rootDigest"] as? String)), "root digest matches prune hash")

        let text = try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", owner.pub])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("files  3") && text.stdout.contains("sha256:\(fingerprint)"), text.stdout)

        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", stranger.pub]),
                    status: 1, code: "bundle.signature.untrusted")
        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", path("absent.sig"), "--trust", owner.pub]),
                    status: 66, code: "io.not-found")
        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", path("absent.pem")]),
                    status: 66, code: "io.not-found")
        try Data(#"{"mediaType": 1, "mediaType": 2}"#.utf8).write(to: URL(fileURLWithPath: path("garbage.sig")))
        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", path("garbage.sig"), "--trust", owner.pub]),
                    status: 65, code: "bundle.json.duplicate-key")
        XCTAssertEqual(try CommandRunner.prune(["verify-model", model.path, "--signature", signature]).status, 64)

        try Data("c".utf8).write(to: model.appendingPathComponent("weights/b0.bin"))
        let changed = try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", owner.pub])
        assertFails(changed, status: 1, code: "bundle.model.digest-mismatch")
        XCTAssertTrue(changed.stderr.contains("weights/b0.bin"), changed.stderr)
    }

    // MARK: interop with model_signing 1.1.1

    /// Probed once: importing model_signing takes about a second.
    private static let modelSigningAvailable: Bool = {
        let probe = try? runTool("/usr/bin/env", ["python3", "-c", "import model_signing"])
        return probe?.status == 0
    }()

    private func requireModelSigning() throws {
        guard Self.modelSigningAvailable else {
            throw XCTSkip("python3 with model_signing is not available (scripts/setup.sh --python installs it)")
        }
    }

    private func modelSigning(_ arguments: [String]) throws -> ToolResult {
        try runTool("/usr/bin/env", ["python3", "-m", "model_signing"] + arguments)
    }

    /// An EC key pair written by openssl, the way the model_signing documentation makes one.
    private func opensslKeyPair(_ name: String) throws -> (key: String, pub: String) {
        let key = path(name + ".priv"), pub = path(name + ".pub")
        XCTAssertEqual(try runTool("/usr/bin/openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]).status, 0)
        XCTAssertEqual(try runTool("/usr/bin/openssl", ["ec", "-in", key, "-pubout", "-out", pub]).status, 0)
        return (key, pub)
    }

    func testModelSigningVerifiesPruneSignatures() throws {
        try requireModelSigning()
        let owner = try keygen("owner")
        let signature = model.appendingPathComponent("model.sig").path
        XCTAssertEqual(try CommandRunner.prune(["sign-model", model.path, "--key", owner.key, "--out", signature]).status, 0)
        let verified = try modelSigning(["verify", "key", model.path, "--signature", signature, "--public_key", owner.pub])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("Verification succeeded"), verified.stdout)

        // model_signing also notices a change in a file prune signed.
        try Data("c".utf8).write(to: model.appendingPathComponent("weights/b0.bin"))
        let changed = try modelSigning(["verify", "key", model.path, "--signature", signature, "--public_key", owner.pub])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue((changed.stdout + changed.stderr).contains("weights/b0.bin"), changed.stdout + changed.stderr)
    }

    func testPruneVerifiesModelSigningSignaturesAndRefusesTampering() throws {
        try requireModelSigning()
        let owner = try opensslKeyPair("owner"), stranger = try opensslKeyPair("stranger")
        let signature = model.appendingPathComponent("model.sig").path
        let signed = try modelSigning(["sign", "key", model.path, "--private_key", owner.key, "--signature", signature])
        XCTAssertEqual(signed.status, 0, signed.stdout + signed.stderr)

        let verified = try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", owner.pub, "--json"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        let output = try XCTUnwrap(JSONSerialization.jsonObject(with: verified.stdoutData) as? [String: Any])
        XCTAssertEqual(output["fileCount"] as? Int, 3)
        XCTAssertEqual(output["modelName"] as? String, "model")

        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", stranger.pub]),
                    status: 1, code: "bundle.signature.untrusted")

        // A byte of the signature file changed inside the signed payload's base64.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: signature))
        let start = try XCTUnwrap(bytes.range(of: Data(#""payload":""#.utf8))).upperBound
        bytes[start + 120] = bytes[start + 120] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try bytes.write(to: URL(fileURLWithPath: path("tampered.sig")))
        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", path("tampered.sig"), "--trust", owner.pub]),
                    status: 1, code: "bundle.signature.invalid")

        try Data("c".utf8).write(to: model.appendingPathComponent("weights/b0.bin"))
        assertFails(try CommandRunner.prune(["verify-model", model.path, "--signature", signature, "--trust", owner.pub]),
                    status: 1, code: "bundle.model.digest-mismatch")
    }

    /// Both tools sign the same folder (signature outside it); the payloads agree field for
    /// field once model_signing's set-ordered ignore_paths are sorted.
    func testPayloadsAgreeWithModelSigning() throws {
        try requireModelSigning()
        let owner = try opensslKeyPair("owner")
        XCTAssertEqual(try modelSigning(["sign", "key", model.path, "--private_key", owner.key, "--signature", path("theirs.sig")]).status, 0)
        XCTAssertEqual(try CommandRunner.prune(["sign-model", model.path, "--key", owner.key, "--out", path("ours.sig")]).status, 0)
        let script = """
            import base64, json, sys
            def load(p):
                b = json.load(open(p))
                s = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))
                s["predicate"]["serialization"]["ignore_paths"].sort()
                return b["mediaType"], b["verificationMaterial"], b["dsseEnvelope"]["payloadType"], s
            print(load(sys.argv[1]) == load(sys.argv[2]))
            """
        let compared = try runTool("/usr/bin/env", ["python3", "-c", script, path("theirs.sig"), path("ours.sig")])
        XCTAssertEqual(compared.stdout, "True\n", compared.stderr)
    }

    // MARK: plain OpenSSL

    /// The DSSE signature in a prune bundle is DER ECDSA over the PAE bytes, checkable with
    /// openssl alone (formats.md §5.7 recipe); no prune code rebuilds the PAE here.
    func testOpenSSLVerifiesTheSignatureOverThePAE() throws {
        let owner = try keygen("owner")
        let signature = path("model.sig")
        XCTAssertEqual(try CommandRunner.prune(["sign-model", model.path, "--key", owner.key, "--out", signature]).status, 0)
        let bundle = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: signature))) as? [String: Any])
        let envelope = try XCTUnwrap(bundle["dsseEnvelope"] as? [String: Any])
        let payload = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(envelope["payload"] as? String)))
        let type = try XCTUnwrap(envelope["payloadType"] as? String)
        let sigs = try XCTUnwrap(envelope["signatures"] as? [[String: Any]])
        let sig = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(sigs.first?["sig"] as? String)))
        XCTAssertEqual(sig.first, 0x30, "ASN.1 DER SEQUENCE")

        var pae = Data("DSSEv1 \(type.utf8.count) \(type) \(payload.count) ".utf8)
        pae.append(payload)
        try pae.write(to: URL(fileURLWithPath: path("pae.bin")))
        try sig.write(to: URL(fileURLWithPath: path("sig.der")))
        let dgst = try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-verify", owner.pub, "-signature", path("sig.der"), path("pae.bin")])
        XCTAssertEqual(dgst.status, 0, dgst.stderr)
        XCTAssertTrue(dgst.stdout.contains("Verified OK"), dgst.stdout)

        let digest = try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-binary", path("pae.bin")])
        try digest.stdoutData.write(to: URL(fileURLWithPath: path("pae.sha256")))
        let pkeyutl = try runTool("/usr/bin/openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", owner.pub, "-in", path("pae.sha256"), "-sigfile", path("sig.der")])
        XCTAssertEqual(pkeyutl.status, 0, pkeyutl.stderr)

        // A flipped bit in the signed bytes makes openssl refuse too.
        try pae.flippingBit(at: pae.count - 3).write(to: URL(fileURLWithPath: path("pae.bin")))
        XCTAssertNotEqual(try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-verify", owner.pub, "-signature", path("sig.der"), path("pae.bin")]).status, 0)
    }
}
