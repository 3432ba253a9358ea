import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Verifies a chain of patch bundles against trusted keys and the original model. Exit 0
/// verified, 1 a check failed, 65 malformed or unsupported bundle, 66 missing input.
struct BundleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify patch bundles: signature, patch data, model binding, and the chain.",
        discussion: """
            Give every bundle of the model's chain, first to last. Each is checked in the order \
            of Specs/patch-bundle.md (signature under the --trust keys before anything else is \
            read), then the chain: the first has no parent, each next names the previous. Exit \
            0 verified, 1 verification failed, 65 malformed or unsupported bundle, 66 missing input.
            """)

    @Argument(help: "The bundle files, in chain order.")
    var bundles: [String]

    @Option(help: "The original model file.")
    var model: String

    @Option(help: "A trusted public key (PEM); repeatable.")
    var trust: [String]

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Entry: Encodable {
        let bundle: String
        let sha256: String
        let parent: String?
        let sequence: Int
        let createdAt: String
        let keyFingerprint: String
        let points: Int
        let patches: Int
        let claims: [String: Int]
    }

    struct Output: Encodable {
        let verified: Bool
        let model: String
        let rootDigest: String
        let bundles: [Entry]
    }

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key is required") }
        if bundles.isEmpty { throw ValidationError("at least one bundle is required") }
    }

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let verifier = try PatchBundleVerifier(trustedKeys: keys, modelPath: model)
        let verified = try verifier.verify(paths: bundles)
        let entries = verified.map { b in
            Entry(bundle: b.path, sha256: b.fileDigest, parent: b.predicate.parent, sequence: b.predicate.sequence,
                  createdAt: b.predicate.createdAt, keyFingerprint: b.signer.fingerprint, points: b.patchFile.points.count,
                  patches: b.patchFile.patches.count,
                  claims: Dictionary(grouping: b.patchFile.points, by: \.claim).mapValues(\.count))
        }
        if json { return try Console.json(Output(verified: true, model: model, rootDigest: verifier.modelRootDigest, bundles: entries)) }
        Console.out("verified \(entries.count) bundle(s) on \(model) (root sha256:\(verifier.modelRootDigest))")
        for e in entries {
            Console.out("  #\(e.sequence) \(e.bundle) sha256:\(e.sha256)")
            Console.out("     \(e.points) points, \(e.patches) patches; "
                + e.claims.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "; key sha256:\(e.keyFingerprint)")
        }
    }
}
