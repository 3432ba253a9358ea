import COpenSSL
import Foundation

extension PrivateKey {
    /// Signs `message`: ECDSA P-256 over SHA-256 with an ASN.1 DER signature (what OpenSSL,
    /// Sigstore and OMS use), or pure Ed25519 (64 bytes, deterministic).
    public func sign(_ message: Data) throws -> Data {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.failure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, algorithm.signatureDigest, nil, handle.pkey) == 1 else {
            throw OpenSSLErrorQueue.failure("EVP_DigestSignInit")
        }
        return try message.withNonNullBytes { tbs, tbsLength in
            var length = 0
            guard EVP_DigestSign(context, nil, &length, tbs, tbsLength) == 1 else {
                throw OpenSSLErrorQueue.failure("EVP_DigestSign")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, tbs, tbsLength) == 1 else {
                throw OpenSSLErrorQueue.failure("EVP_DigestSign")
            }
            // ECDSA's first call returns the maximum size; DER signatures are often shorter.
            return Data(signature.prefix(length))
        }
    }
}

extension PublicKey {
    /// True when `signature` is valid for `message`. Any malformed signature is simply false.
    /// For P-256 both DER and raw 64-byte r‖s (as in the DSSE spec's own test vector) are accepted.
    public func verify(signature: Data, message: Data) -> Bool {
        if verifyExactly(signature: signature, message: message) { return true }
        if algorithm == .ecdsaP256, signature.count == ECDSASignature.rawLength,
           let der = ECDSASignature.derFromRaw(signature) {
            return verifyExactly(signature: der, message: message)
        }
        return false
    }

    private func verifyExactly(signature: Data, message: Data) -> Bool {
        guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            // A rejected signature leaves decoder errors behind; they are an outcome, not a fault.
            OpenSSLErrorQueue.discard()
        }
        guard EVP_DigestVerifyInit(context, nil, algorithm.signatureDigest, nil, handle.pkey) == 1 else { return false }
        let result = signature.withUnsafeBytes { sig in
            message.withNonNullBytes { tbs, tbsLength in
                EVP_DigestVerify(context, sig.baseAddress?.assumingMemoryBound(to: UInt8.self), sig.count, tbs, tbsLength)
            }
        }
        return result == 1
    }
}

extension Data {
    /// Some OpenSSL one-shot calls reject a NULL message pointer even with length 0, which is
    /// what an empty Data yields; an empty message then borrows a dummy byte's address.
    func withNonNullBytes<T>(_ body: (UnsafePointer<UInt8>, Int) throws -> T) rethrows -> T {
        let length = count
        let backing = isEmpty ? Data([0]) : self
        return try backing.withUnsafeBytes { bytes in
            try body(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), length)
        }
    }
}
