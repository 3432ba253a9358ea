import COpenSSL
import Foundation

/// Owns one EVP_PKEY and frees it with the last reference. Keys are never mutated after
/// construction, and OpenSSL allows concurrent read-only use, hence `@unchecked Sendable`.
final class KeyHandle: @unchecked Sendable {
    let pkey: OpaquePointer

    /// Takes ownership of `pkey`.
    init(taking pkey: OpaquePointer) { self.pkey = pkey }

    deinit { EVP_PKEY_free(pkey) }

    /// The public half as DER SubjectPublicKeyInfo.
    func subjectPublicKeyInfoDER() throws -> Data {
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0 else { throw OpenSSLErrorQueue.failure("i2d_PUBKEY") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else { throw OpenSSLErrorQueue.failure("i2d_PUBKEY") }
        return Data(bytes)
    }
}
