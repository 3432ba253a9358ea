import Foundation
import PruneTestSupport
import XCTest

/// `prune bundle sign|inspect|verify` and `prune unlearn --key` on a small digits model:
/// the round trip, exit codes, the chain rules end to end, and the DSSE signature checked by
/// plain OpenSSL over the PAE bytes.
final class BundleCommandTests: XCTestCase {
    static let data = ModelCommandTests.data
    /// One model, patch files and keys for the whole class (training and unlearning run once).
    nonisolated(unsafe) static var shared: URL?
    var dir: URL!

    override func setUpWithError() throws {
        if Self.shared == nil {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("prune-bundle-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try makeModelAndPatches()
            Self.shared = dir
        }
        dir = Self.shared
    }

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(at: shared) }
        shared = nil
        super.tearDown()
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func write(_ name: String, _ lines: some Sequence<Int>) throws {
        try lines.map(String.init).joined(separator: "\n").write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    private func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ToolResult {
        let result = try CommandRunner.prune(arguments)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return result
    }

    private func assertFails(_ arguments: [String], status: Int32, code: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandRunner.prune(arguments)
        XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("[\(code)]"), "expected \(code): \(result.stderr)", file: file, line: line)
    }

    /// A model trained on 200 digits rows, two patch files made for it, and an owner key.
    private func makeModelAndPatches() throws {
        try write("train.rows", 0..<200)
        try write("retained.rows", 10..<200)
        try write("forget1.rows", [0, 1])
        try write("forget2.rows", [2, 3])
        for (name, seed) in [("m.onnx", "1"), ("other.onnx", "2")] {
            _ = try run(["train", "--data", "\(Self.data)/digits.csv", "--rows", path("train.rows"), "--hidden", "8",
                         "--epochs", "5", "--seed", seed, "--out", path(name)])
        }
        for k in ["1", "2"] {
            _ = try run(unlearn(rows: "forget\(k).rows") + ["--request-id", "r\(k)", "--out", path("p\(k).json")])
        }
        _ = try run(["keygen", "--out", path("owner")])
        _ = try run(["keygen", "--out", path("stranger")])
    }

    private func unlearn(rows: String) -> [String] {
        ["unlearn", "--model", path("m.onnx"), "--forget", "\(Self.data)/digits.csv", "--forget-rows", path(rows),
         "--retained", "\(Self.data)/digits.csv", "--retained-rows", path("retained.rows")]
    }

    private func verify(_ bundles: [String], model: String = "m.onnx", trust: String = "owner.pub.pem") -> [String] {
        ["bundle", "verify"] + bundles.map(path) + ["--model", path(model), "--trust", path(trust)]
    }

