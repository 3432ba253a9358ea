import PruneCore

/// Why a dataset, label file or index file could not be read. Codes are stable (`data.*`); the
/// loaders wrap these in `FileError` so every message names the file, and the details name
/// the row (1-based data row and file line for text, 0-based sample index for binary files).
public enum DataError: PruneError, Equatable {
    /// Syntax: a CSV cell that is not a number, an npy header that does not parse, a bad IDX magic.
    case malformed(detail: String)
    /// Sizes that do not fit: feature and label counts differ, ragged rows, wrong dimensions.
    case shapeMismatch(detail: String)
    /// A NaN or infinite value; `location` names the row and column.
    case nonFinite(location: String, value: String)
    /// A label that is negative, not below the class count, or not an integer-valued number.
    case labelOutOfRange(detail: String)
    /// An npy dtype or layout prune does not read (big-endian, object arrays, Fortran order, IDX non-uint8).
    case unsupportedDtype(detail: String)
    /// A declared size larger than the file or than a documented limit, caught before allocating.
    case tooLarge(detail: String)
    /// An index-file entry outside the dataset.
    case indexOutOfRange(detail: String)
    /// A file with no samples.
    case empty(detail: String)
    /// A path whose name does not say which loader to use.
    case unsupportedFormat(detail: String)
    /// A label file given where the format has none (CSV), or missing where it is required (npy, IDX).
    case labelFile(detail: String)

    public var code: String {
        switch self {
        case .malformed: "data.malformed"
        case .shapeMismatch: "data.shape-mismatch"
        case .nonFinite: "data.non-finite"
        case .labelOutOfRange: "data.label-out-of-range"
        case .unsupportedDtype: "data.unsupported-dtype"
        case .tooLarge: "data.too-large"
        case .indexOutOfRange: "data.index-out-of-range"
        case .empty: "data.empty"
        case .unsupportedFormat: "data.unsupported-format"
        case .labelFile: "data.label-file"
        }
    }

    public var exitStatus: ExitStatus { .dataError }

    public var message: String {
        switch self {
        case .malformed(let detail): "malformed data: \(detail)"
        case .shapeMismatch(let detail): "shape mismatch: \(detail)"
        case .nonFinite(let location, let value): "non-finite value \(value) at \(location)"
        case .labelOutOfRange(let detail): "label out of range: \(detail)"
        case .unsupportedDtype(let detail): "unsupported data type: \(detail)"
        case .tooLarge(let detail): "too large: \(detail)"
        case .indexOutOfRange(let detail): "index out of range: \(detail)"
        case .empty(let detail): "no samples: \(detail)"
        case .unsupportedFormat(let detail): "unsupported dataset format: \(detail)"
        case .labelFile(let detail): "label file: \(detail)"
        }
    }
}
