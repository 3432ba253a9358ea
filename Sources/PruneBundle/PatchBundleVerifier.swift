import Foundation
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair

/// Verifies patch bundles against trusted keys and the original model, in the order of
/// `Specs/patch-bundle.md` §Verification: nothing from the payload is read before its
/// signature verifies, and every later check reads only the verified bytes.
public struct PatchBundleVerifier: Sendable {
    public let trustedKeys: [PublicKey]
    public let modelPath: String
    /// The OMS root digest of `modelPath`, computed once.
    public let modelRootDigest: String
    /// SHA-256 of the model file's bytes.
    public let modelFileDigest: String
    let network: Network

    /// Hashes and loads the model once; its errors are the model's (`io.*`, `model.*`).
    public init(trustedKeys: [PublicKey], modelPath: String) throws {
        self.trustedKeys = trustedKeys
        self.modelPath = modelPath
        let manifest = try ModelDigest.manifest(of: modelPath)
        modelRootDigest = manifest.rootDigest.hexString
        // Patches act on one network, so the model is a single file: its only resource.
        guard manifest.resources.count == 1 else {
            throw FileError(path: modelPath, PatchFileError.invalid("a patched model is a single file, not a folder of \(manifest.resources.count)"))
        }
        modelFileDigest = manifest.resources[0].sha256.hexString
        network = try ModelFile.load(path: modelPath)
    }

    /// Reads and verifies each file, then checks the chain over them in the order given.
    /// Errors name the file they concern.
    public func verify(paths: [String]) throws -> [VerifiedPatchBundle] {
        var verified: [VerifiedPatchBundle] = []
        for path in paths { verified.append(try verify(bundle: try Self.read(path), path: path)) }
        try Self.checkChain(verified)
        return verified
    }

    /// The chain rules over already verified bundles (`PatchBundleChain`).
    public static func checkChain(_ bundles: [VerifiedPatchBundle]) throws {
        do {
            try PatchBundleChain.check(bundles.map {
                .init(digest: $0.fileDigest, parent: $0.predicate.parent, sequence: $0.predicate.sequence)
            })
        } catch {
            throw FileError(path: bundles[error.index].path, error.error)
        }
    }

