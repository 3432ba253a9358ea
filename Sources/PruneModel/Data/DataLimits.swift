/// Hard caps checked (with overflow-checked arithmetic) before any large allocation, so a
/// corrupt or hostile header cannot make prune allocate gigabytes. The defaults fit MNIST
/// (47 MB of pixels, 47 M values) with a wide margin.
public struct DataLimits: Sendable, Equatable {
    /// Largest file read from disk, compressed or not.
    public var maxFileBytes: Int
    /// Largest output of gzip decompression (a decompression bomb stops here).
    public var maxDecompressedBytes: Int
    /// Largest number of feature values in one dataset (each becomes an 8-byte Double).
    public var maxValues: Int

    public init(maxFileBytes: Int, maxDecompressedBytes: Int, maxValues: Int) {
        self.maxFileBytes = maxFileBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxValues = maxValues
    }

    /// 1 GiB files, 1 GiB decompressed, 2²⁸ values (2 GiB of Doubles).
    public static let `default` = DataLimits(maxFileBytes: 1 << 30, maxDecompressedBytes: 1 << 30, maxValues: 1 << 28)
}
