import Foundation
import PruneCrypto

/// A Sigstore bundle v0.3 in its key-based form: a public-key hint, no transparency log,
/// and a DSSE envelope with exactly one signature. This is what OpenSSF Model Signing's
/// `key` method writes. Certificate and keyless bundles are refused, not half-checked.
public struct SigstoreBundle: Sendable {
    public static let mediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
    /// Readers must also accept the older spellings; writers use only v0.3.
    public static let acceptedMediaTypes: Set<String> = [
        mediaTypeV03,
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
    ]

    public let mediaType: String
    /// Hex SHA-256 of the signer's PEM public key (`PublicKey.fingerprint`). Unauthenticated:
    /// it only chooses the error message and is cross-checked after verification.
    public let publicKeyHint: String?
    /// Pre-1.1.0 model-signing bundles carry the DER key instead of a hint.
    public let publicKeyRawBytes: Data?
    public let envelope: DSSEEnvelope

    /// A v0.3 bundle for `envelope` signed by `key`, as model-signing 1.1.1 writes it.
    public init(envelope: DSSEEnvelope, signer key: PublicKey) {
        mediaType = Self.mediaTypeV03
        publicKeyHint = key.fingerprint
        publicKeyRawBytes = nil
        self.envelope = envelope
    }

    /// Parses strictly (duplicate keys anywhere are refused before any signature is looked
    /// at). Both proto JSON spellings (lowerCamelCase and snake_case) are read. `parser`
    /// sets the size and depth limits (patch bundles may be larger than a model signature).
    public init(jsonData data: Data, parser: StrictJSON = StrictJSON()) throws(BundleError) {
        try self.init(json: try parser.parse(data))
    }

    /// Reads a bundle from JSON that was already parsed strictly.
    public init(json: JSONValue) throws(BundleError) {
        let root = JSONField(json)
        mediaType = try root.field("mediaType").string()
        guard Self.acceptedMediaTypes.contains(mediaType) else { throw .sigstoreUnsupportedMediaType(found: mediaType) }

        let material = try root.field("verificationMaterial")
        for other in ["x509CertificateChain", "x509_certificate_chain", "certificate"] where try material.optionalField(other) != nil {
            throw .sigstoreUnsupportedMaterial(found: other)
        }
        guard let publicKey = try material.optionalField("publicKey", alias: "public_key") else {
            throw .sigstoreUnsupportedMaterial(found: "none (no publicKey)")
        }
        publicKeyHint = try publicKey.optionalField("hint")?.string()
        publicKeyRawBytes = try publicKey.optionalField("rawBytes", alias: "raw_bytes")?.base64()
        // Log entries cannot vouch for anything in the key method; they are read for shape only.
        _ = try material.optionalField("tlogEntries", alias: "tlog_entries")?.array()

        if try root.optionalField("messageSignature", alias: "message_signature") != nil {
            throw .sigstoreUnsupportedMaterial(found: "messageSignature (prune reads DSSE bundles)")
        }
        guard let dsse = try root.optionalField("dsseEnvelope", alias: "dsse_envelope") else {
            throw .fieldMissing(path: "dsseEnvelope")
        }
        let payload = try dsse.field("payload").base64()
        let payloadType = try dsse.field("payloadType").string()
        let signatureFields = try dsse.field("signatures").array()
        guard signatureFields.count == 1 else { throw .sigstoreSignatureCount(found: signatureFields.count) }
        var signatures: [DSSEEnvelope.Signature] = []
        for field in signatureFields {
            signatures.append(.init(keyid: try field.optionalField("keyid")?.string(), sig: try field.field("sig").base64()))
        }
        envelope = DSSEEnvelope(payloadType: payloadType, payloadBytes: payload, signatures: signatures)
    }

    /// Compact JSON in model-signing's member order: mediaType, verificationMaterial, dsseEnvelope.
    public func jsonData() throws -> Data {
        var key: [JSONMember] = []
        if let publicKeyHint { key.append(JSONMember("hint", .string(publicKeyHint))) }
        if let publicKeyRawBytes { key.append(JSONMember("rawBytes", .string(publicKeyRawBytes.base64EncodedString()))) }
        // The envelope writes itself, so its payload never has to be readable here.
        let envelopeBytes = try envelope.jsonData()
        let envelopeJSON = try StrictJSON(maxBytes: max(envelopeBytes.count, 1)).parse(envelopeBytes)
        let bundle: JSONValue = .object([
            JSONMember("mediaType", .string(mediaType)),
            JSONMember("verificationMaterial", .object([
                JSONMember("publicKey", .object(key)),
                JSONMember("tlogEntries", .array([])),
            ])),
            JSONMember("dsseEnvelope", envelopeJSON),
        ])
        return JSONSerializer.data(bundle)
    }

    /// Verifies the one DSSE signature under the trusted keys and returns the exact bytes it
    /// covers. Then the key hint (or raw key) must name the key that verified: a bundle
    /// whose duplicated fields disagree is refused.
    public func verify(trustedKeys: [PublicKey]) throws(BundleError) -> VerifiedPayload {
        let named = trustedKeys.filter(names)
        let verified: VerifiedPayload
        do {
            verified = try DSSE.verify(envelope, trustedKeys: trustedKeys)
        } catch {
            if named.isEmpty { throw .signatureUntrusted(hint: publicKeyHint ?? "") }
            throw .signatureInvalid
        }
        let signer = verified.verifiedBy[0]
        if hasKeyMaterial && !names(signer) {
            throw .sigstoreHintMismatch(hint: publicKeyHint ?? "rawBytes", verifiedBy: signer.fingerprint)
        }
        return verified
    }

    /// An empty hint counts as none, like an empty DSSE keyid.
    private var hasKeyMaterial: Bool { publicKeyHint?.isEmpty == false || publicKeyRawBytes != nil }

    /// Whether the bundle's unauthenticated key material designates `key`.
    private func names(_ key: PublicKey) -> Bool {
        guard hasKeyMaterial else { return false }
        if let publicKeyHint, !publicKeyHint.isEmpty, publicKeyHint.lowercased() != key.fingerprint { return false }
        if let publicKeyRawBytes, (try? key.derData) != publicKeyRawBytes { return false }
        return true
    }
}
