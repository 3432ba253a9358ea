import COpenSSL
import Foundation

/// Incremental digest over data that arrives in pieces. Not thread-safe: one owner feeds it.
/// (Not named `Hasher`, which would shadow `Swift.Hasher` in every module importing this one.)
public final class StreamingHasher {
    public let algorithm: HashAlgorithm
    private let context: OpaquePointer
    /// OpenSSL's update can only fail on a broken context; the failure is kept and reported
    /// by `finalize()` so `update` stays convenient to call in loops.
    private var failure: CryptoError?
    private var finalized = false

    public init(algorithm: HashAlgorithm) throws {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.failure("EVP_MD_CTX_new") }
        guard EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw OpenSSLErrorQueue.failure("EVP_DigestInit_ex")
        }
        self.algorithm = algorithm
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: Data) {
        data.withUnsafeBytes { update(bytes: $0) }
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update(bytes: $0) }
    }

    /// Feeds a caller-owned buffer without copying it (the file hasher's hot path).
    func update(bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !finalized, let base = bytes.baseAddress, !bytes.isEmpty else {
            if finalized && failure == nil {
                failure = .openssl(operation: "EVP_DigestUpdate", detail: "hasher used after finalize()")
            }
            return
        }
        if EVP_DigestUpdate(context, base, bytes.count) != 1 {
            failure = OpenSSLErrorQueue.failure("EVP_DigestUpdate")
        }
    }

    /// Returns the digest. A hasher is finished afterwards; create a new one for new data.
    public func finalize() throws -> Data {
        if let failure { throw failure }
        guard !finalized else {
            throw CryptoError.openssl(operation: "EVP_DigestFinal_ex", detail: "hasher finalized twice")
        }
        finalized = true
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
            throw OpenSSLErrorQueue.failure("EVP_DigestFinal_ex")
        }
        return Data(digest.prefix(Int(length)))
    }
}
