import COpenSSL

/// The SHA-2 digests prune uses: SHA-256 everywhere by default (OMS, DSSE over P-256),
/// SHA-384/512 for records that ask for them.
public enum HashAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256
    case sha384
    case sha512

    /// Digest length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// OpenSSL's built-in method table; static, never freed.
    var evpMD: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}
