import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Turns a patch file into the next signed link of the model's bundle chain.
struct BundleSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a patch file into a patch bundle bound to the original model.",
        discussion: """
            The patch file must have been made for --model (its SHA-256). The first bundle on a \
            model has no parent; each later one names the previous bundle with --parent, which \
            is verified first under the signing key. The output is never overwritten.
            """)

    @Argument(help: "The patch file written by `prune unlearn`.")
    var patches: String

    @Option(help: "The original model file the patches were made for.")
    var model: String

    @Option(help: "Private key (PEM): ECDSA P-256 (default of `prune keygen`) or Ed25519.")
    var key: String

    @Option(help: "The previous bundle of this model's chain (omit for the first).")
    var parent: String?

    @Option(help: "Creation time, RFC 3339 UTC (default: now), e.g. 2026-01-31T12:00:00Z.")
    var createdAt: String?

    @Option(help: "Where to write the bundle, e.g. patches.bundle.json.")
    var out: String

    func validate() throws {
        if let createdAt, !PatchBundlePredicate.isTimestamp(createdAt) {
            throw ValidationError("--created-at must be RFC 3339 UTC (YYYY-MM-DDThh:mm:ssZ), got '\(createdAt)'")
        }
    }

    func run() throws {
        if FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let file = try PatchFile.load(path: patches)
        let data = try BundleSigning.sign(file, patchesPath: patches, model: model, key: key, parent: parent, createdAt: createdAt)
        try FileOutput.write(data, to: out, overwrite: false)
        Console.out("wrote \(out) (\(data.count) bytes): \(file.points.count) points, \(file.patches.count) patches")
    }
}
