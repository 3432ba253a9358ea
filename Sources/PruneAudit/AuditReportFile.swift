import Foundation
import PruneBundle
import PruneCompression
import PruneCore
import PruneCrypto

/// The report file (`Specs/report.md` §The file): the Statement, serialized compactly, signed
/// with DSSE and wrapped in a Sigstore bundle v0.3 exactly like a patch bundle, then gzip'd.
/// Without a key the Statement travels in a bare DSSE envelope with no signature, which can
/// be shown but never verifies. Every layer has one canonical encoding, so a changed byte
/// anywhere in the file is caught.
public enum AuditReportFile {
    /// Largest compressed file read, and largest uncompressed content (checked while inflating).
    public static let maximumBytes = 64 << 20
    public static let parser = StrictJSON(maxDepth: 64, maxBytes: maximumBytes)
    /// zlib level of the canonical compressed form.
    public static let compressionLevel = 9

    /// The encoded report: the file's bytes and the report digest (hex SHA-256 of the
    /// uncompressed bytes, the form every signature and proof refers to).
    public struct Encoded: Sendable {
        public let file: Data
        public let uncompressed: Data
        public let digest: String
    }

    /// Signs (with `key`) or leaves unsigned (nil), and compresses. Ed25519 signatures are
    /// deterministic, so with an Ed25519 key (or none) the same report gives the same bytes;
    /// ECDSA signatures are randomised by OpenSSL, so only the payload repeats.
    public static func encode(_ report: AuditReport, key: PrivateKey?) throws -> Encoded {
        let payload = JSONSerializer.data(try report.statement().jsonValue)
        let uncompressed: Data
        if let key {
            let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: key, keyid: nil)
            uncompressed = try SigstoreBundle(envelope: envelope, signer: key.publicKey).jsonData()
        } else {
            uncompressed = unsignedBytes(payload: payload)
        }
        let file = try Gzip.compress(uncompressed, level: compressionLevel)
        return Encoded(file: file, uncompressed: uncompressed, digest: try Hash.sha256(uncompressed).hexString)
    }

    /// Encodes and writes atomically (nothing is left behind on failure).
    public static func write(_ report: AuditReport, key: PrivateKey?, to path: String) throws -> Encoded {
        let encoded = try encode(report, key: key)
        try FileOutput.write(encoded.file, to: path)
        return encoded
    }

    /// The canonical unsigned form: a DSSE envelope with an empty signature list.
    static func unsignedBytes(payload: Data) -> Data {
        Data("{\"payload\":\"\(payload.base64EncodedString())\",\"payloadType\":".utf8)
            + JSONSerializer.data(.string(InTotoStatement.payloadType)) + Data(",\"signatures\":[]}".utf8)
    }

    /// A report read from its bytes: decompressed and parsed strictly, in canonical form, but
    /// its signature not yet checked. `show` and `prove` use it; `verify` checks the signature.
    public struct Opened: Sendable {
        /// Hex SHA-256 of the uncompressed bytes.
        public let digest: String
        public let isSigned: Bool
        /// The Sigstore bundle, when signed.
        public let bundle: SigstoreBundle?
        /// The payload bytes, NOT VERIFIED unless `verify` accepted them.
        public let unverifiedPayload: Data

        /// The report the payload holds, checked for consistency but NOT for its signature:
        /// for showing, never for trusting.
        public func unverifiedReport() throws -> AuditReport {
            try AuditReportFile.report(fromPayload: unverifiedPayload, payloadType: bundle?.envelope.payloadType ?? InTotoStatement.payloadType)
        }
    }

    /// Reads a report file (size limit before reading).
    public static func read(path: String) throws -> Data {
        do {
            return try FileOutput.readSmallFile(path, limit: maximumBytes)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Decompresses, parses strictly and checks every layer is canonical.
    public static func open(_ file: Data) throws -> Opened {
        let uncompressed = try Gzip.decompress(file, limit: maximumBytes)
        // The compressed form is what prune's zlib writes at the fixed level, and nothing else:
        // header fields (MTIME, XFL, OS, FTEXT) and deflate padding bits do not change the
        // content, so they are pinned by recompressing.
        guard try Gzip.compress(uncompressed, level: compressionLevel) == file else {
            throw AuditReportError.nonCanonical(reason: "the gzip bytes are not the canonical compression of the content")
        }
        let root = try parser.parse(uncompressed)
        let digest = try Hash.sha256(uncompressed).hexString
        if root["mediaType"] == nil, case .array(let signatures)? = root["signatures"], signatures.isEmpty {
            let payload = try JSONField(root).field("payload").base64()
            guard unsignedBytes(payload: payload) == uncompressed else {
                throw AuditReportError.nonCanonical(reason: "the unsigned envelope is not in its canonical form")
            }
            return Opened(digest: digest, isSigned: false, bundle: nil, unverifiedPayload: payload)
        }
        let bundle = try SigstoreBundle(json: root)
        guard bundle.mediaType == SigstoreBundle.mediaTypeV03 else { throw BundleError.sigstoreUnsupportedMediaType(found: bundle.mediaType) }
        guard bundle.publicKeyRawBytes == nil, bundle.publicKeyHint?.isEmpty == false else {
            throw BundleError.sigstoreUnsupportedMaterial(found: "publicKey without a hint, or with rawBytes")
        }
        // Covers what the signature does not: member names and order, keyid, base64 spelling, the hint.
        guard PatchBundleVerifier.canonicalBytes(root) == uncompressed else {
            throw AuditReportError.nonCanonical(reason: "the Sigstore bundle is not compact JSON in prune's member order")
        }
        let payload = try JSONField(root).field("dsseEnvelope").field("payload").base64()
        return Opened(digest: digest, isSigned: true, bundle: bundle, unverifiedPayload: payload)
    }

    /// A report whose signature verified under a trusted key and whose content is consistent.
    public struct Verified: Sendable {
        public let report: AuditReport
        public let digest: String
        public let signer: PublicKey
    }

    /// The whole check of `report verify` (`Specs/report.md` §Verification), in order.
    public static func verify(_ file: Data, trustedKeys: [PublicKey]) throws -> Verified {
        let opened = try open(file)
        guard opened.isSigned, let bundle = opened.bundle else { throw AuditReportError.unsigned }
        let verified = try bundle.verify(trustedKeys: trustedKeys)
        let signer = verified.verifiedBy[0]
        guard bundle.publicKeyHint == signer.fingerprint else {
            throw BundleError.sigstoreHintMismatch(hint: bundle.publicKeyHint ?? "", verifiedBy: signer.fingerprint)
        }
        let report = try report(fromPayload: verified.payload, payloadType: verified.payloadType)
        return Verified(report: report, digest: opened.digest, signer: signer)
    }

    /// The report in a payload: an in-toto Statement v1 in canonical compact JSON.
    public static func report(fromPayload payload: Data, payloadType: String = InTotoStatement.payloadType) throws -> AuditReport {
        guard payloadType == InTotoStatement.payloadType else {
            throw BundleError.statementUnsupported(found: "payloadType \"\(payloadType)\"")
        }
        let json = try parser.parse(payload)
        guard JSONSerializer.data(json) == payload else {
            throw AuditReportError.nonCanonical(reason: "the signed Statement is not compact JSON")
        }
        return try AuditReport(statement: try InTotoStatement(json: json))
    }
}
