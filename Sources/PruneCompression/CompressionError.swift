import PruneCore

/// Why compressing or decompressing failed. Codes are stable (`zlib.*`); bad input maps to
/// exit status `.dataError`, a zlib library failure to `.internalError`.
public enum CompressionError: PruneError, Equatable {
    /// Decompressed output would exceed the caller's limit (a decompression bomb, or just too big).
    case outputLimit(limit: Int)
    /// The input ended before the end of the compressed stream (includes empty input).
    case truncated
    /// The container header is malformed, names an unsupported method, or needs a preset dictionary.
    case badHeader(detail: String)
    /// The Adler-32 / CRC-32 or length trailer does not match the decompressed data.
    case checksumMismatch(detail: String)
    /// The compressed data itself is invalid.
    case corrupt(detail: String)
    /// Bytes follow the end of the stream. For gzip this includes a second concatenated member,
    /// which prune never writes and refuses to read.
    case trailingData(byteCount: Int, isGzipMember: Bool)
    /// zlib failed for a reason unrelated to the input (out of memory, misuse).
    case `internal`(detail: String)

    public var code: String {
        switch self {
        case .outputLimit: "zlib.output-limit"
        case .truncated: "zlib.truncated"
        case .badHeader: "zlib.bad-header"
        case .checksumMismatch: "zlib.checksum"
        case .corrupt: "zlib.corrupt"
        case .trailingData: "zlib.trailing-data"
        case .internal: "zlib.internal"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .internal: .internalError
        default: .dataError
        }
    }

    public var message: String {
        switch self {
        case .outputLimit(let limit):
            "decompressed data exceeds the limit of \(limit) bytes"
        case .truncated:
            "compressed data ends before the end of the stream"
        case .badHeader(let detail):
            "bad compressed-stream header: \(detail)"
        case .checksumMismatch(let detail):
            "compressed data fails its integrity check: \(detail)"
        case .corrupt(let detail):
            "compressed data is corrupt: \(detail)"
        case .trailingData(let count, let isGzipMember):
            isGzipMember
                ? "a second gzip member follows the first (\(count) bytes); concatenated members are not accepted"
                : "\(count) bytes of trailing data follow the end of the compressed stream"
        case .internal(let detail):
            "zlib failed: \(detail)"
        }
    }
}
