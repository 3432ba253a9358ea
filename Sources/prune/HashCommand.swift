import ArgumentParser
import Foundation
import PruneCore
import PruneCrypto

/// Prints OpenSSF Model Signing digests: each file's SHA-256 and the model's root digest.
/// Every PATH is one model: a single file, or a directory enumerated by the OMS rules.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print each file's SHA-256 and the root digest (OpenSSF Model Signing rules).",
        discussion: """
            A directory is enumerated recursively; symlinks are refused; the top-level .git, \
            .gitignore, .gitattributes and .github are excluded. The root digest is SHA-256 over \
            the raw per-file digests in code-point order of their relative paths.
            """)

    @Argument(help: "Model files or directories.")
    var paths: [String]

    @Option(name: .customLong("ignore"), help: "A relative path (file or folder) to leave out; repeatable.")
    var ignorePaths: [String] = []

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Output: Encodable {
        struct Model: Encodable {
            struct Resource: Encodable { let name: String; let algorithm: String; let digest: String }
            let path: String
            let rootDigest: DigestSet
            let resources: [Resource]
        }
        /// An in-toto DigestSet with the one algorithm prune computes here.
        struct DigestSet: Encodable { let sha256: String }
        let models: [Model]
    }

    func run() throws {
        var models: [Output.Model] = []
        for path in paths {
            let manifest = try ModelDigest.manifest(of: path, ignoring: ignorePaths)
            models.append(Output.Model(
                path: path,
                rootDigest: Output.DigestSet(sha256: manifest.rootDigest.hexString),
                resources: manifest.resources.map {
                    .init(name: $0.name, algorithm: "sha256", digest: $0.sha256.hexString)
                }))
        }
        if json {
            try Console.json(Output(models: models))
            return
        }
        for model in models {
            Console.out("model \(model.path) (\(model.resources.count) file\(model.resources.count == 1 ? "" : "s"))")
            for resource in model.resources {
                Console.out("  sha256 \(resource.digest)  \(resource.name)")
            }
            Console.out("  root   \(model.rootDigest.sha256)")
        }
    }
}
