import COpenSSL
import Foundation
import PruneCore

/// A signing key: ECDSA P-256 or Ed25519. Only unencrypted PEM keys are read; prune never
/// prompts for a passphrase, so an encrypted key is refused with `crypto.key.encrypted`.
public struct PrivateKey: Sendable {
    let handle: KeyHandle
    public let algorithm: KeyAlgorithm
    /// The matching verification key, held without the private half.
    public let publicKey: PublicKey

    /// Takes ownership of a decoded or generated private key.
    init(taking pkey: OpaquePointer) throws {
        let handle = KeyHandle(taking: pkey)
        self.handle = handle
        self.algorithm = try KeyAlgorithm.of(pkey)
        if algorithm == .ecdsaP256 {
            // Named-curve encoding keeps PEM output standard (and fingerprints stable) even for
            // keys that were written with explicit curve parameters.
            if EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_GROUP) != 1 {
                OpenSSLErrorQueue.discard()
            }
        }
        self.publicKey = try PublicKey(derData: try handle.subjectPublicKeyInfoDER())
    }

    /// Generates a fresh key from OpenSSL's CSPRNG.
    public static func generate(_ algorithm: KeyAlgorithm = .ecdsaP256) throws -> PrivateKey {
        let typeName = algorithm == .ecdsaP256 ? "EC" : "ED25519"
        guard let context = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw OpenSSLErrorQueue.failure("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw OpenSSLErrorQueue.failure("EVP_PKEY_keygen_init") }
        if algorithm == .ecdsaP256, EVP_PKEY_CTX_set_group_name(context, "P-256") != 1 {
            throw OpenSSLErrorQueue.failure("EVP_PKEY_CTX_set_group_name")
        }
        var pkey: OpaquePointer?
        guard EVP_PKEY_generate(context, &pkey) == 1, let pkey else {
            throw OpenSSLErrorQueue.failure("EVP_PKEY_generate")
        }
        return try PrivateKey(taking: pkey)
    }

    /// Reads an unencrypted PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`, what
    /// `openssl genpkey` writes) or traditional (`BEGIN EC PRIVATE KEY`, `openssl ecparam -genkey`).
    public init(pemData data: Data) throws {
        var passwordRequested = false
        let pkey: OpaquePointer? = try withUnsafeMutablePointer(to: &passwordRequested) { flag in
            try MemoryBIO.reading(data) { bio in
                // The callback replaces OpenSSL's terminal prompt: it records that a password
                // was wanted and refuses to supply one.
                PEM_read_bio_PrivateKey(bio, nil, { _, _, _, userData in
                    userData?.assumingMemoryBound(to: Bool.self).pointee = true
                    return -1
                }, flag)
            }
        }
        guard let pkey else {
            let detail = OpenSSLErrorQueue.drain()
            let text = String(decoding: data, as: UTF8.self)
            if passwordRequested || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                || text.contains("Proc-Type: 4,ENCRYPTED") {
                throw CryptoError.keyEncrypted
            }
            if text.contains("-----BEGIN PUBLIC KEY-----") {
                throw CryptoError.keyUnreadable(reason: "this is a public key; a private key is required")
            }
            if !text.contains("PRIVATE KEY-----") {
                throw CryptoError.keyUnreadable(reason: "no '-----BEGIN PRIVATE KEY-----' block found")
            }
            throw CryptoError.keyUnreadable(reason: "OpenSSL cannot decode the private key (\(detail))")
        }
        try self.init(taking: pkey)
    }

    /// Builds an Ed25519 key from its 32-byte seed (the RFC 8032 "secret key").
    public init(ed25519RawPrivateKey raw: Data) throws {
        try self.init(taking: try KeyLoading.rawEd25519(raw, isPrivate: true))
    }

    /// Reads a PEM private key file; errors name the file.
    public init(pemFile path: String) throws {
        self = try KeyLoading.pemFile(path) { try Self(pemData: $0) }
    }

    /// Unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Handle with care.
    public var pemData: Data {
        get throws {
            try MemoryBIO.collecting("PEM_write_bio_PrivateKey") { bio in
                PEM_write_bio_PrivateKey(bio, handle.pkey, nil, nil, 0, nil, nil)
            }
        }
    }

    /// Writes the PEM private key readable by its owner only (0600), refusing to replace an
    /// existing file unless `overwrite` is set.
    public func write(toFile path: String, overwrite: Bool = false) throws {
        try FileOutput.write(try pemData, to: path, overwrite: overwrite, permissions: 0o600)
    }
}
