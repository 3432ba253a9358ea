import Foundation
import PruneCore
import PruneCrypto

/// A signed patch bundle (`Specs/patch-bundle.md`): a Sigstore bundle v0.3 (public-key hint,
/// no transparency log) whose DSSE envelope carries an in-toto Statement v1 with subjects
/// `model` (OMS root digest) and `patches` (patch-data digest) and a `PatchBundlePredicate`.
/// This type builds and signs bundles; `PatchBundleVerifier` checks them.
public enum PatchBundle {
    public static let predicateType = "https://prune.dev/patch-bundle/v1"
    /// Every major version shares this prefix; the digits after it are the major version.
    public static let predicateTypePrefix = "https://prune.dev/patch-bundle/v"
    public static let modelSubject = "model"
    public static let patchesSubject = "patches"
    /// Largest bundle file a verifier reads (checked before reading it).
    public static let maximumBytes = 64 << 20
    /// The parser for bundles and their payloads: the bundle limit, default depth.
    public static let parser = StrictJSON(maxDepth: 64, maxBytes: maximumBytes)

    /// The link to the previous bundle: its file digest and sequence number.
    public struct Parent: Sendable, Equatable {
        public var digest: String
        public var sequence: Int
        public init(digest: String, sequence: Int) {
            self.digest = digest
            self.sequence = sequence
        }
    }

    /// The Statement for `patchFile` on the model with OMS root digest `modelRootDigest`.
    public static func statement(patchFile: PatchFile, modelRootDigest: String, parent: Parent?, createdAt: String,
                                 generatorVersion: String = PruneVersion.string) throws -> InTotoStatement {
        let patches = try patchesJSON(patchFile)
        let predicate = PatchBundlePredicate(
            parent: parent?.digest, sequence: parent.map { $0.sequence + 1 } ?? 0,
            model: .init(rootDigest: modelRootDigest, patchFile: patchFile), createdAt: createdAt,
            generatorName: "prune", generatorVersion: generatorVersion, patches: patches)
        return InTotoStatement(
            subjects: [InTotoSubject(name: modelSubject, digest: ["sha256": modelRootDigest]),
                       InTotoSubject(name: patchesSubject, digest: ["sha256": try PatchBundlePredicate.patchDataDigest(patches)])],
            predicateType: predicateType, predicate: predicate.jsonValue)
    }

    /// Signs a Statement into the canonical bundle bytes: compact JSON, payload compact too.
    public static func sign(_ statement: InTotoStatement, key: PrivateKey) throws -> Data {
        let payload = JSONSerializer.data(statement.jsonValue)
        let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: key, keyid: nil)
        return try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData()
    }

    /// What `prune bundle sign` and `prune unlearn --key` do: check that the patch file was made
    /// for the model file, verify the parent bundle (under the signer's own key, same model),
    /// and sign the next link. `createdAt` must be RFC 3339 UTC.
    public static func sign(patchFile: PatchFile, modelPath: String, key: PrivateKey,
                            parentBundle: (path: String, data: Data)? = nil, createdAt: String) throws -> Data {
        guard PatchBundlePredicate.isTimestamp(createdAt) else {
            throw BundleError.fieldInvalid(path: "predicate.createdAt", reason: "\"\(createdAt)\" is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)")
        }
        let fileDigest = try Hash.digestFile(path: modelPath, algorithm: .sha256).hexString
        guard fileDigest == patchFile.model.sha256 else {
            throw FileError(path: modelPath, PatchFileError.modelMismatch(expected: patchFile.model.sha256, actual: fileDigest))
        }
        let root = try ModelDigest.manifest(of: modelPath).rootDigest.hexString
        var parent: Parent?
        if let parentBundle {
            let verifier = try PatchBundleVerifier(trustedKeys: [key.publicKey], modelPath: modelPath)
            let verified = try verifier.verify(bundle: parentBundle.data, path: parentBundle.path)
            parent = Parent(digest: verified.fileDigest, sequence: verified.predicate.sequence)
        }
        return try sign(statement(patchFile: patchFile, modelRootDigest: root, parent: parent, createdAt: createdAt), key: key)
    }

    /// The patch file as a JSON value (its own deterministic encoding, sorted keys).
    static func patchesJSON(_ patchFile: PatchFile) throws -> JSONValue {
        try parser.parse(try patchFile.jsonData())
    }
}
