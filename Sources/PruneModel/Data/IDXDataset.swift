import PruneCore

/// MNIST-style IDX files: an images file (magic 00 00 08 03: unsigned bytes, 3 big-endian
/// dimensions n, rows, cols) and a labels file (00 00 08 01: n bytes), each plain or gzipped
/// (detected by the 1f 8b magic, capped by `DataLimits.maxDecompressedBytes`). A sample has
/// shape [1, rows, cols], NCHW without the batch, so an MLP flattens it and a CNN takes it
/// as one channel.
public enum IDXDataset {
    /// With `select`, only the samples it returns (given the file's sample count) are converted
    /// to Doubles, in its order: a forget request of a few rows of MNIST then costs a few rows of
    /// memory, not 60,000.
    public static func load(images: String, labels: String, limits: DataLimits = .default,
                            select: ((Int) throws -> [Int])? = nil) throws -> Dataset {
        let imageBytes = try DataFile.read(images, limits: limits)
        let labelBytes = try DataFile.read(labels, limits: limits)
        return try decode(images: imageBytes, labels: labelBytes, imagesName: images, labelsName: labels, limits: limits,
                          select: select)
    }

    /// Decodes an images file and a labels file already in memory (plain, not gzipped). Errors
    /// are `FileError`s naming `imagesName` or `labelsName`, as `load` names the paths.
    public static func decode(images imageBytes: [UInt8], labels labelBytes: [UInt8], imagesName images: String,
                              labelsName labels: String, limits: DataLimits = .default,
                              select: ((Int) throws -> [Int])? = nil) throws -> Dataset {
        let dims = try validate(images: imageBytes, labels: labelBytes, imagesName: images, labelsName: labels, limits: limits)
        let classes = labelBytes[8...].map(Int.init)
        if let select {
            let rows = try IDXRows(imageBytes: imageBytes, dims: dims, classes: classes, indices: try select(dims[0]),
                                   imagesName: images, labelsName: labels, limits: limits)
            return Dataset(sampleShape: rows.sampleShape, features: try rows.features(of: Array(0..<rows.count)),
                           labels: rows.labels, source: rows.source)
        }
        // Bulk conversion: one map over the pixel bytes, no per-sample arrays.
        let features = imageBytes[16...].map(Double.init)
        return Dataset(sampleShape: [1, dims[1], dims[2]], features: features, labels: classes,
                       source: "\(images) with labels \(labels)")
    }

    /// The rows `select` returns, kept as the file's bytes and converted to Doubles a few at a
    /// time (`IDXRows`): an audit of 10,000 MNIST rows then holds the 47 MB file, not 63 MB of
    /// Doubles on top of it.
    public static func rows(images: String, labels: String, limits: DataLimits = .default,
                            select: (Int) throws -> [Int]) throws -> IDXRows {
        let imageBytes = try DataFile.read(images, limits: limits)
        let labelBytes = try DataFile.read(labels, limits: limits)
        let dims = try validate(images: imageBytes, labels: labelBytes, imagesName: images, labelsName: labels, limits: limits)
        return try IDXRows(imageBytes: imageBytes, dims: dims, classes: labelBytes[8...].map(Int.init), indices: try select(dims[0]),
                           imagesName: images, labelsName: labels, limits: limits)
    }

    /// Checks both headers and lengths; returns the images' dimensions [n, rows, cols].
    static func validate(images imageBytes: [UInt8], labels labelBytes: [UInt8], imagesName images: String,
                         labelsName labels: String, limits: DataLimits) throws -> [Int] {
        let dims: [Int], labelDims: [Int]
        do {
            dims = try header(imageBytes, dimensions: 3, kind: "images")
            guard dims[1] > 0, dims[2] > 0 else { throw DataError.shapeMismatch(detail: "images of \(dims[1])×\(dims[2]) pixels") }
            guard dims[0] > 0 else { throw DataError.empty(detail: "the images file holds 0 images") }
            guard let count = DataFile.checkedProduct(dims) else { throw DataError.tooLarge(detail: "IDX dimensions \(dims) overflow") }
            try DataFile.checkValueCount(count, limits: limits, what: "the images file")
            try checkLength(imageBytes, headerBytes: 16, declared: count, dims: dims)
        } catch let e as DataError { throw FileError(path: images, e) }
        do {
            labelDims = try header(labelBytes, dimensions: 1, kind: "labels")
            try checkLength(labelBytes, headerBytes: 8, declared: labelDims[0], dims: labelDims)
            guard labelDims[0] == dims[0] else {
                throw DataError.shapeMismatch(detail: "\(labelDims[0]) labels for \(dims[0]) images in \(images)")
            }
        } catch let e as DataError { throw FileError(path: labels, e) }
        return dims
    }

    /// Checks the magic (two zero bytes, element type 0x08, dimension count) and returns the sizes.
    static func header(_ b: [UInt8], dimensions: Int, kind: String) throws(DataError) -> [Int] {
        guard b.count >= 4, b[0] == 0, b[1] == 0 else {
            throw .malformed(detail: "not an IDX file: the magic number must start with two zero bytes")
        }
        guard b[2] == 0x08 else {
            throw .unsupportedDtype(detail: "IDX element type 0x\(String(b[2], radix: 16, uppercase: true)); only unsigned bytes (0x08) are read")
        }
        guard Int(b[3]) == dimensions else {
            throw .malformed(detail: "IDX magic 0x0000080\(b[3]) declares \(b[3]) dimensions; an \(kind) file has \(dimensions) (magic 0x0000080\(dimensions))")
        }
        let headerBytes = 4 + 4 * dimensions
        guard b.count >= headerBytes else { throw .malformed(detail: "IDX file ends inside its header") }
        return (0..<dimensions).map { d in
            let o = 4 + 4 * d
            return Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
        }
    }

    private static func checkLength(_ b: [UInt8], headerBytes: Int, declared: Int, dims: [Int]) throws(DataError) {
        let available = b.count - headerBytes
        guard declared <= available else {
            throw .tooLarge(detail: "IDX dimensions \(dims) declare \(declared) data bytes, the file has \(available)")
        }
        guard declared == available else {
            throw .malformed(detail: "IDX dimensions \(dims) declare \(declared) data bytes, \(available - declared) more follow")
        }
    }
}
