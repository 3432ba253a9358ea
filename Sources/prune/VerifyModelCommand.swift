import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Verifies an OpenSSF Model Signing bundle (key method) against trusted public keys and the
/// files on disk. Exit 0 verified, 1 a check failed, 65 malformed input, 66 missing input.
struct VerifyModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-model",
        abstract: "Verify a model folder against its signature (OpenSSF Model Signing v1.0, key method).",
        discussion: """
            The signature is checked first, under the --trust keys only; then every file is \
            re-hashed with the exclusions the signer recorded. Missing, unsigned and changed files \
            are reported separately. Exit 0 verified, 1 verification failed, 65 malformed or \
            unsupported signature, 66 missing input.
            """)

    @Argument(help: "The model folder (or a single model file).")
    var directory: String

    @Option(help: "The signature bundle, e.g. model.sig.")
    var signature: String

    @Option(help: "A trusted ECDSA P-256 public key (PEM); repeatable.")
    var trust: [String]

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Output: Encodable {
        let verified: Bool
        let model: String
        let modelName: String
        let rootDigest: String
        let fileCount: Int
        let keyFingerprint: String
        let ignorePaths: [String]
    }

    func validate() throws {
        if trust.isEmpty { throw ValidationError("at least one --trust key is required") }
    }

    func run() throws {
        let keys = try trust.map { try PublicKey(pemFile: $0) }
        let result = try ModelSignature.verify(directory: directory, signatureFile: signature, trustedKeys: keys)
        let output = Output(verified: true, model: directory, modelName: result.modelName,
                            rootDigest: result.rootDigest.hexString, fileCount: result.resources.count,
                            keyFingerprint: result.signer.fingerprint, ignorePaths: result.ignorePaths)
        if json {
            try Console.json(output)
            return
        }
        Console.out("verified \(directory) against \(signature)")
        Console.out("  root   sha256:\(output.rootDigest)")
        Console.out("  files  \(output.fileCount)")
        Console.out("  key    sha256:\(output.keyFingerprint)")
    }
}
