import Foundation

/// A DSSE v1 envelope as it travels in JSON. The payload is deliberately not public: the only
/// way to read it is `DSSE.verify`, so no caller can act on bytes nobody checked.
public struct DSSEEnvelope: Sendable, Equatable, Codable {
    /// One signature with its optional key hint. The hint is never used to decide trust.
    public struct Signature: Sendable, Equatable, Codable {
        /// Unset, empty and JSON `null` are all accepted on input; nil or empty is omitted on output.
        public let keyid: String?
        public let sig: Data

        public init(keyid: String? = nil, sig: Data) {
            self.keyid = keyid
            self.sig = sig
        }

        enum CodingKeys: String, CodingKey { case keyid, sig }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            keyid = try container.decodeIfPresent(String.self, forKey: .keyid)
            sig = try DSSEEnvelope.decodeBase64(container, .sig)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if let keyid, !keyid.isEmpty { try container.encode(keyid, forKey: .keyid) }
            try container.encode(sig.base64EncodedString(), forKey: .sig)
        }
    }

    let payload: Data
    /// Unverified until `DSSE.verify` succeeds; `VerifiedPayload.payloadType` is the checked value.
    public let payloadType: String
    public let signatures: [Signature]

    init(payload: Data, payloadType: String, signatures: [Signature]) {
        self.payload = payload
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// For parsers of other containers (a Sigstore bundle) that decode the fields themselves.
    /// The payload still stays unreadable until `DSSE.verify` accepts it.
    public init(payloadType: String, payloadBytes: Data, signatures: [Signature]) {
        self.init(payload: payloadBytes, payloadType: payloadType, signatures: signatures)
    }

    enum CodingKeys: String, CodingKey { case payload, payloadType, signatures }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        payload = try Self.decodeBase64(container, .payload)
        payloadType = try container.decode(String.self, forKey: .payloadType)
        signatures = try container.decode([Signature].self, forKey: .signatures)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(payload.base64EncodedString(), forKey: .payload)
        try container.encode(payloadType, forKey: .payloadType)
        try container.encode(signatures, forKey: .signatures)
    }

    /// Compact JSON with sorted keys and unescaped slashes: the same envelope always gives
    /// the same bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(self) } catch {
            throw CryptoError.openssl(operation: "JSON encoding of a DSSE envelope", detail: "\(error)")
        }
    }

    /// Parses an envelope strictly: a JSON object with `payload`, `payloadType`, `signatures`
    /// and each `sig` present and of the right type. Unknown fields are ignored.
    public init(jsonData data: Data) throws {
        do {
            self = try JSONDecoder().decode(DSSEEnvelope.self, from: data)
        } catch let error as DecodingError {
            throw CryptoError.dsseMalformed(reason: Self.describe(error))
        } catch {
            throw CryptoError.dsseMalformed(reason: "not JSON: \(error.localizedDescription)")
        }
    }

    fileprivate static func decodeBase64<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Data {
        let text = try container.decode(String.self, forKey: key)
        guard let data = LenientBase64.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not base64")
        }
        return data
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "required field '\(key.stringValue)' is missing\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
