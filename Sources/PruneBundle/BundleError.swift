import PruneCore

/// Every failure of the bundle layer, with a stable dotted code. Malformed or unsupported
/// input exits 65; a signature or model that does not check out is a verdict and exits 1.
public enum BundleError: PruneError, Equatable {
    /// Not JSON, or JSON prune refuses (bad escape, NaN, leading zero, trailing bytes...).
    case jsonMalformed(reason: String, line: Int, column: Int)
    /// An object repeats a key; parsers disagree on which copy wins, so none does.
    case jsonDuplicateKey(key: String, path: String, line: Int, column: Int)
    /// Nesting deeper than the parser's limit.
    case jsonTooDeep(limit: Int, line: Int, column: Int)
    /// A document larger than the parser's limit.
    case jsonTooLarge(size: Int, limit: Int)
    /// A required field is absent.
    case fieldMissing(path: String)
    /// A field has the wrong JSON type.
    case fieldType(path: String, expected: String, found: String)
    /// A field has the right type but an unusable value (bad base64, bad hex, empty list).
    case fieldInvalid(path: String, reason: String)
    /// A Sigstore bundle with a media type prune does not read.
    case sigstoreUnsupportedMediaType(found: String)
    /// Verification material other than a public key (certificates, keyless).
    case sigstoreUnsupportedMaterial(found: String)
    /// A DSSE envelope in a bundle must carry exactly one signature.
    case sigstoreSignatureCount(found: Int)
    /// The key hint names a different key from the one whose signature verified.
    case sigstoreHintMismatch(hint: String, verifiedBy: String)
    /// No trusted key matches the bundle's key hint, and no trusted key verifies it.
    case signatureUntrusted(hint: String)
    /// A trusted key was expected to verify the signature and did not (tampered bytes).
    case signatureInvalid
    /// The verified payload is not an in-toto Statement v1 (payload type or `_type`).
    case statementUnsupported(found: String)
    /// The Statement's predicate type is not OpenSSF Model Signing v1.0.
    case modelUnsupportedPredicate(found: String)
    /// A serialization prune does not implement (shards, BLAKE2b, BLAKE3, symlinks allowed).
    case modelUnsupportedMethod(reason: String)
    /// The signed manifest contradicts itself (root digest, subjects, duplicate names).
    case modelInconsistent(reason: String)
    /// The model on disk differs from the signed manifest.
    case modelMismatch(missing: [String], extra: [String], changed: [String])

    public var code: String {
        switch self {
        case .jsonMalformed: "bundle.json.malformed"
        case .jsonDuplicateKey: "bundle.json.duplicate-key"
        case .jsonTooDeep: "bundle.json.too-deep"
        case .jsonTooLarge: "bundle.json.too-large"
        case .fieldMissing: "bundle.field.missing"
        case .fieldType: "bundle.field.type"
        case .fieldInvalid: "bundle.field.invalid"
        case .sigstoreUnsupportedMediaType: "bundle.sigstore.unsupported-media-type"
        case .sigstoreUnsupportedMaterial: "bundle.sigstore.unsupported-verification-material"
        case .sigstoreSignatureCount: "bundle.sigstore.signature-count"
        case .sigstoreHintMismatch: "bundle.sigstore.hint-mismatch"
        case .signatureUntrusted: "bundle.signature.untrusted"
        case .signatureInvalid: "bundle.signature.invalid"
        case .statementUnsupported: "bundle.statement.unsupported"
        case .modelUnsupportedPredicate: "bundle.model.unsupported-predicate"
        case .modelUnsupportedMethod: "bundle.model.unsupported-method"
        case .modelInconsistent: "bundle.model.inconsistent"
        // Content changes outrank missing files, which outrank extra ones: the most
        // specific finding names the error, and the message lists them all.
        case .modelMismatch(let missing, _, let changed):
            !changed.isEmpty ? "bundle.model.digest-mismatch"
                : !missing.isEmpty ? "bundle.model.file-missing" : "bundle.model.file-extra"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .sigstoreHintMismatch, .signatureUntrusted, .signatureInvalid, .modelMismatch: .verificationFailed
        default: .dataError
        }
    }

    public var message: String {
        switch self {
        case .jsonMalformed(let reason, let line, let column):
            "malformed JSON at line \(line), column \(column): \(reason)"
        case .jsonDuplicateKey(let key, let path, let line, let column):
            "duplicate key \"\(key)\" in \(path) at line \(line), column \(column)"
        case .jsonTooDeep(let limit, let line, let column):
            "JSON nested deeper than \(limit) levels at line \(line), column \(column)"
        case .jsonTooLarge(let size, let limit): "JSON document of \(size) bytes exceeds the limit of \(limit)"
        case .fieldMissing(let path): "required field \(path) is missing"
        case .fieldType(let path, let expected, let found): "\(path): expected \(expected), found \(found)"
        case .fieldInvalid(let path, let reason): "\(path): \(reason)"
        case .sigstoreUnsupportedMediaType(let found):
            "unsupported Sigstore bundle media type \"\(found)\"; prune reads application/vnd.dev.sigstore.bundle.v0.3+json"
        case .sigstoreUnsupportedMaterial(let found):
            "unsupported verification material \(found); prune verifies public-key bundles only"
        case .sigstoreSignatureCount(let found):
            "the DSSE envelope in a Sigstore bundle must have exactly one signature, found \(found)"
        case .sigstoreHintMismatch(let hint, let verifiedBy):
            "the key hint \(hint) does not match the verifying key \(verifiedBy)"
        case .signatureUntrusted(let hint):
            hint.isEmpty ? "the signature does not verify under any trusted key"
                : "signed by an untrusted key (hint \(hint)); no trusted key verifies it"
        case .signatureInvalid: "the signature does not verify under the trusted key it names: the bundle was altered"
        case .statementUnsupported(let found): "the signed payload is not an in-toto Statement v1 (\(found))"
        case .modelUnsupportedPredicate(let found):
            "unsupported predicate type \"\(found)\"; prune reads https://model_signing/signature/v1.0"
        case .modelUnsupportedMethod(let reason): "unsupported model serialization: \(reason)"
        case .modelInconsistent(let reason): "the signed manifest is inconsistent: \(reason)"
        case .modelMismatch(let missing, let extra, let changed):
            (["the model does not match its signature:"]
                + changed.map { "changed \($0)" } + missing.map { "missing \($0)" } + extra.map { "unsigned \($0)" })
                .joined(separator: changed.count + missing.count + extra.count > 0 ? " " : "")
        }
    }
}
