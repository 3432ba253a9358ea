/// The framing around the deflate data. Both carry a checksum of the uncompressed bytes.
public enum CompressionContainer: Sendable, Equatable, CaseIterable {
    /// RFC 1950: 2-byte header, Adler-32 trailer.
    case zlib
    /// RFC 1952: 10-byte header (prune writes MTIME 0, no name or comment), CRC-32 and length trailer.
    case gzip

    /// zlib's `windowBits` selects the container: 15 is zlib with a 32 KiB window, 16 + 15 is gzip.
    /// Inflating never auto-detects, so a gzip file is not silently accepted where zlib is expected.
    var windowBits: Int32 {
        switch self {
        case .zlib: 15
        case .gzip: 16 + 15
        }
    }
}
