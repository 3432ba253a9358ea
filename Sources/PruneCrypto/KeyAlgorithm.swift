import COpenSSL

/// The signature algorithms prune accepts. ECDSA P-256 is the default because OpenSSF Model
/// Signing and Sigstore require it; Ed25519 is offered for small, deterministic signatures.
public enum KeyAlgorithm: String, Sendable, CaseIterable, Codable {
    case ecdsaP256 = "ecdsa-p256"
    case ed25519

    /// Classifies a key OpenSSL has decoded, refusing every other algorithm and curve.
    static func of(_ pkey: OpaquePointer) throws -> KeyAlgorithm {
        if EVP_PKEY_is_a(pkey, "ED25519") == 1 { return .ed25519 }
        if EVP_PKEY_is_a(pkey, "EC") == 1 {
            let curve = curveName(pkey)
            // OpenSSL reports P-256 by its X9.62 name; accept the NIST spelling too.
            if curve == "prime256v1" || curve == "P-256" { return .ecdsaP256 }
            throw CryptoError.keyUnsupportedAlgorithm(found: "EC on curve \(curve ?? "with explicit parameters")")
        }
        let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
        throw CryptoError.keyUnsupportedAlgorithm(found: name)
    }

    private static func curveName(_ pkey: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, &buffer, buffer.count, &length) == 1 else {
            OpenSSLErrorQueue.discard()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The digest paired with the algorithm in EVP_DigestSign: SHA-256 for P-256, none for
    /// Ed25519, which hashes internally (PureEdDSA).
    var signatureDigest: OpaquePointer? {
        switch self {
        case .ecdsaP256: EVP_sha256()
        case .ed25519: nil
        }
    }
}