    func testSignInspectVerifyAndTheChain() throws {
        let sign = ["bundle", "sign", path("p1.json"), "--model", path("m.onnx"), "--key", path("owner.key.pem"),
                    "--created-at", "2026-01-31T12:00:00Z"]
        _ = try run(sign + ["--out", path("b0.json")])
        try assertFails(sign + ["--out", path("b0.json")], status: 73, code: "io.exists")
        try assertFails(["bundle", "sign", path("p1.json"), "--model", path("other.onnx"), "--key", path("owner.key.pem"),
                         "--out", path("x.json")], status: 1, code: "bundle.patches.model-mismatch")
        XCTAssertEqual(try CommandRunner.prune(sign + ["--created-at", "yesterday", "--out", path("x.json")]).status, 64)
        let child = ["bundle", "sign", path("p2.json"), "--model", path("m.onnx"), "--key", path("owner.key.pem"),
                     "--parent", path("b0.json"), "--out"]
        _ = try run(child + [path("b1.json")])
        _ = try run(child + [path("b1-fork.json")])
        try assertFails(["bundle", "sign", path("p2.json"), "--model", path("m.onnx"), "--key", path("stranger.key.pem"),
                         "--parent", path("b0.json"), "--out", path("x.json")], status: 1, code: "bundle.signature.untrusted")

        let verified = try run(verify(["b0.json", "b1.json"]) + ["--json"])
        struct Output: Decodable { struct Entry: Decodable { let sequence: Int; let parent: String? }; let verified: Bool; let bundles: [Entry] }
        let output = try JSONDecoder().decode(Output.self, from: verified.stdoutData)
        XCTAssertTrue(output.verified)
        XCTAssertEqual(output.bundles.map(\.sequence), [0, 1])
        XCTAssertNil(output.bundles[0].parent)
        XCTAssertTrue(try run(verify(["b0.json"])).stdout.contains("verified 1 bundle"))

        // eval applies only verified patches: the forgotten rows lose their label.
        let eval = ["eval", "--model", path("m.onnx"), "--data", "\(Self.data)/digits.csv", "--rows", path("forget1.rows"), "--json",
                    "--bundle", path("b0.json")]
        struct Counts: Decodable { let samples: Int; let correct: Int }
        let counts = try JSONDecoder().decode(Counts.self, from: try run(eval + ["--trust", path("owner.pub.pem")]).stdoutData)
        XCTAssertEqual(counts.samples, 2)
        XCTAssertEqual(counts.correct, 0)
        try assertFails(eval + ["--trust", path("stranger.pub.pem")], status: 1, code: "bundle.signature.untrusted")

        try assertFails(verify(["b1.json"]), status: 1, code: "bundle.chain.missing-root")
        try assertFails(verify(["b1.json", "b0.json"]), status: 1, code: "bundle.chain.order")
        try assertFails(verify(["b0.json", "b0.json"]), status: 1, code: "bundle.chain.replay")
        try assertFails(verify(["b0.json", "b1.json", "b1-fork.json"]), status: 1, code: "bundle.chain.fork")
        try assertFails(verify(["b0.json"], model: "other.onnx"), status: 1, code: "bundle.patch.model-mismatch")
        try assertFails(verify(["b0.json"], trust: "stranger.pub.pem"), status: 1, code: "bundle.signature.untrusted")
        try assertFails(verify(["p1.json"]), status: 65, code: "bundle.field.missing")
        try assertFails(verify(["missing.json"]), status: 66, code: "io.not-found")
        XCTAssertEqual(try CommandRunner.prune(["bundle", "verify", path("b0.json"), "--model", path("m.onnx")]).status, 64)

        let inspect = try run(["bundle", "inspect", path("b1.json")])
        XCTAssertTrue(inspect.stdout.hasPrefix("*** NOT VERIFIED"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("sequence    1"), inspect.stdout)
        let inspectJSON = try run(["bundle", "inspect", path("b1.json"), "--json"])
        struct Claims: Decodable { let verified: Bool; let warning: String }
        let claims = try JSONDecoder().decode(Claims.self, from: inspectJSON.stdoutData)
        XCTAssertFalse(claims.verified)
        XCTAssertTrue(claims.warning.hasPrefix("NOT VERIFIED"))
    }

    func testUnlearnSignsDirectly() throws {
        let key = ["--key", path("owner.key.pem")]
        _ = try run(unlearn(rows: "forget1.rows") + key + ["--out", path("u0.json")])
        _ = try run(unlearn(rows: "forget2.rows") + key + ["--parent", path("u0.json"), "--created-at", "2026-02-01T00:00:00Z",
                                                            "--out", path("u1.json")])
        _ = try run(verify(["u0.json", "u1.json"]))
        let usage = try CommandRunner.prune(unlearn(rows: "forget1.rows") + ["--parent", path("u0.json"), "--out", path("x.json")])
        XCTAssertEqual(usage.status, 64, usage.stderr)
    }

    /// The DSSE signature of a prune bundle is DER ECDSA over the PAE bytes: openssl alone
    /// checks it (no prune code rebuilds the PAE here).
    func testOpenSSLVerifiesTheBundleSignatureOverThePAE() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl is not installed") }
        _ = try run(["bundle", "sign", path("p1.json"), "--model", path("m.onnx"), "--key", path("owner.key.pem"), "--out", path("b.json")])
        let bundle = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("b.json")))) as? [String: Any])
        let envelope = try XCTUnwrap(bundle["dsseEnvelope"] as? [String: Any])
        let payload = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(envelope["payload"] as? String)))
        let type = try XCTUnwrap(envelope["payloadType"] as? String)
        XCTAssertEqual(type, "application/vnd.in-toto+json")
        let sigs = try XCTUnwrap(envelope["signatures"] as? [[String: Any]])
        let sig = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(sigs.first?["sig"] as? String)))
        var pae = Data("DSSEv1 \(type.utf8.count) \(type) \(payload.count) ".utf8)
        pae.append(payload)
        try pae.write(to: URL(fileURLWithPath: path("pae.bin")))
        try sig.write(to: URL(fileURLWithPath: path("sig.der")))
        let digest = try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-binary", path("pae.bin")])
        try digest.stdoutData.write(to: URL(fileURLWithPath: path("pae.sha256")))
        let pkeyutl = try runTool("/usr/bin/openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", path("owner.pub.pem"),
                                                       "-in", path("pae.sha256"), "-sigfile", path("sig.der")])
        XCTAssertEqual(pkeyutl.status, 0, pkeyutl.stderr)
        try pae.flippingBit(at: pae.count - 3).write(to: URL(fileURLWithPath: path("pae.bin")))
        let tampered = try runTool("/usr/bin/openssl", ["dgst", "-sha256", "-verify", path("owner.pub.pem"), "-signature",
                                                        path("sig.der"), path("pae.bin")])
        XCTAssertNotEqual(tampered.status, 0)
    }
}
