import COpenSSL
import Foundation

/// Converts the raw r‖s ECDSA form (JOSE, and the DSSE spec's test vector) to the ASN.1 DER
/// form OpenSSL verifies.
enum ECDSASignature {
    /// Two 32-byte big-endian integers for P-256.
    static let rawLength = 64

    static func derFromRaw(_ raw: Data) -> Data? {
        guard raw.count == rawLength, let signature = ECDSA_SIG_new() else { return nil }
        defer {
            ECDSA_SIG_free(signature)
            OpenSSLErrorQueue.discard()
        }
        let half = rawLength / 2
        let bytes = [UInt8](raw)
        guard let r = BN_bin2bn(bytes, Int32(half), nil) else { return nil }
        guard let s = bytes[half...].withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32(half), nil) }) else {
            BN_free(r)
            return nil
        }
        // On success ECDSA_SIG_set0 owns r and s; they are freed with the signature.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? Data(der) : nil
    }
}
