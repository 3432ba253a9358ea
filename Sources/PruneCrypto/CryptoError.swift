import PruneCore

/// Every failure of the crypto layer, with a stable dotted code. Bad input maps to
/// `.dataError`, a signature that does not check out to `.verificationFailed` (a verdict),
/// and OpenSSL failures that are not the input's fault to `.internalError`.
public enum CryptoError: PruneError, Equatable {
    /// A private key is protected by a passphrase; prune never prompts for one.
    case keyEncrypted
    /// The bytes are not a PEM key OpenSSL can read.
    case keyUnreadable(reason: String)
    /// The key is readable but is neither ECDSA P-256 nor Ed25519.
    case keyUnsupportedAlgorithm(found: String)
    /// A hex string has an odd length or a character outside 0-9a-fA-F.
    case hexMalformed(reason: String)
    /// A DSSE envelope is not valid JSON of the expected shape.
    case dsseMalformed(reason: String)
    /// No signature in a DSSE envelope verifies under any trusted key.
    case dsseNoValidSignature
    /// Fewer unique trusted keys verified than the threshold asks for.
    case dsseThresholdNotMet(verified: Int, required: Int)
    /// A model contains a symbolic link; links are refused, never followed.
    case modelSymlink(path: String)
    /// A model has no regular files left after exclusions.
    case modelEmpty(path: String)
    /// A file name in a model is not valid UTF-8 and cannot be named in a manifest.
    case modelNonUTF8Path(path: String)
    /// A model entry is neither a regular file, a folder nor a link (a socket, a device...).
    case modelUnsupportedFileType(path: String)
    /// OpenSSL failed for a reason that is not the input's fault.
    case openssl(operation: String, detail: String)

    public var code: String {
        switch self {
        case .keyEncrypted: "crypto.key.encrypted"
        case .keyUnreadable: "crypto.key.unreadable"
        case .keyUnsupportedAlgorithm: "crypto.key.unsupported-algorithm"
        case .hexMalformed: "crypto.hex.malformed"
        case .dsseMalformed: "crypto.dsse.malformed"
        case .dsseNoValidSignature: "crypto.dsse.no-valid-signature"
        case .dsseThresholdNotMet: "crypto.dsse.threshold-not-met"
        case .modelSymlink: "crypto.model.symlink"
        case .modelEmpty: "crypto.model.empty"
        case .modelNonUTF8Path: "crypto.model.non-utf8-path"
        case .modelUnsupportedFileType: "crypto.model.unsupported-file-type"
        case .openssl: "crypto.openssl"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .dsseNoValidSignature, .dsseThresholdNotMet: .verificationFailed
        case .openssl: .internalError
        default: .dataError
        }
    }

    public var message: String {
        switch self {
        case .keyEncrypted:
            "the private key is encrypted; prune does not prompt for passphrases. "
                + "Decrypt it first, e.g. `openssl pkey -in key.pem -out key-plain.pem`, and protect the file with permissions"
        case .keyUnreadable(let reason): "not a readable PEM key: \(reason)"
        case .keyUnsupportedAlgorithm(let found):
            "unsupported key algorithm \(found); prune accepts ECDSA P-256 and Ed25519 keys"
        case .hexMalformed(let reason): "malformed hex: \(reason)"
        case .dsseMalformed(let reason): "malformed DSSE envelope: \(reason)"
        case .dsseNoValidSignature: "no signature in the DSSE envelope verifies under a trusted key"
        case .dsseThresholdNotMet(let verified, let required):
            "only \(verified) trusted key(s) verified the DSSE envelope; \(required) required"
        case .modelSymlink(let path): "\(path): symbolic links are not allowed in a model"
        case .modelEmpty(let path): "\(path): the model has no files to sign after exclusions"
        case .modelNonUTF8Path(let path): "\(path): file name is not valid UTF-8"
        case .modelUnsupportedFileType(let path): "\(path): not a regular file or folder"
        case .openssl(let operation, let detail): "OpenSSL failed in \(operation): \(detail)"
        }
    }
}
