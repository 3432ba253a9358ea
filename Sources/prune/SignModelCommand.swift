import ArgumentParser
import Foundation
import PruneBundle
import PruneCore
import PruneCrypto

/// Signs a model folder the OpenSSF Model Signing way (`key` method), writing a Sigstore
/// bundle that `model_signing verify key` accepts.
struct SignModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-model",
        abstract: "Sign a model folder (OpenSSF Model Signing v1.0, key method).",
        discussion: """
            Every regular file is hashed with SHA-256 (symlinks refused; top-level .git, .gitignore, \
            .gitattributes and .github excluded). A signature file inside the folder is excluded \
            automatically. The output is never overwritten.
            """)

    @Argument(help: "The model folder (or a single model file).")
    var directory: String

    @Option(help: "ECDSA P-256 private key (PEM), e.g. from `prune keygen`.")
    var key: String

    @Option(help: "Where to write the signature bundle, e.g. model.sig.")
    var out: String

    @Option(name: .customLong("ignore"), help: "A relative path (file or folder) to leave out; repeatable.")
    var ignorePaths: [String] = []

    func run() throws {
        if FileManager.default.fileExists(atPath: out) { throw IOError.exists(path: out) }
        let privateKey = try PrivateKey(pemFile: key)
        var ignoring = ignorePaths
        if let own = ModelSignature.relativePath(of: out, inside: directory) { ignoring.append(own) }
        let bundle: SigstoreBundle
        do {
            bundle = try ModelSignature.sign(directory: directory, key: privateKey, ignoring: ignoring)
        } catch let error as BundleError {
            throw FileError(path: key, error)
        }
        try FileOutput.write(try bundle.jsonData(), to: out, overwrite: false)
        Console.out("wrote \(out): signed \(directory) with key sha256:\(privateKey.publicKey.fingerprint)")
    }
}
