import Foundation
import PruneCrypto

/// The OpenSSF Model Signing v1.0 predicate for the `files` method with SHA-256: every
/// file's digest and how the model was enumerated. Other methods are refused by name.
public struct ModelPredicate: Sendable, Equatable {
    public static let predicateType = "https://model_signing/signature/v1.0"

    /// Per-file digests in the order the document lists them (canonical order when prune writes).
    public let resources: [ModelManifest.Resource]
    /// Relative paths left out when hashing, as recorded by the signer.
    public let ignorePaths: [String]
    public let allowSymlinks: Bool

    public init(manifest: ModelManifest, ignorePaths: [String]) {
        resources = manifest.resources
        self.ignorePaths = ignorePaths
        allowSymlinks = false
    }

    /// Reads the predicate; unknown fields are ignored, unsupported serializations refused.
    public init(json predicate: JSONField) throws(BundleError) {
        let serialization = try predicate.field("serialization")
        let method = try serialization.field("method").string()
        guard method == "files" else {
            throw .modelUnsupportedMethod(reason: "method \"\(method)\" (prune verifies \"files\")")
        }
        let hashType = try serialization.field("hash_type").string()
        guard hashType == "sha256" else {
            throw .modelUnsupportedMethod(reason: "hash_type \"\(hashType)\" (prune verifies \"sha256\")")
        }
        // Links are still refused while hashing, which can only turn an accept into a refusal.
        allowSymlinks = try serialization.field("allow_symlinks").bool()
        if try serialization.optionalField("shard_size") != nil {
            throw .modelInconsistent(reason: "shard_size is set for the files method")
        }
        ignorePaths = try serialization.optionalField("ignore_paths")?.array().map { field throws(BundleError) in try field.string() } ?? []

        let list = try predicate.field("resources").array()
        if list.isEmpty { throw .modelInconsistent(reason: "predicate.resources is empty") }
        var resources: [ModelManifest.Resource] = []
        var names = Set<Data>()
        for field in list {
            let name = try field.field("name").string()
            let algorithm = try field.field("algorithm").string()
            guard algorithm == "sha256" else {
                throw .modelUnsupportedMethod(reason: "\(field.path).algorithm \"\(algorithm)\"")
            }
            let digestField = try field.field("digest")
            let digest = try digestField.hex()
            guard digest.count == 32 else { throw digestField.invalid("a SHA-256 digest has 32 bytes, found \(digest.count)") }
            // Byte-exact names: two spellings of "é" are two files.
            guard names.insert(Data(name.utf8)).inserted else {
                throw .modelInconsistent(reason: "file \(name) is listed twice")
            }
            resources.append(.init(name: name, sha256: digest))
        }
        self.resources = resources
    }

    /// model-signing's layout: serialization (method, hash_type, allow_symlinks,
    /// ignore_paths) then resources (name, algorithm, digest).
    public var jsonValue: JSONValue {
        .object([
            JSONMember("serialization", .object([
                JSONMember("method", "files"),
                JSONMember("hash_type", "sha256"),
                JSONMember("allow_symlinks", .bool(allowSymlinks)),
                JSONMember("ignore_paths", .array(ignorePaths.map { .string($0) })),
            ])),
            JSONMember("resources", .array(resources.map {
                .object([
                    JSONMember("name", .string($0.name)),
                    JSONMember("algorithm", "sha256"),
                    JSONMember("digest", .string($0.sha256.hexString)),
                ])
            })),
        ])
    }

    /// SHA-256 over the raw digests in listed order, as the reference verifier recomputes it.
    public func rootDigest() throws -> Data {
        var concatenated = Data()
        for resource in resources { concatenated.append(resource.sha256) }
        return try Hash.sha256(concatenated)
    }
}
