import Foundation
import PruneCore
import PruneCrypto

/// OpenSSF Model Signing v1.0 with the `key` method, interoperable with `model_signing`
/// 1.1.1: a Sigstore bundle holding a DSSE-signed in-toto Statement whose subject is the
/// model's root digest and whose predicate lists every file's SHA-256.
public enum ModelSignature {
    /// Signs the model at `directory` (a folder or a single file). `ignoring` lists relative
    /// paths to leave out; pass the signature file's own path when it lives inside the model
    /// (see `relativePath(of:inside:)`). The default exclusions are always applied and recorded.
    public static func sign(directory: String, key: PrivateKey, ignoring: [String] = []) throws -> SigstoreBundle {
        guard key.algorithm == .ecdsaP256 else {
            throw BundleError.modelUnsupportedMethod(reason: "OpenSSF Model Signing needs an ECDSA P-256 key, not \(key.algorithm.rawValue)")
        }
        let manifest = try ModelDigest.manifest(of: directory, ignoring: ignoring)
        // Recorded sorted: model-signing writes them in set order, so any order is valid.
        let recorded = Set(ModelDigest.defaultExclusions + ignoring.map(normalize).filter { !$0.isEmpty })
            .sorted { ModelManifest.precedes($0, $1) }
        let predicate = ModelPredicate(manifest: manifest, ignorePaths: recorded)
        let statement = InTotoStatement(
            subjects: [InTotoSubject(name: modelName(directory), digest: ["sha256": manifest.rootDigest.hexString])],
            predicateType: ModelPredicate.predicateType,
            predicate: predicate.jsonValue)
        // Pretty like model-signing's payload; the signature covers these bytes as they are.
        let payload = JSONSerializer.data(statement.jsonValue, style: .pretty)
        let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: key, keyid: nil)
        return SigstoreBundle(envelope: envelope, signer: key.publicKey)
    }

    /// Verifies in the spec's order: bundle shape, the signature under a trusted key, the
    /// Statement and predicate (read only from the verified bytes), then the files on disk
    /// re-hashed with the recorded exclusions plus the signature file itself.
    public static func verify(directory: String, signatureFile: String, trustedKeys: [PublicKey]) throws -> ModelVerification {
        let data = try FileOutput.readSmallFile(signatureFile, limit: 64 << 20)
        let verified: VerifiedPayload
        let statement: InTotoStatement
        let predicate: ModelPredicate
        let subjectDigest: Data
        do {
            let bundle = try SigstoreBundle(jsonData: data)
            verified = try bundle.verify(trustedKeys: trustedKeys)
            guard verified.payloadType == InTotoStatement.payloadType else {
                throw BundleError.statementUnsupported(found: "payloadType \"\(verified.payloadType)\"")
            }
            statement = try InTotoStatement(payload: verified.payload)
            guard statement.predicateType == ModelPredicate.predicateType else {
                throw BundleError.modelUnsupportedPredicate(found: statement.predicateType)
            }
            guard statement.subjects.count == 1, let subject = statement.subjects.first else {
                throw BundleError.modelInconsistent(reason: "expected exactly one subject, found \(statement.subjects.count)")
            }
            guard let rootHex = subject.digest["sha256"] else { throw BundleError.fieldMissing(path: "subject[0].digest.sha256") }
            subjectDigest = try JSONField(.string(rootHex), components: [.key("subject"), .index(0), .key("digest"), .key("sha256")]).hex()
            predicate = try ModelPredicate(json: JSONField(statement.predicate, components: [.key("predicate")]))
            let listedRoot = try predicate.rootDigest()
            guard listedRoot == subjectDigest else {
                throw BundleError.modelInconsistent(
                    reason: "root digest is \(subjectDigest.hexString) but the resources hash to \(listedRoot.hexString)")
            }
        } catch let error as any PruneError {
            throw FileError(path: signatureFile, error)
        }

        var ignoring = predicate.ignorePaths
        if let own = relativePath(of: signatureFile, inside: directory) { ignoring.append(own) }
        let actual = try ModelDigest.manifest(of: directory, ignoring: ignoring)
        try compare(signed: predicate.resources, actual: actual.resources, directory: directory)
        return ModelVerification(modelName: statement.subjects[0].name ?? "", rootDigest: subjectDigest,
                                 resources: actual.resources, signer: verified.verifiedBy[0],
                                 ignorePaths: predicate.ignorePaths)
    }

    /// The path of `file` relative to `directory` when it lies inside it, else nil. Both
    /// are resolved first, so `./m/model.sig` and `m/model.sig` agree.
    public static func relativePath(of file: String, inside directory: String) -> String? {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let target = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard target.hasPrefix(prefix) else { return nil }
        return String(target.dropFirst(prefix.count))
    }

    /// Missing, unsigned and changed files are all collected, so one run reports every difference.
    static func compare(signed: [ModelManifest.Resource], actual: [ModelManifest.Resource], directory: String) throws {
        var onDisk: [Data: ModelManifest.Resource] = [:]
        for resource in actual { onDisk[Data(resource.name.utf8)] = resource }
        var missing: [String] = [], changed: [String] = []
        var listed = Set<Data>()
        for resource in signed {
            let key = Data(resource.name.utf8)
            listed.insert(key)
            guard let found = onDisk[key] else { missing.append(resource.name); continue }
            if found.sha256 != resource.sha256 {
                changed.append("\(resource.name) (signed sha256 \(resource.sha256.hexString), found \(found.sha256.hexString))")
            }
        }
        let extra = actual.filter { !listed.contains(Data($0.name.utf8)) }.map(\.name)
        if !missing.isEmpty || !extra.isEmpty || !changed.isEmpty {
            throw FileError(path: directory, BundleError.modelMismatch(missing: missing, extra: extra, changed: changed))
        }
    }

    /// The subject name: the model folder's (or file's) own name, as model-signing records it.
    static func modelName(_ path: String) -> String {
        let name = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().lastPathComponent
        return name.isEmpty ? "model" : name
    }

    static func normalize(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }
}
