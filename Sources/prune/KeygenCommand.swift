import ArgumentParser
import Foundation
import PruneCore
import PruneCrypto

/// Writes a new key pair: `PREFIX.key.pem` (unencrypted PKCS#8, mode 0600) and
/// `PREFIX.pub.pem` (SubjectPublicKeyInfo), readable by `openssl pkey`.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a signing key pair (ECDSA P-256 by default, or Ed25519).")

    @Option(name: .long, help: "Path prefix: writes PREFIX.key.pem and PREFIX.pub.pem.")
    var out: String

    @Option(name: .long, help: "ecdsa-p256 (default, required by OpenSSF Model Signing) or ed25519.")
    var algorithm: KeyAlgorithm = .ecdsaP256

    func run() throws {
        let privatePath = out + ".key.pem"
        let publicPath = out + ".pub.pem"
        // Refuse before writing anything, so a refusal never leaves half a key pair.
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw IOError.exists(path: path)
        }
        let key = try PrivateKey.generate(algorithm)
        try FileOutput.write(try key.pemData, to: privatePath, overwrite: false, permissions: 0o600)
        do {
            try FileOutput.write(key.publicKey.pemData, to: publicPath, overwrite: false)
        } catch {
            try? FileManager.default.removeItem(atPath: privatePath)
            throw error
        }
        Console.out("wrote \(privatePath) (private, mode 0600) and \(publicPath)")
        Console.out("algorithm \(algorithm.rawValue), fingerprint sha256:\(key.publicKey.fingerprint)")
    }
}

extension KeyAlgorithm: ExpressibleByArgument {}
