import Foundation

/// The payload of an envelope that passed `DSSE.verify`: the exact bytes the signatures
/// cover, to be parsed as they are and never re-extracted from the envelope.
public struct VerifiedPayload: Sendable {
    public let payloadType: String
    public let payload: Data
    /// The unique trusted keys with a valid signature, in the order they were trusted.
    public let verifiedBy: [PublicKey]
}

/// Dead Simple Signing Envelope v1: signatures over PAE(payloadType, payload), so the type
/// is authenticated with the bytes and no JSON canonicalisation is involved.
public enum DSSE {
    /// Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
    /// lengths as ASCII decimal byte counts.
    public static func pae(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var out = Data("DSSEv1 \(type.count) ".utf8)
        out.append(type)
        out.append(Data(" \(payload.count) ".utf8))
        out.append(payload)
        return out
    }

    public static func sign(payload: Data, payloadType: String, key: PrivateKey,
                            keyid: String? = nil) throws -> DSSEEnvelope {
        let signature = try key.sign(pae(payloadType: payloadType, payload: payload))
        return DSSEEnvelope(payload: payload, payloadType: payloadType,
                            signatures: [.init(keyid: keyid, sig: signature)])
    }

    /// Accepts when at least `threshold` unique trusted keys each verify some signature.
    /// keyids are ignored: they are unauthenticated. A threshold below 1 counts as 1, so an
    /// unsigned envelope can never pass.
    public static func verify(_ envelope: DSSEEnvelope, trustedKeys: [PublicKey],
                              threshold: Int = 1) throws -> VerifiedPayload {
        let message = pae(payloadType: envelope.payloadType, payload: envelope.payload)
        var seen = Set<PublicKey>()
        var verifiedBy: [PublicKey] = []
        for key in trustedKeys where seen.insert(key).inserted {
            if envelope.signatures.contains(where: { key.verify(signature: $0.sig, message: message) }) {
                verifiedBy.append(key)
            }
        }
        let required = max(threshold, 1)
        if verifiedBy.isEmpty { throw CryptoError.dsseNoValidSignature }
        if verifiedBy.count < required {
            throw CryptoError.dsseThresholdNotMet(verified: verifiedBy.count, required: required)
        }
        return VerifiedPayload(payloadType: envelope.payloadType, payload: envelope.payload, verifiedBy: verifiedBy)
    }
}
