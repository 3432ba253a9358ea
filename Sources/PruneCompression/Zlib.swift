import Foundation

/// One-shot zlib (RFC 1950) compression. Use `Deflater`/`Inflater` with `.zlib` for streams.
public enum Zlib {
    /// Compresses `data` into a complete zlib stream. `level` 0…9 (clamped), default 6.
    /// Throws only `zlib.internal` (zlib could not allocate its state).
    public static func compress(_ data: Data, level: Int = 6) throws(CompressionError) -> Data {
        try CompressionContainer.zlib.compress(data, level: level)
    }

    /// Decompresses exactly one zlib stream, refusing output above `limit` bytes, truncated or
    /// corrupt input, a bad Adler-32, and trailing bytes.
    public static func decompress(_ data: Data, limit: Int) throws(CompressionError) -> Data {
        try CompressionContainer.zlib.decompress(data, limit: limit)
    }
}
