import COpenSSL
import Foundation

/// One-shot digests of bytes in memory. For files use `Hash.digestFile`, which bounds memory.
public enum Hash {
    public static func digest(_ data: Data, algorithm: HashAlgorithm = .sha256) throws -> Data {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, algorithm.evpMD, nil)
        }
        guard ok == 1 else { throw OpenSSLErrorQueue.failure("EVP_Digest") }
        return Data(digest.prefix(Int(length)))
    }

    public static func sha256(_ data: Data) throws -> Data {
        try digest(data, algorithm: .sha256)
    }
}