    /// Reads a bundle file, refusing one over the size limit before reading it.
    public static func read(_ path: String) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > PatchBundle.maximumBytes {
            throw FileError(path: path, BundleError.jsonTooLarge(size: size, limit: PatchBundle.maximumBytes))
        }
        return try FileOutput.readSmallFile(path, limit: PatchBundle.maximumBytes)
    }

    /// Every check but the chain, on one bundle's bytes; errors name `path`.
    public func verify(bundle data: Data, path: String) throws -> VerifiedPatchBundle {
        do {
            return try check(data, path: path)
        } catch let error as any PruneError {
            throw FileError(path: path, error)
        }
    }

    private func check(_ data: Data, path: String) throws -> VerifiedPatchBundle {
        // 1–3: size, strict JSON, Sigstore shape (media type, key material, one DSSE signature).
        if data.count > PatchBundle.maximumBytes { throw BundleError.jsonTooLarge(size: data.count, limit: PatchBundle.maximumBytes) }
        let root = try PatchBundle.parser.parse(data)
        let bundle = try SigstoreBundle(json: root)
        guard bundle.mediaType == SigstoreBundle.mediaTypeV03 else { throw BundleError.sigstoreUnsupportedMediaType(found: bundle.mediaType) }
        guard bundle.publicKeyRawBytes == nil, bundle.publicKeyHint?.isEmpty == false else {
            throw BundleError.sigstoreUnsupportedMaterial(found: "publicKey without a hint, or with rawBytes")
        }
        // 4: one encoding per content, so the file digest the chain links by identifies it.
        guard Self.canonicalBytes(root) == data else { throw PatchBundleError.nonCanonical }
        // 5: the signature, under the trusted keys only; the hint must name the signer exactly.
        let verified = try bundle.verify(trustedKeys: trustedKeys)
        let signer = verified.verifiedBy[0]
        guard bundle.publicKeyHint == signer.fingerprint else {
            throw BundleError.sigstoreHintMismatch(hint: bundle.publicKeyHint ?? "", verifiedBy: signer.fingerprint)
        }
        // 6–7: the verified bytes only: an in-toto Statement v1 of prune's predicate type, v1.
        guard verified.payloadType == InTotoStatement.payloadType else {
            throw BundleError.statementUnsupported(found: "payloadType \"\(verified.payloadType)\"")
        }
        let statement = try InTotoStatement(json: try PatchBundle.parser.parse(verified.payload))
        try Self.checkPredicateType(statement.predicateType)
        // 8: required fields, with their paths.
        let predicate = try PatchBundlePredicate(json: JSONField(statement.predicate, components: [.key("predicate")]))
        let subjectDigests = try Self.subjectDigests(statement)
        // 9: the patch data hashes to the `patches` subject.
        let patchDataDigest = try PatchBundlePredicate.patchDataDigest(predicate.patches)
        let claimed = subjectDigests[PatchBundle.patchesSubject] ?? ""
        guard claimed == patchDataDigest else { throw PatchBundleError.digestMismatch(claimed: claimed, computed: patchDataDigest) }
        guard subjectDigests[PatchBundle.modelSubject] == predicate.model.rootDigest else {
            throw PatchBundleError.inconsistent(reason: "the model subject is not predicate.model.rootDigest")
        }
        // 10: the patch file decodes, agrees with the binding, and every tensor checks out.
        let patchFile = try Self.decodePatchFile(predicate.patches)
        guard PatchBundlePredicate.ModelBinding(rootDigest: predicate.model.rootDigest, patchFile: patchFile) == predicate.model else {
            throw PatchBundleError.inconsistent(reason: "predicate.model differs from predicate.patches.model and settings.margin")
        }
        try patchFile.checkTensors(prefix: "predicate.patches.")
        // 11: the model given is the one the bundle binds to.
        guard predicate.model.rootDigest == modelRootDigest else {
            throw PatchBundleError.modelMismatch(bound: predicate.model.rootDigest, actual: modelRootDigest)
        }
        guard predicate.model.sha256 == modelFileDigest else {
            throw PatchBundleError.inconsistent(reason: "predicate.model.sha256 is not the file digest under the root digest")
        }
        // 12: the patches fit the network (sizes, bit patterns, finite values).
        let patches = try patchFile.decodePatches(for: network)
        try patchFile.checkRequest()
        return VerifiedPatchBundle(path: path, fileDigest: try Hash.sha256(data).hexString, predicate: predicate, patchFile: patchFile,
                                   patchDataDigest: patchDataDigest, patches: patches, signer: signer)
    }

    /// What `SigstoreBundle.jsonData` writes for this bundle, rebuilt from the parsed fields
    /// (cheaper than re-encoding the envelope): member order fixed, no unknown members, and
    /// the base64 strings in their one standard padded spelling. Nil when a string is not.
    public static func canonicalBytes(_ root: JSONValue) -> Data? {
        let envelope = root["dsseEnvelope"], signature = envelope?["signatures"].flatMap { value -> JSONValue? in
            if case .array(let list) = value, list.count == 1 { return list[0] }
            return nil
        }
        guard case .string(let mediaType)? = root["mediaType"],
              case .string(let hint)? = root["verificationMaterial"]?["publicKey"]?["hint"],
              case .string(let payload)? = envelope?["payload"], case .string(let payloadType)? = envelope?["payloadType"],
              case .string(let sig)? = signature?["sig"],
              Data(base64Encoded: payload)?.base64EncodedString() == payload,
              Data(base64Encoded: sig)?.base64EncodedString() == sig else { return nil }
        // Canonical base64 needs no JSON escapes, so those strings are copied as they are.
        var out = Data("{\"mediaType\":".utf8) + JSONSerializer.data(.string(mediaType))
        out += Data(",\"verificationMaterial\":{\"publicKey\":{\"hint\":".utf8) + JSONSerializer.data(.string(hint))
        out += Data("},\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"\(payload)\",\"payloadType\":".utf8)
        out += JSONSerializer.data(.string(payloadType)) + Data(",\"signatures\":[{\"sig\":\"\(sig)\"}]}}".utf8)
        return out
    }

    /// Refuses other predicate types, and other major versions of prune's by their own code.
    static func checkPredicateType(_ type: String) throws {
        if type == PatchBundle.predicateType { return }
        let prefix = PatchBundle.predicateTypePrefix
        if type.hasPrefix(prefix), let first = type.dropFirst(prefix.count).first, first.isNumber {
            throw PatchBundleError.unsupportedVersion(found: type)
        }
        throw PatchBundleError.unsupportedPredicate(found: type)
    }

    /// The `model` and `patches` subjects' SHA-256, each required exactly once.
    static func subjectDigests(_ statement: InTotoStatement) throws -> [String: String] {
        var digests: [String: String] = [:]
        for (index, subject) in statement.subjects.enumerated() {
            guard let name = subject.name, [PatchBundle.modelSubject, PatchBundle.patchesSubject].contains(name) else {
                throw PatchBundleError.inconsistent(reason: "subject[\(index)] is neither \"model\" nor \"patches\"")
            }
            guard digests[name] == nil else { throw PatchBundleError.inconsistent(reason: "two \"\(name)\" subjects") }
            guard let sha256 = subject.digest["sha256"] else { throw BundleError.fieldMissing(path: "subject[\(index)].digest.sha256") }
            digests[name] = sha256
        }
        for name in [PatchBundle.modelSubject, PatchBundle.patchesSubject] where digests[name] == nil {
            throw BundleError.fieldMissing(path: "subject[name=\(name)]")
        }
        return digests
    }

    /// The embedded patch file, through the same decoder as `PatchFile.load`.
    static func decodePatchFile(_ patches: JSONValue) throws -> PatchFile {
        try PatchFile.decode(JSONSerializer.data(patches), field: "predicate.patches")
    }
}
