import COpenSSL
import Foundation
import PruneCore

/// A verification key: ECDSA P-256 or Ed25519, held as an immutable OpenSSL key.
public struct PublicKey: Sendable, Hashable {
    let handle: KeyHandle
    public let algorithm: KeyAlgorithm
    /// SubjectPublicKeyInfo as PEM (`-----BEGIN PUBLIC KEY-----`), with a trailing newline.
    public let pemData: Data
    /// Hex SHA-256 of `pemData`: what `sha256sum key.pub` prints, and the OpenSSF Model
    /// Signing key hint.
    public let fingerprint: String

    /// Takes ownership of a key that holds at least the public half.
    init(taking pkey: OpaquePointer) throws {
        let handle = KeyHandle(taking: pkey)
        self.handle = handle
        self.algorithm = try KeyAlgorithm.of(pkey)
        self.pemData = try MemoryBIO.collecting("PEM_write_bio_PUBKEY") { PEM_write_bio_PUBKEY($0, pkey) }
        self.fingerprint = try Hash.sha256(pemData).hexString
    }

    /// Reads a PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    public init(pemData data: Data) throws {
        let pkey: OpaquePointer? = try MemoryBIO.reading(data) { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        guard let pkey else {
            let detail = OpenSSLErrorQueue.drain()
            let text = String(decoding: data, as: UTF8.self)
            if text.contains("PRIVATE KEY-----") {
                throw CryptoError.keyUnreadable(reason: "this is a private key; a public key (BEGIN PUBLIC KEY) is required")
            }
            if !text.contains("-----BEGIN PUBLIC KEY-----") {
                throw CryptoError.keyUnreadable(reason: "no '-----BEGIN PUBLIC KEY-----' block found")
            }
            throw CryptoError.keyUnreadable(reason: "OpenSSL cannot decode the public key (\(detail))")
        }
        try self.init(taking: pkey)
    }

    /// Reads DER SubjectPublicKeyInfo, the form Sigstore bundles carry in `rawBytes`.
    public init(derData data: Data) throws {
        let pkey: OpaquePointer? = data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let key = d2i_PUBKEY(nil, &cursor, bytes.count)
            // Trailing bytes after the structure mean the input is not exactly one key.
            if let key, cursor != base + bytes.count {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
        guard let pkey else {
            throw CryptoError.keyUnreadable(reason: "not a DER SubjectPublicKeyInfo (\(OpenSSLErrorQueue.drain()))")
        }
        try self.init(taking: pkey)
    }

    /// Builds an Ed25519 key from its 32 raw bytes (RFC 8032 form).
    public init(ed25519RawPublicKey raw: Data) throws {
        try self.init(taking: try KeyLoading.rawEd25519(raw, isPrivate: false))
    }

    /// Reads a PEM public key file; errors name the file.
    public init(pemFile path: String) throws {
        self = try KeyLoading.pemFile(path) { try Self(pemData: $0) }
    }

    /// DER SubjectPublicKeyInfo.
    public var derData: Data {
        get throws { try handle.subjectPublicKeyInfoDER() }
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.pemData == rhs.pemData }
    public func hash(into hasher: inout Hasher) { hasher.combine(pemData) }
}
