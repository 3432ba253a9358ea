import Foundation

/// One-shot gzip (RFC 1952). Use `Deflater`/`Inflater` with `.gzip` for streams.
public enum Gzip {
    /// Compresses `data` into one gzip member with MTIME 0 and no file name or comment, so the
    /// bytes are the same on every run with the same zlib version. `level` 0…9 (clamped).
    /// Throws only `zlib.internal` (zlib could not allocate its state).
    public static func compress(_ data: Data, level: Int = 6) throws(CompressionError) -> Data {
        try CompressionContainer.gzip.compress(data, level: level)
    }

    /// Decompresses exactly one gzip member, refusing output above `limit` bytes, truncated or
    /// corrupt input, a bad CRC-32 or length, and trailing bytes (including a second member).
    public static func decompress(_ data: Data, limit: Int) throws(CompressionError) -> Data {
        try CompressionContainer.gzip.decompress(data, limit: limit)
    }
}
