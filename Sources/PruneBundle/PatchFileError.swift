import PruneCore

/// Why a patch file cannot be used. Codes are stable (`bundle.patches.*`).
public enum PatchFileError: PruneError, Equatable {
    /// Not a patch file of a version prune reads.
    case unsupportedFormat(String)
    /// A field with an impossible value (sizes that do not fit the model, a bad index).
    case invalid(String)
    /// A binary tensor that does not decode: bad base64, wrong size, digest mismatch, NaN.
    case tensor(String, String)
    /// The patch file was made for another model file.
    case modelMismatch(expected: String, actual: String)
    /// The margin τ every claim is made with is not a positive finite number: with τ ≤ 0 a
    /// point whose label still wins (or ties) would pass C0 and C5.
    case nonPositiveMargin(Double)
    /// The points do not match the request: a row listed twice, an index outside the request,
    /// or another count than `request.count`.
    case requestMismatch(String)

    public var code: String {
        switch self {
        case .unsupportedFormat: "bundle.patches.unsupported-format"
        case .invalid: "bundle.patches.invalid"
        case .tensor: "bundle.patches.tensor"
        case .modelMismatch: "bundle.patches.model-mismatch"
        case .nonPositiveMargin: "bundle.patches.non-positive-margin"
        case .requestMismatch: "bundle.patches.request-mismatch"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .modelMismatch: .verificationFailed
        default: .dataError
        }
    }

    public var message: String {
        switch self {
        case .unsupportedFormat(let f): "unsupported patch file format '\(f)' (prune reads \(PatchFile.formatNames.joined(separator: " and ")))"
        case .invalid(let m): "invalid patch file: \(m)"
        case .tensor(let path, let m): "tensor \(path): \(m)"
        case .modelMismatch(let e, let a): "patches were made for the model with SHA-256 \(e), this model file has \(a)"
        case .nonPositiveMargin(let tau): "settings.margin τ = \(tau): claims need a positive finite margin"
        case .requestMismatch(let m): "the points do not match the forget request: \(m)"
        }
    }
}
