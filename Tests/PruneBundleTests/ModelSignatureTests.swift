import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import PruneTestSupport
import XCTest

/// OpenSSF Model Signing: sign a folder, verify it, and refuse every kind of difference with
/// its own code.
final class ModelSignatureTests: XCTestCase {
    static let key = try! PrivateKey.generate()
    static let other = try! PrivateKey.generate()

    private func makeModel() throws -> URL {
        let root = try makeTemporaryDirectory(self).appendingPathComponent("tiny-model")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("layers"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try Data(#"{"hidden":[4]}"#.utf8).write(to: root.appendingPathComponent("config.json"))
        try Data([1, 2, 3, 4]).write(to: root.appendingPathComponent("layers/0.bin"))
        try Data().write(to: root.appendingPathComponent("empty"))
        try Data("ref".utf8).write(to: root.appendingPathComponent(".git/HEAD"))
        return root
    }

    /// Signs `model` into `model/model.sig`, the way the CLI does.
    @discardableResult
    private func sign(_ model: URL, ignoring: [String] = []) throws -> URL {
        let out = model.appendingPathComponent("model.sig")
        let bundle = try ModelSignature.sign(directory: model.path, key: Self.key, ignoring: ignoring + ["model.sig"])
        try bundle.jsonData().write(to: out)
        return out
    }

    private func verify(_ model: URL, _ signature: URL, keys: [PublicKey] = [key.publicKey]) throws -> ModelVerification {
        try ModelSignature.verify(directory: model.path, signatureFile: signature.path, trustedKeys: keys)
    }

    func testSignThenVerify() throws {
        let model = try makeModel()
        let signature = try sign(model)
        let result = try verify(model, signature)
        XCTAssertEqual(result.resources.map(\.name), ["config.json", "empty", "layers/0.bin"])
        XCTAssertEqual(result.rootDigest, try ModelDigest.manifest(of: model.path, ignoring: ["model.sig"]).rootDigest)
        XCTAssertEqual(result.signer, Self.key.publicKey)
        XCTAssertEqual(result.modelName, "tiny-model")
        XCTAssertEqual(result.ignorePaths, [".git", ".gitattributes", ".github", ".gitignore", "model.sig"])
    }

    func testPayloadHasModelSigningFieldsAndLayout() throws {
        let model = try makeModel()
        let bundle = try SigstoreBundle(jsonData: try Data(contentsOf: try sign(model)))
        let payload = try bundle.verify(trustedKeys: [Self.key.publicKey]).payload
        let text = String(decoding: payload, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"subject\": [\n    {\n      \"name\": \"tiny-model\",\n      \"digest\": {\n        \"sha256\": \""), text)
        XCTAssertTrue(text.contains("\"predicateType\": \"https://model_signing/signature/v1.0\",\n  \"predicate\": {\n    \"serialization\": {\n      \"method\": \"files\",\n      \"hash_type\": \"sha256\",\n      \"allow_symlinks\": false,\n      \"ignore_paths\": ["), text)
        XCTAssertTrue(text.contains("{\n        \"name\": \"config.json\",\n        \"algorithm\": \"sha256\",\n        \"digest\": \""), text)
        XCTAssertFalse(text.hasSuffix("\n"), "model-signing writes no trailing newline")
    }

    func testDifferencesHaveDistinctCodes() throws {
        var model = try makeModel()
        var signature = try sign(model)
        try Data([1, 2, 3, 5]).write(to: model.appendingPathComponent("layers/0.bin"))
        XCTAssertThrowsError(try verify(model, signature)) { error in
            XCTAssertEqual((error as? any PruneError)?.code, "bundle.model.digest-mismatch")
            XCTAssertEqual((error as? any PruneError)?.exitStatus, .verificationFailed)
            XCTAssertTrue("\(error)".contains("layers/0.bin"), "\(error)")
        }

        model = try makeModel()
        signature = try sign(model)
        try FileManager.default.removeItem(at: model.appendingPathComponent("empty"))
        XCTAssertThrowsCode("bundle.model.file-missing", try verify(model, signature))

        model = try makeModel()
        signature = try sign(model)
        try Data("new".utf8).write(to: model.appendingPathComponent("layers/1.bin"))
        XCTAssertThrowsCode("bundle.model.file-extra", try verify(model, signature))
        // Nested `.git` is part of the model; the top-level one is not.
        try FileManager.default.removeItem(at: model.appendingPathComponent("layers/1.bin"))
        try Data("x".utf8).write(to: model.appendingPathComponent(".git/config"))
        XCTAssertNoThrow(try verify(model, signature))
    }

    func testRecordedIgnorePathsAreHonouredAndTheSignatureFileIsAlwaysExcluded() throws {
        let model = try makeModel()
        let signature = try sign(model, ignoring: ["layers"])
        try Data("changed".utf8).write(to: model.appendingPathComponent("layers/0.bin"))
        XCTAssertEqual(try verify(model, signature).resources.map(\.name), ["config.json", "empty"])

        // A signature stored elsewhere under another name inside the folder is excluded too.
        let moved = model.appendingPathComponent("sig.json")
        try FileManager.default.moveItem(at: signature, to: moved)
        XCTAssertNoThrow(try verify(model, moved))
    }

    func testTrustAndTampering() throws {
        let model = try makeModel()
        let signature = try sign(model)
        XCTAssertThrowsCode("bundle.signature.untrusted", try verify(model, signature, keys: [Self.other.publicKey]))
        // A byte changed inside the signed payload's base64, in the file itself.
        let data = try Data(contentsOf: signature)
        let marker = Data(#""payload":""#.utf8)
        let payloadStart = try XCTUnwrap(data.range(of: marker)).upperBound
        // One base64 letter of the payload swapped for another: only the signed bytes change.
        var flipped = data
        let index = payloadStart + 200
        flipped[index] = flipped[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try flipped.write(to: signature)
        XCTAssertThrowsError(try verify(model, signature)) { error in
            XCTAssertEqual((error as? any PruneError)?.code, "bundle.signature.invalid")
            XCTAssertTrue("\(error)".hasPrefix(signature.path), "errors name the signature file: \(error)")
        }
        XCTAssertThrowsCode("io.not-found", try verify(model, model.appendingPathComponent("absent.sig")))
    }

    /// Hand-built Statements signed with a trusted key: the verifier must still refuse what
    /// it does not implement and what contradicts itself.
    func testUnsupportedAndInconsistentPredicates() throws {
        let model = try makeModel()
        let good = try SigstoreBundle(jsonData: try Data(contentsOf: try sign(model)))
        let statement = try json(try good.verify(trustedKeys: [Self.key.publicKey]).payload)
        let out = model.appendingPathComponent("model.sig")

        func check(_ code: String, _ change: (JSONValue) -> JSONValue, line: UInt = #line) throws {
            try FileManager.default.removeItem(at: out)
            try signedBundle(payload: bytes(change(statement)), key: Self.key).write(to: out)
            XCTAssertThrowsCode(code, try verify(model, out), line: line)
        }
        let serialization: [JSONPathComponent] = [.key("predicate"), .key("serialization")]
        try check("bundle.model.unsupported-method") { edit($0, serialization + [.key("method")]) { _ in "shards" } }
        try check("bundle.model.unsupported-method") { edit($0, serialization + [.key("hash_type")]) { _ in "blake2b" } }
        try check("bundle.model.unsupported-method") { edit($0, [.key("predicate"), .key("resources"), .index(0), .key("algorithm")]) { _ in "blake3" } }
        try check("bundle.model.unsupported-predicate") { edit($0, [.key("predicateType")]) { _ in "https://model_signing/signature/v2.0" } }
        try check("bundle.model.inconsistent") { edit($0, [.key("subject"), .index(0), .key("digest"), .key("sha256")]) { _ in .string(String(repeating: "0", count: 64)) } }
        try check("bundle.model.inconsistent") { edit($0, serialization + [.key("shard_size")]) { _ in 1000 } }
        try check("bundle.model.inconsistent") { edit($0, [.key("subject")]) { subjects in
            guard case .array(let list)? = subjects else { return subjects }
            return .array(list + list)
        } }
        try check("bundle.field.missing") { edit($0, serialization + [.key("allow_symlinks")]) { _ in nil } }
        try check("bundle.field.invalid") { edit($0, [.key("predicate"), .key("resources"), .index(0), .key("digest")]) { _ in "abcd" } }
        try check("bundle.statement.unsupported") { edit($0, [.key("_type")]) { _ in "https://in-toto.io/Statement/v0.1" } }

        try FileManager.default.removeItem(at: out)
        try signedBundle(payload: bytes(statement), key: Self.key, payloadType: "application/json").write(to: out)
        XCTAssertThrowsCode("bundle.statement.unsupported", try verify(model, out))
    }

    func testOnlyECDSAKeysSign() throws {
        let model = try makeModel()
        XCTAssertThrowsCode("bundle.model.unsupported-method",
                            try ModelSignature.sign(directory: model.path, key: try PrivateKey.generate(.ed25519)))
    }

    func testRelativePathOfTheSignatureFile() {
        XCTAssertEqual(ModelSignature.relativePath(of: "/m/a/model.sig", inside: "/m/a"), "model.sig")
        XCTAssertEqual(ModelSignature.relativePath(of: "/m/a/./sub/../x.sig", inside: "/m/a/"), "x.sig")
        XCTAssertNil(ModelSignature.relativePath(of: "/m/ab/model.sig", inside: "/m/a"))
        XCTAssertNil(ModelSignature.relativePath(of: "/m/model.sig", inside: "/m/a"))
    }
}
