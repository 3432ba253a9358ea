import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Builds the patch-bundle test vectors of `Specs/vectors/patch-bundle/` from the committed
/// inputs (model, patch files, test-only Ed25519 keys, fixed times). Ed25519 signatures are
/// deterministic, so the same inputs always give the same bytes. Run the tests with
/// `PRUNE_REGENERATE_VECTORS=1` to rewrite them.
enum PatchBundleVectors {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Specs/vectors/patch-bundle")
    }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    static func path(_ name: String) -> String { url(name).path }

    static let model = "model.onnx"
    static let trusted = "test-only-signer.pub.pem"
    static let rootTime = "2026-01-31T12:00:00Z"
    static let childTime = "2026-02-01T12:00:00Z"
    /// Pinned so a version bump does not change the vectors.
    static let generatorVersion = "0.1.0"

    /// One vector: the file, the bundles to verify in order, and the expected outcome.
    struct Vector: Codable, Equatable {
        let file: String
        let verify: [String]
        /// "ok" or the error code.
        let expect: String
        let exit: Int
        let what: String
    }

    struct Manifest: Codable, Equatable {
        let model: String
        let trust: [String]
        let vectors: [Vector]
    }

    /// Every file the generator writes, by name.
    static func generate() throws -> [String: Data] {
        let signer = try PrivateKey(pemFile: path("test-only-signer.key.pem"))
        let stranger = try PrivateKey(pemFile: path("test-only-stranger.key.pem"))
        let rootPatches = try PatchFile.load(path: path("patches-root.json"))
        let childPatches = try PatchFile.load(path: path("patches-child.json"))
        let modelRoot = try ModelDigest.manifest(of: path(model)).rootDigest.hexString

        func statement(_ file: PatchFile, parent: PatchBundle.Parent?, time: String, root: String = modelRoot) throws -> InTotoStatement {
            try PatchBundle.statement(patchFile: file, modelRootDigest: root, parent: parent, createdAt: time,
                                      generatorVersion: generatorVersion)
        }
        /// Re-signs an edited Statement JSON: the signature is valid, the content is wrong.
        func resigned(_ value: JSONValue, key: PrivateKey = signer) throws -> Data {
            try signedBundle(payload: JSONSerializer.data(value), key: key)
        }
        func withPatchesSubject(_ value: JSONValue) throws -> JSONValue {
            let patches = try XCTUnwrapValue(value["predicate"]?["patches"])
            return edit(value, [.key("subject"), .index(1), .key("digest"), .key("sha256")]) { _ in
                .string((try? PatchBundlePredicate.patchDataDigest(patches)) ?? "")
            }
        }

        var files: [String: Data] = [:]
        let root = try PatchBundle.sign(try statement(rootPatches, parent: nil, time: rootTime), key: signer)
        files["valid-root.bundle.json"] = root
        let rootLink = PatchBundle.Parent(digest: try Hash.sha256(root).hexString, sequence: 0)
        let child = try PatchBundle.sign(try statement(childPatches, parent: rootLink, time: childTime), key: signer)
        files["valid-child.bundle.json"] = child

        // Altered signature bytes under the trusted key's hint.
        files["invalid-bad-signature.bundle.json"] = bytes(edit(try json(root), [.key("dsseEnvelope"), .key("signatures"), .index(0), .key("sig")]) {
            guard case .string(let text)? = $0, var sig = Data(base64Encoded: text) else { return $0 }
            sig[sig.count - 1] ^= 0x01
            return .string(sig.base64EncodedString())
        })
        files["invalid-wrong-key.bundle.json"] = try PatchBundle.sign(try statement(rootPatches, parent: nil, time: rootTime), key: stranger)
        let otherModel = try Hash.sha256(Data("another model".utf8)).hexString
        files["invalid-wrong-model.bundle.json"] = try PatchBundle.sign(
            try statement(rootPatches, parent: nil, time: rootTime, root: otherModel), key: signer)
        let missingParent = PatchBundle.Parent(digest: try Hash.sha256(Data("a dropped bundle".utf8)).hexString, sequence: 0)
        files["invalid-broken-chain.bundle.json"] = try PatchBundle.sign(
            try statement(childPatches, parent: missingParent, time: childTime), key: signer)
        files["invalid-fork.bundle.json"] = try PatchBundle.sign(
            try statement(childPatches, parent: rootLink, time: "2026-02-02T12:00:00Z"), key: signer)

        let rootStatement = try statement(rootPatches, parent: nil, time: rootTime).jsonValue
        // A tensor whose recorded SHA-256 no longer matches its bytes; the subject is recomputed.
        let tampered = edit(rootStatement, [.key("predicate"), .key("patches"), .key("patches"), .index(0), .key("members"), .key("sha256")]) {
            guard case .string(let hex)? = $0 else { return $0 }
            return .string((hex.first == "0" ? "1" : "0") + hex.dropFirst())
        }
        files["invalid-tampered-tensor.bundle.json"] = try resigned(try withPatchesSubject(tampered))
        files["invalid-patch-digest.bundle.json"] = try resigned(edit(rootStatement, [.key("subject"), .index(1), .key("digest"), .key("sha256")]) { _ in
            .string(String(repeating: "0", count: 64))
        })
        files["invalid-unknown-version.bundle.json"] = try resigned(edit(rootStatement, [.key("predicateType")]) { _ in
            JSONValue.string("https://prune.dev/patch-bundle/v2")
        })
        files["invalid-missing-field.bundle.json"] = try resigned(edit(rootStatement, [.key("predicate"), .key("sequence")]) { _ in nil })
        // Unsigned damage: a repeated key, and a byte of insignificant whitespace.
        let prefix = Data("{\"mediaType\":\"\(SigstoreBundle.mediaTypeV03)\",".utf8)
        files["invalid-duplicate-key.bundle.json"] = prefix + root.dropFirst(1)
        files["invalid-non-canonical.bundle.json"] = Data("{ ".utf8) + root.dropFirst(1)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        files["vectors.json"] = try encoder.encode(manifest) + Data("\n".utf8)
        return files
    }

    static let manifest = Manifest(model: model, trust: [trusted], vectors: [
        Vector(file: "valid-root.bundle.json", verify: ["valid-root.bundle.json"], expect: "ok", exit: 0,
               what: "the first bundle on model.onnx: parent null, sequence 0"),
        Vector(file: "valid-child.bundle.json", verify: ["valid-root.bundle.json", "valid-child.bundle.json"], expect: "ok", exit: 0,
               what: "the second bundle, parent = SHA-256 of valid-root.bundle.json, sequence 1"),
        Vector(file: "invalid-bad-signature.bundle.json", verify: ["invalid-bad-signature.bundle.json"],
               expect: "bundle.signature.invalid", exit: 1, what: "valid-root with one signature byte changed"),
        Vector(file: "invalid-wrong-key.bundle.json", verify: ["invalid-wrong-key.bundle.json"],
               expect: "bundle.signature.untrusted", exit: 1, what: "valid-root's content signed by test-only-stranger"),
        Vector(file: "invalid-wrong-model.bundle.json", verify: ["invalid-wrong-model.bundle.json"],
               expect: "bundle.patch.model-mismatch", exit: 1, what: "bound to another model's root digest"),
        Vector(file: "invalid-broken-chain.bundle.json", verify: ["valid-root.bundle.json", "invalid-broken-chain.bundle.json"],
               expect: "bundle.chain.gap", exit: 1, what: "a child whose parent is not valid-root (a dropped bundle)"),
        Vector(file: "invalid-fork.bundle.json", verify: ["valid-root.bundle.json", "valid-child.bundle.json", "invalid-fork.bundle.json"],
               expect: "bundle.chain.fork", exit: 1, what: "a second child of valid-root"),
        Vector(file: "invalid-tampered-tensor.bundle.json", verify: ["invalid-tampered-tensor.bundle.json"],
               expect: "bundle.patches.tensor", exit: 65, what: "re-signed: a member tensor's SHA-256 does not match its bytes"),
        Vector(file: "invalid-patch-digest.bundle.json", verify: ["invalid-patch-digest.bundle.json"],
               expect: "bundle.patch.digest-mismatch", exit: 1, what: "re-signed: the patches subject is not the patch-data digest"),
        Vector(file: "invalid-unknown-version.bundle.json", verify: ["invalid-unknown-version.bundle.json"],
               expect: "bundle.patch.unsupported-version", exit: 65, what: "re-signed with predicateType .../patch-bundle/v2"),
        Vector(file: "invalid-missing-field.bundle.json", verify: ["invalid-missing-field.bundle.json"],
               expect: "bundle.field.missing", exit: 65, what: "re-signed without predicate.sequence"),
        Vector(file: "invalid-duplicate-key.bundle.json", verify: ["invalid-duplicate-key.bundle.json"],
               expect: "bundle.json.duplicate-key", exit: 65, what: "valid-root with mediaType repeated"),
        Vector(file: "invalid-non-canonical.bundle.json", verify: ["invalid-non-canonical.bundle.json"],
               expect: "bundle.patch.non-canonical", exit: 65, what: "valid-root with one space added"),
    ])

    struct Missing: Error {}
    private static func XCTUnwrapValue<T>(_ value: T?) throws -> T {
        guard let value else { throw Missing() }
        return value
    }
}
