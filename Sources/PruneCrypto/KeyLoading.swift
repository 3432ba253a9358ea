import COpenSSL
import Foundation
import PruneCore

/// What private and public keys share when they are built from outside bytes.
enum KeyLoading {
    /// A PEM key is a few hundred bytes; anything past this is not a key file.
    static let pemFileLimit = 1 << 20

    /// Reads a PEM key file and parses it, attaching the path to any key error.
    static func pemFile<Key>(_ path: String, _ parse: (Data) throws -> Key) throws -> Key {
        let data = try FileOutput.readSmallFile(path, limit: pemFileLimit)
        do { return try parse(data) } catch let error as CryptoError { throw FileError(path: path, error) }
    }

    /// Builds an Ed25519 EVP_PKEY from its 32 raw bytes (the RFC 8032 secret seed or public key).
    static func rawEd25519(_ raw: Data, isPrivate: Bool) throws -> OpaquePointer {
        let half = isPrivate ? "private" : "public"
        guard raw.count == 32 else {
            throw CryptoError.keyUnreadable(reason: "an Ed25519 \(half) key is 32 bytes, got \(raw.count)")
        }
        let pkey = raw.withUnsafeBytes { bytes in
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return isPrivate ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, base, 32)
                             : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, base, 32)
        }
        guard let pkey else { throw OpenSSLErrorQueue.failure("EVP_PKEY_new_raw_\(half)_key") }
        return pkey
    }
}
